package dev.lakehouse.app;

import dev.lakehouse.bronze.DeadLetterReplay;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.contract.DeadLetterReason;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description =
        "list: the dead letters waiting, by topic and reason. replay: re-parse them with the"
            + " current contract and configuration (after a fix) and move those that now pass into"
            + " bronze, exactly once, keyed by their Kafka coordinates; replaying twice adds"
            + " nothing.")
final class DeadLettersCommand extends LakehouseCommand {
  @Parameters(index = "0", paramLabel = "list|replay", description = "What to do.")
  String action;

  @Option(
      names = "--reason",
      paramLabel = "R",
      description = "Only this reason code (listed in docs/event-contract.md).")
  String reason;

  @Option(
      names = "--since",
      paramLabel = "TIMESTAMP",
      description =
          "Only dead letters ingested at or after this ISO-8601 instant, e.g."
              + " 2026-11-20T00:00:00Z.")
  String since;

  @Override
  protected void validate(LakehouseConfig config) {
    if (!action.equals("list") && !action.equals("replay")) {
      throw new ConfigException("Unknown action '" + action + "'; use list or replay.");
    }
    if (reason != null) {
      try {
        DeadLetterReason.valueOf(reason);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "Unknown --reason '"
                + reason
                + "'; the reason codes are listed in docs/event-contract.md.");
      }
    }
    sinceTimestamp();
  }

  private Timestamp sinceTimestamp() {
    try {
      return since == null ? null : Timestamp.from(Instant.parse(since));
    } catch (DateTimeParseException e) {
      throw new ConfigException(
          "Invalid --since '" + since + "': use an ISO-8601 instant such as 2026-11-20T00:00:00Z.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-dead-letters");
    SparkSession spark = lease.spark();
    try {
      Map<String, Object> summary = new LinkedHashMap<>();
      if (action.equals("list")) {
        List<Row> rows = DeadLetterReplay.list(spark, reason, sinceTimestamp());
        List<String[]> cells = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        for (Row r : rows) {
          cells.add(
              new String[] {
                r.getString(0),
                r.getString(1),
                Long.toString(r.getLong(2)),
                String.valueOf(r.get(3)),
                String.valueOf(r.get(4)),
                String.valueOf(r.get(5))
              });
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("topic", r.getString(0));
          m.put("reason", r.getString(1));
          m.put("messages", r.getLong(2));
          json.add(m);
        }
        out.print(
            TextTable.renderText(
                new String[] {
                  "topic", "reason", "messages", "first ingested", "last ingested", "example"
                },
                cells));
        out.printf("(%d group%s)%n", cells.size(), cells.size() == 1 ? "" : "s");
        summary.put("groups", json);
      } else {
        DeadLetterReplay.Result r =
            DeadLetterReplay.replay(spark, config, reason, sinceTimestamp());
        out.printf(
            "Replayed %,d of %,d dead letters into bronze %s; %,d still break the contract %s.%n",
            r.replayedTotal(),
            r.selected(),
            r.replayed(),
            r.selected() - r.replayedTotal(),
            r.stillDead());
        summary.put("selected", r.selected());
        summary.put("replayed", r.replayed());
        summary.put("still_dead", r.stillDead());
      }
      return summary;
    } finally {
      lease.close();
    }
  }
}
