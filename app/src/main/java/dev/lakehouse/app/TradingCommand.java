package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.trading.PriceModel;
import dev.lakehouse.ingest.trading.TradingGenerator;
import dev.lakehouse.trading.TradingGold;
import dev.lakehouse.trading.TradingSilver;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "trading",
    mixinStandardHelpOptions = true,
    description =
        "The trading warehouse. generate: seeded stocks, trading accounts, orders and trades over"
            + " the trading days of the last --days days, consistent with the simulated prices"
            + " (market.simulated-seed), to Kafka. silver --date D (default today, UTC; or each"
            + " date of --from D1 --to D2): the trading topics' window D-L..D from bronze to"
            + " silver, with the trading rules and their quarantine. gold --date D (or the last"
            + " date of a range): the trading star schema and marts as of D, rebuilt from silver."
            + " See docs/trading.md.")
final class TradingCommand extends LakehouseCommand {
  @Parameters(index = "0", paramLabel = "generate|silver|gold", description = "What to do.")
  String action;

  @Mixin DateOptions dates = new DateOptions();

  @Option(
      names = "--days",
      paramLabel = "D",
      description = "generate: days of history (default: ${DEFAULT-VALUE}).")
  int days = 30;

  @Option(
      names = "--end-date",
      paramLabel = "YYYY-MM-DD",
      description = "generate: the last day (default: yesterday, UTC).")
  LocalDate endDate;

  @Option(
      names = "--accounts",
      paramLabel = "N",
      description = "generate: trading accounts (default: ${DEFAULT-VALUE}).")
  int accounts = 50;

  @Option(
      names = "--orders-per-day",
      paramLabel = "N",
      description = "generate: orders per trading day (default: ${DEFAULT-VALUE}).")
  int ordersPerDay = 40;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "generate: random seed of the activity (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Override
  protected void validate(LakehouseConfig config) {
    TradingCalendar.of(config);
    switch (action) {
      case "generate" -> {
        if (days < 1 || days > 3660) {
          throw new ConfigException("--days must be between 1 and 3660, got " + days + ".");
        }
        if (accounts < 1 || ordersPerDay < 0) {
          throw new ConfigException(
              "--accounts must be at least 1 and --orders-per-day 0 or more.");
        }
      }
      case "silver", "gold" -> dates.isRange();
      default ->
          throw new ConfigException(
              "Unknown action '" + action + "'; use generate, silver or gold.");
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    return switch (action) {
      case "generate" -> generate(config, out);
      case "silver" -> silver(config, out);
      default -> gold(config, out);
    };
  }

  private Map<String, Object> generate(LakehouseConfig config, PrintWriter out) {
    LocalDate end = endDate != null ? endDate : LocalDate.now(ZoneOffset.UTC).minusDays(1);
    LocalDate start = end.minusDays(days - 1L);
    PriceModel prices =
        new PriceModel(
            config.longValue(Settings.MARKET_SIMULATED_SEED), TradingCalendar.of(config));
    TradingGenerator generator =
        new TradingGenerator(
            new TradingGenerator.Options(seed, start, end, accounts, ordersPerDay, 0.02, prices));
    TradingGenerator.Summary summary = generator.generate();
    Optional<LocalServices.Started> embedded = LocalServices.kafka(config);
    try {
      String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
      List<String> topics = Topic.trading().stream().map(Topic::topicName).toList();
      KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS), topics);
      try (EventProducer producer = new EventProducer(bootstrap)) {
        producer.sendAll(generator.messages(), n -> {});
      }
      out.printf(
          "Produced trading activity for %s to %s (seed %d) to %s:%n", start, end, seed, bootstrap);
      summary.messagesPerTopic().forEach((t, n) -> out.printf("  %-17s %,8d messages%n", t, n));
      out.printf(
          "  %d trade corrections among them. Prices come from 'prices fetch' (the simulated feed"
              + " has the same prices).%n",
          summary.corrections());
    } finally {
      embedded.ifPresent(LocalServices.Started::close);
    }
    Map<String, Object> m = new LinkedHashMap<>(summary.messagesPerTopic());
    m.put("corrections", summary.corrections());
    return m;
  }

  private Map<String, Object> silver(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-trading-silver");
    try {
      List<Object> runs = new ArrayList<>();
      for (LocalDate d : dates.dates()) {
        TradingSilver.Result r = TradingSilver.run(lease.spark(), config, d);
        out.printf(
            "Trading silver %s (window %s..%s, run %s): merged %s; %d quarantined.%n",
            d, r.windowStart(), d, r.runId(), r.merged(), r.quarantined());
        for (TradingSilver.RuleResult rule : r.rules()) {
          if (rule.failed() > 0) {
            out.printf(
                "  %-28s %-10s %,d of %,d %s%n",
                rule.rule(), rule.severity(), rule.failed(), rule.checked(), rule.samples());
          }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", d.toString());
        m.put("run_id", r.runId());
        m.put("merged", r.merged());
        m.put("quarantined", r.quarantined());
        runs.add(m);
      }
      return Map.of("runs", runs);
    } finally {
      lease.close();
    }
  }

  private Map<String, Object> gold(LakehouseConfig config, PrintWriter out) {
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-trading-gold");
    try {
      List<LocalDate> all = dates.dates();
      LocalDate date = all.get(all.size() - 1);
      Map<String, Long> rows = TradingGold.run(lease.spark(), config, date);
      out.printf("Trading gold as of %s:%n", date);
      rows.forEach((t, n) -> out.printf("  %-32s %,10d rows%n", t, n));
      return new LinkedHashMap<>(rows);
    } finally {
      lease.close();
    }
  }
}
