package dev.lakehouse.trading;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.ops.OpsTables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trading warehouse's silver run for a business date D: the window D-L..D of each trading
 * topic's bronze table (L = silver.lookback-days, so a late price, order update or trade correction
 * inside it is applied), deduplicated to one row per key (a price's latest fetch, an order's latest
 * state, a trade's highest version), checked by the trading rules, and merged; a row that breaks a
 * rule goes to silver.trading_quarantine with the rule instead. Reference data (stocks and their
 * sector history, trading accounts with the holder's name reduced to initials) is taken whole. The
 * run and each rule's result are recorded in ops.runs and ops.dq_results.
 */
public final class TradingSilver {
  public static final String JOB = "trading-silver";
  private static final Logger LOG = LoggerFactory.getLogger(TradingSilver.class);

  /** One rule's result in a run. */
  public record RuleResult(
      String table,
      String rule,
      String severity,
      long checked,
      long failed,
      List<String> samples,
      String description) {}

  /** A run: its id, window, rows merged per table and every rule's result. */
  public record Result(
      String runId,
      LocalDate date,
      LocalDate windowStart,
      Map<String, Long> merged,
      long quarantined,
      List<RuleResult> rules) {
    public RuleResult rule(String name) {
      return rules.stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }
  }

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final LocalDate date;
  private final LocalDate windowStart;
  private final String runId = UUID.randomUUID().toString();
  private final List<RuleResult> rules = new ArrayList<>();
  private final Map<String, Long> merged = new LinkedHashMap<>();
  private long quarantined;

  private TradingSilver(
      SparkSession spark, LakehouseConfig config, LocalDate date, LocalDate windowStart) {
    this.spark = spark;
    this.config = config;
    this.date = date;
    this.windowStart = windowStart;
  }

  /** Runs trading silver for business date {@code date}: the window D-L..D. */
  public static Result run(SparkSession spark, LakehouseConfig config, LocalDate date) {
    return new TradingSilver(
            spark, config, date, date.minusDays(config.intValue(Settings.SILVER_LOOKBACK_DAYS)))
        .run();
  }

  /** Runs trading silver over a range of event dates in one run (a backfill). */
  public static Result runRange(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate to) {
    if (to.isBefore(from)) {
      throw new dev.lakehouse.common.ConfigException(to + " is before " + from + ".");
    }
    return new TradingSilver(spark, config, to, from).run();
  }

  private Result run() {
    Timestamp started = RunRecord.now();
    for (String t :
        List.of(
            "bronze.stocks",
            "bronze.trading_accounts",
            "bronze.daily_prices",
            "bronze.orders",
            "bronze.trades")) {
      if (!spark.catalog().tableExists(Tables.qualified(t))) {
        throw new dev.lakehouse.common.ConfigException(
            "Cannot run trading silver: "
                + t
                + " does not exist yet; run 'lakehouse bronze' first.");
      }
    }
    TradingTables.createIfMissing(spark);
    OpsTables.createIfMissing(spark);
    stocks();
    accounts();
    prices();
    orders();
    trades();
    long read = merged.values().stream().mapToLong(Long::longValue).sum() + quarantined;
    RunLedger.append(
        spark,
        RunRecord.builder(runId, JOB, "DAILY")
            .businessDate(date)
            .window(windowStart, date)
            .status("SUCCESS")
            .startedAt(started)
            .counts(new RunRecord.Counts(read, 0, 0, quarantined, 0))
            .message(
                "merged "
                    + merged
                    + "; quarantined "
                    + quarantined
                    + "; rules failing: "
                    + rules.stream().filter(r -> r.failed() > 0).map(RuleResult::rule).toList())
            .build());
    recordRules();
    return new Result(
        runId, date, windowStart, Map.copyOf(merged), quarantined, List.copyOf(rules));
  }

  private String window(String column) {
    return "CAST("
        + column
        + " AS DATE) BETWEEN DATE '"
        + windowStart
        + "' AND DATE '"
        + date
        + "'";
  }

  private long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  // ---- reference data ----

  private void stocks() {
    spark
        .sql(
            "SELECT symbol, name, sector, exchange, currency, updated_at FROM (SELECT *,"
                + " row_number() OVER (PARTITION BY symbol, updated_at ORDER BY kafka_offset DESC)"
                + " AS rn FROM bronze.stocks WHERE CAST(updated_at AS DATE) <= DATE '"
                + date
                + "') WHERE rn = 1")
        .createOrReplaceTempView("t_stock_versions");
    spark.sql(
        "MERGE INTO "
            + TradingTables.STOCK_HISTORY
            + " t USING (SELECT symbol, name, sector, exchange, currency, updated_at AS valid_from,"
            + " '"
            + runId
            + "' AS run_id FROM t_stock_versions) s ON t.symbol = s.symbol AND t.valid_from ="
            + " s.valid_from WHEN NOT MATCHED THEN INSERT *");
    spark.sql(
        "MERGE INTO "
            + TradingTables.STOCKS
            + " t USING (SELECT *, '"
            + runId
            + "' AS run_id FROM (SELECT *, row_number() OVER (PARTITION BY symbol ORDER BY"
            + " updated_at DESC) AS rn FROM t_stock_versions) WHERE rn = 1) s ON t.symbol ="
            + " s.symbol WHEN MATCHED AND s.updated_at > t.updated_at THEN UPDATE SET name ="
            + " s.name, sector = s.sector, exchange = s.exchange, currency = s.currency,"
            + " updated_at = s.updated_at, run_id = s.run_id WHEN NOT MATCHED THEN INSERT"
            + " (symbol, name, sector, exchange, currency, updated_at, run_id) VALUES (s.symbol,"
            + " s.name, s.sector, s.exchange, s.currency, s.updated_at, s.run_id)");
    merged.put(TradingTables.STOCKS, count("SELECT count(*) FROM t_stock_versions"));
  }

  private void accounts() {
    spark
        .sql(
            "SELECT trading_account_id, account_type, array_join(transform(split(trim(holder_name),"
                + " ' +'), w -> concat(substr(w, 1, 1), '.')), ' ') AS holder_name_masked,"
                + " customer_id, opened_at, currency, updated_at, '"
                + runId
                + "' AS run_id FROM (SELECT *, row_number() OVER (PARTITION BY trading_account_id"
                + " ORDER BY updated_at DESC, kafka_offset DESC) AS rn FROM bronze.trading_accounts"
                + " WHERE CAST(updated_at AS DATE) <= DATE '"
                + date
                + "') WHERE rn = 1")
        .createOrReplaceTempView("t_accounts");
    spark.sql(
        "MERGE INTO "
            + TradingTables.ACCOUNTS
            + " t USING t_accounts s ON t.trading_account_id = s.trading_account_id WHEN MATCHED"
            + " AND s.updated_at > t.updated_at THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    merged.put(TradingTables.ACCOUNTS, count("SELECT count(*) FROM t_accounts"));
  }

  // ---- prices ----

  private void prices() {
    spark
        .sql(
            "SELECT *, row_number() OVER (PARTITION BY symbol, trade_date ORDER BY fetched_at DESC,"
                + " kafka_offset DESC) AS rn FROM bronze.daily_prices WHERE "
                + window("trade_date"))
        .createOrReplaceTempView("t_prices_all");
    Row all = spark.sql("SELECT count(*), count_if(rn > 1) FROM t_prices_all").first();
    long read = all.getLong(0);
    long duplicates = all.getLong(1);
    rules.add(
        new RuleResult(
            TradingTables.PRICES,
            "one_row_per_symbol_and_date",
            "info",
            read,
            duplicates,
            samples("SELECT concat(symbol, '@', trade_date) FROM t_prices_all WHERE rn > 1"),
            "Several fetches of one (symbol, trade_date): the latest fetched_at is kept."));
    spark
        .sql(
            "SELECT *, NOT (open > 0 AND high > 0 AND low > 0 AND close > 0) AS f_prices_positive,"
                + " NOT (low <= least(open, close) AND greatest(open, close) <= high) AS"
                + " f_ohlc_valid, volume < 0 AS f_volume_non_negative FROM t_prices_all WHERE rn ="
                + " 1")
        .createOrReplaceTempView("t_prices");
    long validPrices =
        quarantine(
            "t_prices",
            "bronze.daily_prices",
            "concat(symbol, '@', trade_date)",
            "trade_date",
            TradingTables.PRICES,
            List.of(
                new String[] {"prices_positive", "open, high, low and close are greater than 0"},
                new String[] {"ohlc_valid", "low <= min(open, close) <= max(open, close) <= high"},
                new String[] {"volume_non_negative", "the volume is 0 or more"}));
    spark.sql(
        "MERGE INTO "
            + TradingTables.PRICES
            + " t USING (SELECT symbol, trade_date, open, high, low, close, volume, source,"
            + " fetched_at FROM t_prices WHERE NOT (f_prices_positive OR f_ohlc_valid OR"
            + " f_volume_non_negative)) s ON t.symbol = s.symbol AND t.trade_date = s.trade_date"
            + " WHEN MATCHED AND s.fetched_at >= t.fetched_at THEN UPDATE SET open = s.open, high ="
            + " s.high, low = s.low, close = s.close, volume = s.volume, source = s.source,"
            + " fetched_at = s.fetched_at, run_id = '"
            + runId
            + "' WHEN NOT MATCHED THEN INSERT (symbol, trade_date, open, high, low, close, volume,"
            + " source, fetched_at, run_id) VALUES (s.symbol, s.trade_date, s.open, s.high, s.low,"
            + " s.close, s.volume, s.source, s.fetched_at, '"
            + runId
            + "')");
    merged.put(TradingTables.PRICES, validPrices);
    // The previous trading day silver holds (ten calendar days back cover any holiday run).
    spark.sql(
        "MERGE INTO "
            + TradingTables.PRICES
            + " t USING (SELECT symbol, trade_date, prev_close, CAST(close / prev_close - 1 AS"
            + " DECIMAL(18,8)) AS day_return FROM (SELECT symbol, trade_date, close, lag(close)"
            + " OVER (PARTITION BY symbol ORDER BY trade_date) AS prev_close FROM "
            + TradingTables.PRICES
            + " WHERE trade_date BETWEEN DATE '"
            + windowStart.minusDays(10)
            + "' AND DATE '"
            + date
            + "') WHERE "
            + window("trade_date")
            + ") s ON t.symbol = s.symbol AND t.trade_date = s.trade_date WHEN MATCHED THEN"
            + " UPDATE SET prev_close = s.prev_close, day_return = s.day_return, is_big_move ="
            + " coalesce(abs(s.day_return) > 0.5, false)");
    Row moves =
        spark
            .sql(
                "SELECT count(*), count_if(is_big_move) FROM "
                    + TradingTables.PRICES
                    + " WHERE "
                    + window("trade_date"))
            .first();
    rules.add(
        new RuleResult(
            TradingTables.PRICES,
            "daily_move_within_50_percent",
            "warn",
            moves.getLong(0),
            moves.getLong(1),
            samples(
                "SELECT concat(symbol, '@', trade_date) FROM "
                    + TradingTables.PRICES
                    + " WHERE is_big_move AND "
                    + window("trade_date")),
            "The close moved more than 50 % from the previous trading day: kept, flagged"
                + " is_big_move."));
    missingDays();
  }

  private void missingDays() {
    TradingCalendar calendar = TradingCalendar.of(config);
    List<String> symbols = config.listValue(Settings.MARKET_SYMBOLS);
    List<LocalDate> days = calendar.tradingDays(windowStart, date);
    java.util.Set<String> have = new java.util.HashSet<>();
    for (Row r :
        spark
            .sql(
                "SELECT concat(symbol, '@', trade_date) FROM "
                    + TradingTables.PRICES
                    + " WHERE "
                    + window("trade_date"))
            .collectAsList()) {
      have.add(r.getString(0));
    }
    List<String> missing = new ArrayList<>();
    for (String s : symbols) {
      for (LocalDate d : days) {
        if (!have.contains(s + "@" + d)) {
          missing.add(s + "@" + d);
        }
      }
    }
    rules.add(
        new RuleResult(
            TradingTables.PRICES,
            "no_missing_trading_day",
            "warn",
            (long) symbols.size() * days.size(),
            missing.size(),
            missing.stream().limit(5).toList(),
            "Every symbol of market.symbols has a price on every trading day of the window"
                + " (weekends and trading.holidays excepted); run 'prices fetch' for the"
                + " missing."));
  }

  // ---- orders and trades ----

  private void orders() {
    spark
        .sql(
            "SELECT *, filled_quantity > quantity AS f_filled_within_quantity FROM (SELECT *,"
                + " row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC, kafka_offset"
                + " DESC) AS rn FROM bronze.orders WHERE "
                + window("placed_at")
                + ") WHERE rn = 1")
        .createOrReplaceTempView("t_orders");
    long validOrders =
        quarantine(
            "t_orders",
            "bronze.orders",
            "order_id",
            "placed_at",
            TradingTables.ORDERS,
            List.<String[]>of(
                new String[] {
                  "filled_within_quantity", "an order never fills more than its quantity"
                }));
    spark.sql(
        "MERGE INTO "
            + TradingTables.ORDERS
            + " t USING (SELECT order_id, trading_account_id, symbol, side, order_type, quantity,"
            + " limit_price, filled_quantity, status, placed_at, updated_at, '"
            + runId
            + "' AS run_id FROM t_orders WHERE NOT f_filled_within_quantity) s ON t.order_id ="
            + " s.order_id WHEN MATCHED AND s.updated_at >= t.updated_at THEN UPDATE SET * WHEN"
            + " NOT MATCHED THEN INSERT *");
    merged.put(TradingTables.ORDERS, validOrders);
  }

  private void trades() {
    spark
        .sql(
            "SELECT c.*, p.symbol IS NOT NULL AS price_verified, p.symbol IS NOT NULL AND (c.price"
                + " < p.low OR c.price > p.high) AS f_price_within_day_range FROM (SELECT * FROM"
                + " (SELECT *, row_number() OVER (PARTITION BY trade_id ORDER BY version DESC,"
                + " kafka_offset DESC) AS rn FROM bronze.trades WHERE "
                + window("executed_at")
                + ") WHERE rn = 1) c LEFT JOIN "
                + TradingTables.PRICES
                + " p ON p.symbol = c.symbol AND p.trade_date = CAST(c.executed_at AS DATE)")
        .createOrReplaceTempView("t_trades_priced");
    // Holdings replayed over every trade silver keeps and the candidates, in execution order: a
    // candidate sell after which the account holds less than nothing breaks the rule.
    spark
        .sql(
            "SELECT c.*, coalesce(h.position < 0 AND c.side = 'SELL', false) AS"
                + " f_holding_never_negative FROM t_trades_priced c LEFT JOIN (SELECT trade_id,"
                + " sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END) OVER (PARTITION BY"
                + " trading_account_id, symbol ORDER BY executed_at, trade_id ROWS BETWEEN"
                + " UNBOUNDED PRECEDING AND CURRENT ROW) AS position FROM (SELECT trade_id,"
                + " trading_account_id, symbol, side, quantity, executed_at FROM "
                + TradingTables.TRADES
                + " WHERE trade_id NOT IN (SELECT trade_id FROM t_trades_priced) UNION ALL SELECT"
                + " trade_id, trading_account_id, symbol, side, quantity, executed_at FROM"
                + " t_trades_priced WHERE NOT f_price_within_day_range)) h ON h.trade_id ="
                + " c.trade_id")
        .createOrReplaceTempView("t_trades");
    long validTrades =
        quarantine(
            "t_trades",
            "bronze.trades",
            "trade_id",
            "executed_at",
            TradingTables.TRADES,
            List.of(
                new String[] {
                  "price_within_day_range", "a trade's price lies within its day's low and high"
                },
                new String[] {
                  "holding_never_negative", "a sell never makes the account's holding negative"
                }));
    spark.sql(
        "MERGE INTO "
            + TradingTables.TRADES
            + " t USING (SELECT trade_id, version, order_id, trading_account_id, symbol, side,"
            + " quantity, price, fees, currency, executed_at, price_verified, '"
            + runId
            + "' AS run_id FROM t_trades WHERE NOT (f_price_within_day_range OR"
            + " f_holding_never_negative)) s ON t.trade_id = s.trade_id WHEN MATCHED AND s.version"
            + " >= t.version THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    merged.put(TradingTables.TRADES, validTrades);
  }

  // ---- quarantine and bookkeeping ----

  /**
   * Records each rule's result over the view's rows and sends the failing rows to the quarantine,
   * once per (rule, Kafka message) however often the window is run. The rows checked, each rule's
   * failures and the rows that pass every rule come from one aggregation; returns the last.
   */
  private long quarantine(
      String view,
      String source,
      String keyExpr,
      String dateColumn,
      String table,
      List<String[]> checks) {
    String originalRow =
        "to_json(struct(" + String.join(", ", spark.table(source).columns()) + "))";
    List<String> flags = checks.stream().map(c -> "f_" + c[0]).toList();
    StringBuilder counts = new StringBuilder("SELECT count(*)");
    flags.forEach(f -> counts.append(", count_if(").append(f).append(")"));
    counts
        .append(", count_if(NOT (")
        .append(String.join(" OR ", flags))
        .append(")) FROM ")
        .append(view);
    Row n = spark.sql(counts.toString()).first();
    long checked = n.getLong(0);
    for (int i = 0; i < checks.size(); i++) {
      String[] check = checks.get(i);
      String flag = flags.get(i);
      long failed = n.getLong(i + 1);
      rules.add(
          new RuleResult(
              table,
              check[0],
              "quarantine",
              checked,
              failed,
              failed == 0
                  ? List.of()
                  : samples("SELECT " + keyExpr + " FROM " + view + " WHERE " + flag),
              check[1]));
      if (failed == 0) {
        continue;
      }
      quarantined += failed;
      spark.sql(
          "MERGE INTO "
              + TradingTables.QUARANTINE
              + " t USING (SELECT '"
              + check[0]
              + "' AS rule, '"
              + check[1].replace("'", "\\'")
              + "' AS reason, '"
              + source
              + "' AS source_table, "
              + keyExpr
              + " AS business_key, CAST("
              + dateColumn
              + " AS DATE) AS event_date, kafka_partition, kafka_offset, "
              + originalRow
              + " AS original_row, '"
              + runId
              + "' AS run_id, current_timestamp() AS quarantined_at FROM "
              + view
              + " WHERE "
              + flag
              + ") s ON t.rule = s.rule AND t.source_table = s.source_table AND"
              + " t.kafka_partition = s.kafka_partition AND t.kafka_offset = s.kafka_offset"
              + " WHEN NOT MATCHED THEN INSERT *");
    }
    return n.getLong(checks.size() + 1);
  }

  private List<String> samples(String sql) {
    List<String> out = new ArrayList<>();
    for (Row r : spark.sql(sql + " LIMIT 5").collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  private void recordRules() {
    List<Row> rows = new ArrayList<>();
    Timestamp now = RunRecord.now();
    for (RuleResult r : rules) {
      rows.add(
          RowFactory.create(
              runId,
              r.table(),
              r.rule(),
              r.severity(),
              r.checked(),
              r.failed(),
              scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<>(r.samples())).toSeq(),
              r.description(),
              now));
      if (r.failed() > 0) {
        LOG.info(
            "{} {}: {} of {} rows ({}).",
            r.table(),
            r.rule(),
            r.failed(),
            r.checked(),
            r.severity());
      }
    }
    LakehouseSpark.append(
        spark.createDataFrame(rows, spark.table(Tables.OPS_DQ_RESULTS).schema()),
        Tables.OPS_DQ_RESULTS);
  }
}
