package dev.lakehouse.app;

import dev.lakehouse.bronze.BronzeResult;
import dev.lakehouse.bronze.BronzeStream;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.export.PostgresConnections;
import dev.lakehouse.export.PostgresExporter;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.GoldResult;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ingest.OutgoingMessage;
import dev.lakehouse.ingest.trading.PriceModel;
import dev.lakehouse.ingest.trading.TradingGenerator;
import dev.lakehouse.market.MarketDataClient;
import dev.lakehouse.market.PriceFetcher;
import dev.lakehouse.silver.SilverJob;
import dev.lakehouse.silver.SilverResult;
import dev.lakehouse.trading.TradingGold;
import dev.lakehouse.trading.TradingSilver;
import dev.lakehouse.trading.TradingTables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "The whole platform in one command, on embedded services: generate a data set, run bronze"
            + " to completion, silver and gold for every date, export the marts to PostgreSQL, and"
            + " print what each layer holds. Uses <data-dir>/demo, which it empties first.")
final class DemoCommand extends LakehouseCommand {
  /** The trading history the demo builds: at most the last 30 days of its calendar. */
  static final int TRADING_DAYS = 30;

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Messages on the transactions topic (default: ${DEFAULT-VALUE}).")
  long events = 200_000;

  @Option(
      names = "--days",
      paramLabel = "D",
      description =
          "Days of history (default: ${DEFAULT-VALUE}); four months show red streaks and tier"
              + " changes.")
  int days = 120;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--end-date",
      paramLabel = "YYYY-MM-DD",
      description = "Last day of the history, UTC (default: yesterday); fixes the demo's dates.")
  LocalDate endDate;

  @Option(
      names = "--serve",
      description =
          "When the demo has finished, keep its PostgreSQL up and serve the dashboards on it"
              + " (lakehouse serve), printing their URL; Ctrl-C stops them.")
  boolean serve;

  @Override
  protected void validate(LakehouseConfig config) {
    if (events < 1) {
      throw new ConfigException("--events must be at least 1, got " + events);
    }
    // The last week is held back and delivered late, so a shorter history has nothing on time.
    if (days < 8 || days > 3660) {
      throw new ConfigException("--days must be between 8 and 3660, got " + days);
    }
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig base, PrintWriter out) throws Exception {
    long t0 = System.nanoTime();
    Path dir = base.dataDir().resolve("demo");
    deleteRecursively(dir);
    Map<String, String> conf = new HashMap<>();
    conf.put(Settings.DATA_DIR, dir.toString());
    if (!KafkaTopics.reachable(base.get(Settings.KAFKA_BOOTSTRAP))
        || base.profile().equals("local")) {
      // The demo's broker is its own, on a free port, so it never mixes with a running 'services'.
      conf.put(Settings.KAFKA_BOOTSTRAP, "localhost:" + LocalServices.freePort());
    }
    LakehouseConfig config = root.loadConfig(conf);
    LocalDate end = endDate != null ? endDate : LocalDate.now(ZoneOffset.UTC).minusDays(1);
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    LocalDate start = end.minusDays(days - 1L);
    Map<String, Object> summary = new LinkedHashMap<>();
    Optional<LocalServices.Started> kafka = LocalServices.kafka(config);
    Optional<LocalServices.Started> pg = Optional.empty();
    LakehouseSpark.Lease lease = null;
    try {
      step(
          out,
          1,
          "Generating "
              + String.format("%,d", events)
              + " events over "
              + days
              + " days ("
              + start
              + " to "
              + end
              + ")",
          t0);
      EventGenerator generator =
          new EventGenerator(GeneratorOptions.from(config, events, days, seed, end));
      GenerationReport report = generator.plan();
      String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
      KafkaTopics.ensureTopics(bootstrap, config.intValue(Settings.KAFKA_PARTITIONS));
      // Two deliveries: what had arrived a week ago, then the last week (with settlements of older
      // days).
      LocalDate lastWeek = end.minusDays(6);
      long cutoff = lastWeek.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      List<OutgoingMessage> early = new ArrayList<>();
      List<OutgoingMessage> late = new ArrayList<>();
      for (OutgoingMessage m : generator.messages()) {
        (m.timestampMs() < cutoff ? early : late).add(m);
      }
      try (EventProducer producer = new EventProducer(bootstrap)) {
        producer.sendAll(early, n -> {});
      }
      out.printf(
          "      %,d messages planned: %,d customers, %,d accounts, %,d merchants, %,d"
              + " transactions;%n      %,d delivered now, %,d held back as the last week's"
              + " traffic.%n",
          report.totalMessages(),
          report.toMap().get("customers"),
          report.toMap().get("accounts"),
          report.toMap().get("merchants"),
          report.toMap().get("transactions"),
          early.size(),
          late.size());
      LocalDate tradingStart = end.minusDays(Math.min(days, TRADING_DAYS) - 1L);
      TradingGenerator trading =
          new TradingGenerator(
              new TradingGenerator.Options(
                  seed,
                  tradingStart,
                  end,
                  50,
                  40,
                  0.02,
                  new PriceModel(
                      config.longValue(Settings.MARKET_SIMULATED_SEED),
                      TradingCalendar.of(config))));
      TradingGenerator.Summary tradingSummary = trading.generate();
      try (EventProducer producer = new EventProducer(bootstrap)) {
        producer.sendAll(trading.messages(), n -> {});
      }
      out.printf(
          "      Trading: %,d orders and %,d trades of 50 accounts in 15 stocks from %s.%n",
          tradingSummary.messagesPerTopic().getOrDefault("orders", 0),
          tradingSummary.messagesPerTopic().getOrDefault("trades", 0),
          tradingStart);

      step(out, 2, "Bronze: draining Kafka into Iceberg", t0);
      lease = LakehouseSpark.open(config, "lakehouse-demo");
      SparkSession spark = lease.spark();
      try (LocalServices.MarketFeed feed = LocalServices.marketFeed(config)) {
        PriceFetcher.Report prices =
            PriceFetcher.run(
                spark,
                config,
                new MarketDataClient(
                    MarketDataClient.Options.of(config, feed.baseUrl()),
                    MarketDataClient.Clock.system(),
                    new java.util.Random(seed)),
                MarketDataClient.Clock.system(),
                new PriceFetcher.Request(
                    tradingStart, end, config.listValue(Settings.MARKET_SYMBOLS), false),
                line -> {});
        out.printf(
            "      Prices: %,d days of 15 stocks from the market-data feed in %d requests, each"
                + " answer archived in bronze.price_responses.%n",
            prices.published(), prices.requestsSent());
      }
      BronzeResult bronze = BronzeStream.run(spark, config, new BronzeStream.Options(true, false));
      out.printf(
          "      %,d messages in %d batches: %,d bronze rows, %,d dead letters.%n",
          bronze.consumed(), bronze.batches(), bronze.bronzeTotal(), bronze.deadLetters());

      step(
          out,
          3,
          "Silver: every date from " + start + " to " + lastWeek.minusDays(1) + " in one run",
          t0);
      SilverResult silver =
          SilverJob.run(
              spark, config, SilverJob.Request.backfill(start, lastWeek.minusDays(1), false));
      out.printf(
          "      %,d bronze rows read, %,d rows inserted, %,d quarantined.%n",
          silver.rowsRead(), silver.rowsInserted(), silver.rowsQuarantined());

      step(
          out,
          4,
          "The last week arrives: Kafka, bronze, then silver for its dates with their "
              + lookback
              + "-day lookback",
          t0);
      try (EventProducer producer = new EventProducer(bootstrap)) {
        producer.sendAll(late, n -> {});
      }
      BronzeResult bronze2 = BronzeStream.run(spark, config, new BronzeStream.Options(true, false));
      SilverResult week =
          SilverJob.run(
              spark,
              config,
              new SilverJob.Request(
                  end, lastWeek.minusDays(lookback), end, SilverJob.Mode.DAILY, false));
      out.printf(
          "      %,d more messages; %,d rows updated by late settlements inside the lookback;%n"
              + "      %,d late arrivals for older dates recorded in ops.late_arrivals.%n",
          bronze2.consumed(), week.rowsUpdated(), week.lateDetected());

      step(out, 5, "Backfill: applying the late arrivals", t0);
      Row range =
          spark
              .sql(
                  "SELECT min(event_date), max(event_date) FROM ops.late_arrivals WHERE"
                      + " applied_run_id IS NULL")
              .first();
      long applied = 0;
      if (!range.isNullAt(0)) {
        LocalDate from = range.getDate(0).toLocalDate();
        LocalDate to = range.getDate(1).toLocalDate();
        SilverResult backfill =
            SilverJob.run(spark, config, SilverJob.Request.backfill(from, to, false));
        applied = week.lateDetected() - backfill.lateOutstanding();
        out.printf(
            "      backfill %s..%s: %,d rows updated, %,d late arrivals applied, %,d"
                + " outstanding.%n",
            from, to, backfill.rowsUpdated(), applied, backfill.lateOutstanding());
      } else {
        out.println("      none to apply.");
      }
      summary.put("late_arrivals_detected", week.lateDetected());
      summary.put("late_arrivals_applied", applied);

      step(out, 6, "Gold: star schema and marts for every date", t0);
      GoldResult gold = GoldJob.runRange(spark, config, start, end);
      out.printf(
          "      %,d fact rows, %,d daily balances.%n",
          gold.rowsWritten().get("gold.fct_transactions"),
          gold.rowsWritten().get("gold.fct_daily_account_balance"));
      TradingSilver.Result tradingSilver = TradingSilver.runRange(spark, config, tradingStart, end);
      Map<String, Long> tradingGold = TradingGold.run(spark, config, end);
      out.printf(
          "      Trading: silver %s..%s (%,d trades, %,d quarantined), gold %,d positions and the"
              + " four trading marts.%n",
          tradingStart,
          end,
          tradingSilver.merged().get(TradingTables.TRADES),
          tradingSilver.quarantined(),
          tradingGold.get(TradingGold.POSITIONS));
      summary.put("trading_trades", tradingSilver.merged().get(TradingTables.TRADES));
      summary.put("trading_quarantined", tradingSilver.quarantined());

      step(out, 7, "Observe, then export the marts to PostgreSQL", t0);
      dev.lakehouse.ops.anomaly.Observer.Outcome observed =
          dev.lakehouse.ops.anomaly.Observer.observe(
              spark,
              config,
              java.util.UUID.randomUUID().toString(),
              dev.lakehouse.ops.anomaly.TableMetrics.TARGETS,
              // The generator pays the first month's salaries on its window's first day, a month
              // start in all but name: it would stand in every baseline as an ordinary day.
              start.plusDays(1),
              end);
      long errors = observed.findings().stream().filter(f -> f.severity().equals("error")).count();
      out.printf(
          "      %,d metric values of bronze, silver and gold; %d anomalies (%d errors)%s%n",
          observed.metrics(),
          observed.findings().size(),
          errors,
          observed.findings().isEmpty() ? "" : ": lakehouse anomalies list");
      summary.put("metric_values", observed.metrics());
      summary.put("anomalies", observed.findings().size());
      pg = LocalServices.postgres(config);
      PostgresExporter.Result export = PostgresExporter.export(spark, config);
      out.printf(
          "      %d tables, %,d rows published in one transaction (%,.0f rows/s).%n",
          export.published().size(),
          export.rows(),
          export.rows() / Math.max(export.seconds(), 1e-3));
      summary.put("export_rows", export.rows());
      summary.put(
          "export_rows_per_second", Math.round(export.rows() / Math.max(export.seconds(), 1e-3)));

      step(out, 8, "Summary", t0);
      summary.put("layers", layers(spark, out));
      summary.put(
          "dead_letters_by_reason",
          grouped(
              spark,
              out,
              "Dead letters by reason",
              "SELECT reason_code, count(*) FROM bronze.dead_letters GROUP BY 1 ORDER BY 2 DESC,"
                  + " 1"));
      summary.put(
          "quarantine_by_rule",
          grouped(
              spark,
              out,
              "Quarantine by rule",
              "SELECT rule, count(*) FROM silver.quarantine GROUP BY 1 ORDER BY 2 DESC, 1"));
      summary.put(
          "data_quality_failures",
          grouped(
              spark,
              out,
              "Data-quality rule failures (all runs)",
              "SELECT rule, sum(rows_failed) FROM ops.dq_results WHERE rows_failed > 0 GROUP BY 1"
                  + " ORDER BY 2 DESC"));
      out.printf(
          "%n  Late arrivals: %,d settlements arrived more than %d days after their date; the daily"
              + " run recorded them and the backfill applied %,d.%n",
          week.lateDetected(), lookback, applied);
      try (Connection c = PostgresConnections.connect(config)) {
        summary.put(
            "monthly_kpis",
            fromPostgres(
                c,
                out,
                "Monthly KPIs (marts.monthly_kpis)",
                "SELECT month_start, revenue_inr, volume_inr, txn_count, active_customers,"
                    + " revenue_growth FROM marts.monthly_kpis ORDER BY month_start"));
        summary.put(
            "customers_per_tier",
            fromPostgres(
                c,
                out,
                "Customers per tier, last month (marts.customers_per_tier)",
                "SELECT tier, customer_count FROM marts.customers_per_tier WHERE month_start ="
                    + " (SELECT max(month_start) FROM marts.customers_per_tier) ORDER BY tier"));
        summary.put(
            "customers_in_red",
            fromPostgres(
                c,
                out,
                "Customers in the red for 3+ months (marts.customers_in_red)",
                "SELECT r.as_of_month, r.customer_id, d.full_name_masked, r.streak_months,"
                    + " r.month_end_balance_inr FROM marts.customers_in_red r JOIN"
                    + " marts.dim_customer d ON d.customer_id = r.customer_id AND d.is_current"
                    + " WHERE r.as_of_month = (SELECT max(as_of_month) FROM marts.customers_in_red)"
                    + " ORDER BY r.month_end_balance_inr LIMIT 5"));
        summary.put(
            "red_customers_total",
            scalar(
                c,
                "SELECT count(*) FROM marts.customers_in_red WHERE as_of_month = (SELECT"
                    + " max(as_of_month) FROM marts.customers_in_red)"));
        summary.put(
            "trading_accounts",
            fromPostgres(
                c,
                out,
                "Trading accounts by net P&L, top 5 (marts.mart_account_summary)",
                "SELECT trading_account_id, account_type, equity, net_pnl, turnover, win_rate FROM"
                    + " marts.mart_account_summary ORDER BY net_pnl DESC, trading_account_id LIMIT"
                    + " 5"));
        summary.put(
            "revenue_inr_total",
            scalar(c, "SELECT coalesce(sum(revenue_inr), 0) FROM marts.daily_revenue_summary"));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      out.printf("%nDemo finished in %.0f s.%n", seconds);
      List<String> next = followUps(lease.spark(), dir, start, end);
      out.println("Try next, on the lake the demo built (these dates and ids are its own):");
      next.forEach(command -> out.println("  " + command));
      summary.put("next_commands", next);
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      summary.put("data_dir", dir.toString());
      if (serve) {
        lease.close();
        lease = null;
        kafka.ifPresent(LocalServices.Started::close);
        kafka = Optional.empty();
        root.printSummary(out, spec.name(), "ok", summary);
        Optional<LocalServices.Started> started = pg;
        pg = Optional.empty(); // the dashboards' shutdown stops it
        try {
          ServeCommand.serveUntilStopped(
              config, out, () -> started.ifPresent(LocalServices.Started::close));
        } catch (RuntimeException e) {
          started.ifPresent(LocalServices.Started::close);
          throw e;
        }
      }
      return summary;
    } finally {
      if (lease != null) {
        lease.close();
      }
      if (pg.isPresent()) {
        pg.get().close();
      }
      kafka.ifPresent(LocalServices.Started::close);
    }
  }

  /**
   * Commands to run next with the months, dates and ids this demo produced: a statement of the last
   * month with one, a backfill of the last week, a query and the status.
   */
  static List<String> followUps(SparkSession spark, Path dir, LocalDate start, LocalDate end) {
    String lake = "bin/lakehouse --data-dir " + dir;
    List<String> next = new ArrayList<>();
    List<Row> statement =
        spark
            .sql(
                "SELECT account_id, date_format(month_start, 'yyyy-MM') FROM gold.monthly_statement"
                    + " ORDER BY month_start DESC, account_id LIMIT 1")
            .collectAsList();
    if (!statement.isEmpty()) {
      next.add(
          lake
              + " statement --account "
              + statement.get(0).getString(0)
              + " --month "
              + statement.get(0).getString(1));
    }
    LocalDate weekBefore = end.minusDays(6).isBefore(start) ? start : end.minusDays(6);
    next.add(lake + " backfill --from " + weekBefore + " --to " + end);
    next.add(lake + " sql \"SELECT * FROM gold.monthly_kpis ORDER BY month_start\"");
    next.add(lake + " status");
    return next;
  }

  private static void step(PrintWriter out, int n, String what, long t0) {
    out.printf("[%d/8 %5.1f s] %s%n", n, (System.nanoTime() - t0) / 1e9, what);
    out.flush();
  }

  private static Map<String, Long> layers(SparkSession spark, PrintWriter out) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String t :
        List.of(
            "bronze.transactions",
            "bronze.customers",
            "bronze.accounts",
            "bronze.merchants",
            "bronze.dead_letters",
            "silver.transactions",
            "silver.customers",
            "silver.accounts",
            "silver.merchants",
            "silver.quarantine",
            "gold.fct_transactions",
            "gold.fct_daily_account_balance",
            "gold.daily_revenue_summary",
            "gold.monthly_statement",
            "gold.customers_in_red",
            "gold.monthly_kpis",
            "bronze.daily_prices",
            "bronze.orders",
            "bronze.trades",
            "silver.daily_prices",
            "silver.trades",
            "silver.trading_quarantine",
            "gold.fct_trades",
            "gold.fct_daily_positions",
            "gold.mart_stock_performance")) {
      m.put(t, spark.table(t).count());
    }
    out.println("\n  Rows per layer:");
    m.forEach((t, n) -> out.printf("    %-34s %,12d%n", t, n));
    return m;
  }

  private static Map<String, Long> grouped(
      SparkSession spark, PrintWriter out, String title, String sql) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    out.printf("%n  %s:%s%n", title, m.isEmpty() ? " none" : "");
    m.forEach((k, n) -> out.printf("    %-34s %,12d%n", k, n));
    return m;
  }

  private static List<Map<String, Object>> fromPostgres(
      Connection c, PrintWriter out, String title, String sql) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData md = r.getMetaData();
      String[] columns = new String[md.getColumnCount()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = md.getColumnName(i + 1);
      }
      List<String[]> cells = new ArrayList<>();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        String[] line = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
          Object v = r.getObject(i + 1);
          row.put(columns[i], v == null ? null : v.toString());
          line[i] = v == null ? "" : v.toString();
        }
        rows.add(row);
        cells.add(line);
      }
      out.printf("%n  %s, from PostgreSQL:%n", title);
      for (String l : TextTable.renderText(columns, cells).split("\n")) {
        out.println("    " + l);
      }
    }
    return rows;
  }

  private static String scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
