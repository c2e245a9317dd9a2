package dev.lakehouse.app;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.fraud.StreamCheckpoint;
import dev.lakehouse.ops.anomaly.Anomalies;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "The health of the lakehouse: freshness of each layer, the stream's lag behind Kafka, the"
            + " last runs, data-quality failures, dead letters and late arrivals of the last day,"
            + " open anomalies. Exit code 1 when something is stale or failing or an open anomaly"
            + " is an error, so it can serve as a health check; --json for monitors; --format"
            + " prometheus for a node-exporter textfile (always exit code 0 then: the health is"
            + " lakehouse_healthy).")
final class StatusCommand extends LakehouseCommand {
  private final List<String> problems = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "text (default) or prometheus (the text exposition format).")
  String format = "text";

  @Override
  protected void validate(LakehouseConfig config) {
    if (!format.equals("text") && !format.equals("prometheus")) {
      throw new dev.lakehouse.common.ConfigException(
          "Unknown --format '" + format + "': text or prometheus.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter realOut)
      throws Exception {
    boolean prometheus = format.equals("prometheus");
    PrintWriter out = prometheus ? new PrintWriter(new java.io.StringWriter()) : realOut;
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-status");
    SparkSession spark = lease.spark();
    Map<String, Object> summary = new LinkedHashMap<>();
    try {
      Instant now = Instant.now();
      Instant dayAgo = now.minus(Duration.ofDays(1));
      summary.put("tables", freshness(spark, out));
      summary.put("jobs", jobs(spark, config, out, now));
      Map<String, Long> ends = endOffsets(config, out);
      summary.put("stream_lag", ends == null ? null : lag(spark, config, ends, out));
      summary.put("fraud_lag", ends == null ? null : fraudLag(spark, config, ends, out));
      if (exists(spark, Tables.OPS_DQ_RESULTS)) {
        Map<String, Long> dq = new LinkedHashMap<>();
        for (Row r :
            spark
                .sql(
                    "SELECT rule, severity, sum(rows_failed) FROM "
                        + Tables.OPS_DQ_RESULTS
                        + " WHERE rows_failed > 0 AND checked_at >= TIMESTAMP '"
                        + Timestamp.from(dayAgo)
                        + "' GROUP BY 1, 2 ORDER BY 3 DESC")
                .collectAsList()) {
          dq.put(r.getString(0) + " (" + r.getString(1) + ")", r.getLong(2));
        }
        out.printf("%nData-quality failures in the last day: %s%n", dq.isEmpty() ? "none" : dq);
        summary.put("dq_failures_last_day", dq);
      }
      if (exists(spark, Tables.BRONZE_DEAD_LETTERS)) {
        long dead =
            spark
                .sql(
                    "SELECT count(*) FROM "
                        + Tables.BRONZE_DEAD_LETTERS
                        + " WHERE ingested_at >= TIMESTAMP '"
                        + Timestamp.from(dayAgo)
                        + "'")
                .first()
                .getLong(0);
        out.printf("Dead letters in the last day: %,d%n", dead);
        summary.put("dead_letters_last_day", dead);
      }
      if (exists(spark, Tables.OPS_LATE_ARRIVALS)) {
        long late =
            spark
                .sql(
                    "SELECT count(*) FROM "
                        + Tables.OPS_LATE_ARRIVALS
                        + " WHERE applied_run_id IS NULL")
                .first()
                .getLong(0);
        out.printf("Late arrivals waiting for a backfill: %,d%n", late);
        summary.put("late_arrivals_outstanding", late);
      }
      List<Anomalies.Anomaly> open =
          Anomalies.open(spark, config.intValue(Settings.ANOMALY_OPEN_DAYS));
      out.printf("%nOpen anomalies: %s%n", open.isEmpty() ? "none" : open.size());
      List<Map<String, Object>> anomalies = new ArrayList<>();
      for (Anomalies.Anomaly a : open) {
        out.printf("  #%d %-5s %s %s%n", a.id(), a.severity(), a.date(), a.detail());
        anomalies.add(
            Map.of(
                "id",
                a.id(),
                "severity",
                a.severity(),
                "date",
                a.date().toString(),
                "series",
                a.series()));
        if (a.severity().equals("error")) {
          problems.add("anomaly #" + a.id() + ": " + a.series() + " on " + a.date());
        }
      }
      if (!open.isEmpty()) {
        out.println("  (lakehouse anomalies explain --id N tells why)");
      }
      summary.put("open_anomalies", anomalies);
      if (prometheus) {
        summary.put("problems", problems);
        realOut.print(StatusMetrics.render(spark, summary, open));
        realOut.flush();
        return Map.of();
      }
    } finally {
      lease.close();
    }
    summary.put("problems", problems);
    summary.put("healthy", problems.isEmpty());
    out.printf(
        "%n%s%n", problems.isEmpty() ? "HEALTHY" : "UNHEALTHY: " + String.join("; ", problems));
    if (!problems.isEmpty()) {
      // The summary is still printed; the exit code tells a health check.
      root.printSummary(out, spec.name(), "unhealthy", summary);
      throw new StatusProblem(String.join("; ", problems));
    }
    return summary;
  }

  /** Something is stale or failing: exit code 1, after the report. */
  static final class StatusProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StatusProblem(String message) {
      super(message);
    }
  }

  private static boolean exists(SparkSession spark, String table) {
    return spark.catalog().tableExists(Tables.qualified(table));
  }

  private Map<String, Object> freshness(SparkSession spark, PrintWriter out) {
    Map<String, Object> tables = new LinkedHashMap<>();
    String eventTime = Topic.TRANSACTIONS.eventTimeColumn();
    String[][] checks = {
      {Tables.BRONZE_TRANSACTIONS, eventTime, "ingested_at"},
      {Tables.SILVER_TRANSACTIONS, eventTime, "last_updated_at"},
      {Tables.GOLD_FCT_TRANSACTIONS, eventTime, null},
    };
    out.println("Freshness:");
    for (String[] c : checks) {
      if (!exists(spark, c[0])) {
        out.printf("  %-24s does not exist yet%n", c[0]);
        continue;
      }
      Row r =
          spark
              .sql(
                  "SELECT max("
                      + c[1]
                      + "), "
                      + (c[2] == null ? "NULL" : "max(" + c[2] + ")")
                      + ", count(*) FROM "
                      + c[0])
              .first();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("latest_event_ts", String.valueOf(r.get(0)));
      m.put("latest_update", String.valueOf(r.get(1)));
      m.put("rows", r.getLong(2));
      tables.put(c[0], m);
      out.printf(
          "  %-24s latest event %s, last written %s, %,d rows%n",
          c[0], r.get(0), r.get(1) == null ? "-" : r.get(1), r.getLong(2));
    }
    return tables;
  }

  private Map<String, Object> jobs(
      SparkSession spark, LakehouseConfig config, PrintWriter out, Instant now) {
    Map<String, Object> jobs = new LinkedHashMap<>();
    if (!exists(spark, Tables.OPS_RUNS)) {
      out.println("\nNo batch job has run yet.");
      return jobs;
    }
    long maxAge = config.longValue(Settings.STATUS_MAX_RUN_AGE_HOURS);
    out.println("\nLast runs:");
    for (Row r :
        spark
            .sql(
                "SELECT job, mode, business_date, status, ended_at, error FROM "
                    + Tables.OPS_RUNS
                    + " ORDER BY ended_at DESC LIMIT 8")
            .collectAsList()) {
      out.printf(
          "  %-7s %-8s %s %-7s ended %s%s%n",
          r.getString(0),
          r.getString(1),
          r.get(2),
          r.getString(3),
          r.get(4),
          r.isNullAt(5) ? "" : "  error: " + r.getString(5));
    }
    for (Row r :
        spark
            .sql(
                "SELECT job, max_by(status, ended_at), max(CASE WHEN status IN ('SUCCESS', 'NOOP')"
                    + " THEN ended_at END) FROM "
                    + Tables.OPS_RUNS
                    + " GROUP BY job ORDER BY job")
            .collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("last_status", r.getString(1));
      m.put("last_success", String.valueOf(r.get(2)));
      jobs.put(r.getString(0), m);
      if ("FAILED".equals(r.getString(1))) {
        problems.add("the last " + r.getString(0) + " run failed");
      }
      if (r.isNullAt(2)
          || Duration.between(r.getTimestamp(2).toInstant(), now).toHours() >= maxAge) {
        problems.add(r.getString(0) + " has not succeeded in the last " + maxAge + " hours");
      }
    }
    return jobs;
  }

  /**
   * The end offset of every partition of the contract topics ({@code topic-partition}), or null
   * when Kafka cannot be reached (said, and a problem unless the broker is the embedded one).
   */
  private Map<String, Long> endOffsets(LakehouseConfig config, PrintWriter out) throws Exception {
    String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
    if (!KafkaTopics.reachable(bootstrap)) {
      out.printf(
          "%nStream lag: unknown, Kafka is not reachable at %s%s.%n",
          bootstrap,
          config.boolValue(Settings.KAFKA_EMBEDDED)
              ? " (the embedded broker runs only inside lakehouse commands)"
              : "");
      if (!config.boolValue(Settings.KAFKA_EMBEDDED)) {
        problems.add("Kafka is not reachable at " + bootstrap);
      }
      return null;
    }
    Map<String, Long> ends = new LinkedHashMap<>();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15000))) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (var d :
          admin.describeTopics(Topic.names()).allTopicNames().get(15, TimeUnit.SECONDS).values()) {
        d.partitions()
            .forEach(
                p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
      }
      admin
          .listOffsets(request)
          .all()
          .get(15, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp.topic() + "-" + tp.partition(), info.offset()));
    }
    return ends;
  }

  /** Messages per topic that Kafka holds and bronze has not landed. */
  private Object lag(
      SparkSession spark, LakehouseConfig config, Map<String, Long> ends, PrintWriter out) {
    Map<String, Long> read = new HashMap<>();
    if (exists(spark, Tables.OPS_STREAM_BATCHES)) {
      for (Row r :
          spark
              .sql(
                  "SELECT kafka_topic, kafka_partition, max(end_offset) FROM "
                      + Tables.OPS_STREAM_BATCHES
                      + " GROUP BY 1, 2")
              .collectAsList()) {
        read.put(r.getString(0) + "-" + r.getInt(1), r.getLong(2) + 1);
      }
    }
    Map<String, Long> lagPerTopic = new LinkedHashMap<>();
    for (String topic : Topic.names()) {
      lagPerTopic.put(topic, behind(topic, ends, read));
    }
    long total = lagPerTopic.values().stream().mapToLong(Long::longValue).sum();
    out.printf("%nStream lag (messages in Kafka not yet in bronze): %,d %s%n", total, lagPerTopic);
    if (total > config.longValue(Settings.STATUS_MAX_STREAM_LAG)) {
      problems.add("the bronze stream is " + total + " messages behind Kafka");
    }
    return lagPerTopic;
  }

  /**
   * Transactions in Kafka the fraud stream has not finished scoring, from the offsets of its
   * checkpoint's last committed batch; null when it has never committed one.
   */
  private Object fraudLag(
      SparkSession spark, LakehouseConfig config, Map<String, Long> ends, PrintWriter out)
      throws IOException {
    String checkpoint = config.location(Settings.FRAUD_CHECKPOINT_DIR);
    Optional<Map<String, Long>> committed = StreamCheckpoint.committedOffsets(spark, checkpoint);
    if (committed.isEmpty()) {
      out.printf("Fraud stream lag: not started (no committed batch in %s)%n", checkpoint);
      return null;
    }
    long lag = behind(Topic.TRANSACTIONS.topicName(), ends, committed.get());
    out.printf("Fraud stream lag (transactions in Kafka not yet scored): %,d%n", lag);
    if (lag > config.longValue(Settings.STATUS_MAX_STREAM_LAG)) {
      problems.add("the fraud stream is " + lag + " transactions behind Kafka");
    }
    return lag;
  }

  /** End offsets minus next offsets to read, over the topic's partitions ({@code topic-n} keys). */
  static long behind(String topic, Map<String, Long> ends, Map<String, Long> next) {
    long total = 0;
    for (Map.Entry<String, Long> e : ends.entrySet()) {
      if (e.getKey().startsWith(topic + "-")
          && e.getKey().substring(topic.length() + 1).matches("\\d+")) {
        total += Math.max(0, e.getValue() - next.getOrDefault(e.getKey(), 0L));
      }
    }
    return total;
  }
}
