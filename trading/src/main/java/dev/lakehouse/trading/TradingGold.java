package dev.lakehouse.trading;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.ops.OpsTables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.sql.Date;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The trading warehouse's gold for a business date D: the stock dimension with its sector history
 * (SCD2), the account dimension, the trade and price facts, daily positions per account and symbol
 * (quantity, average cost, market value, realized and unrealized P&L) and the four marts. Trading
 * data is small (15 stocks, 50 accounts), so every table is rebuilt from silver up to D in each
 * run: a late correction anywhere in history is in the next run's output, and a rerun gives the
 * same tables.
 */
public final class TradingGold {
  public static final String JOB = "trading-gold";
  public static final String DIM_STOCK = "gold.dim_stock";
  public static final String DIM_ACCOUNT = "gold.dim_trading_account";
  public static final String FCT_TRADES = "gold.fct_trades";
  public static final String FCT_PRICES = "gold.fct_daily_prices";
  public static final String POSITIONS = "gold.fct_daily_positions";
  public static final String ACCOUNT_SUMMARY = "gold.mart_account_summary";
  public static final String DAILY_TRADING = "gold.mart_daily_trading";
  public static final String STOCK_PERFORMANCE = "gold.mart_stock_performance";
  public static final String SECTOR_PERFORMANCE = "gold.mart_sector_performance";

  /** The tables in build order. */
  public static final List<String> TABLES =
      List.of(
          DIM_STOCK,
          DIM_ACCOUNT,
          FCT_PRICES,
          FCT_TRADES,
          POSITIONS,
          ACCOUNT_SUMMARY,
          DAILY_TRADING,
          STOCK_PERFORMANCE,
          SECTOR_PERFORMANCE);

  private static final MathContext MC = MathContext.DECIMAL128;

  private TradingGold() {}

  /** Rebuilds every trading gold table as of {@code date}; returns rows per table. */
  public static Map<String, Long> run(SparkSession spark, LakehouseConfig config, LocalDate date) {
    Timestamp started = RunRecord.now();
    OpsTables.createIfMissing(spark);
    Map<String, Long> rows = build(spark, config, date, false);
    RunLedger.append(
        spark,
        RunRecord.builder(UUID.randomUUID().toString(), JOB, "REBUILD")
            .businessDate(date)
            .window(date, date)
            .status("SUCCESS")
            .startedAt(started)
            .counts(
                new RunRecord.Counts(0, rows.values().stream().mapToLong(l -> l).sum(), 0, 0, 0))
            .message("rebuilt " + rows)
            .build());
    return rows;
  }

  /**
   * Creates the trading gold tables that do not exist yet, empty, with the schemas a run gives them
   * (the export publishes them before any trading run); existing tables are left as they are.
   */
  public static void createIfMissing(SparkSession spark, LakehouseConfig config) {
    if (TABLES.stream().allMatch(t -> spark.catalog().tableExists(Tables.qualified(t)))) {
      return;
    }
    build(spark, config, LocalDate.of(1970, 1, 1), true);
  }

  private static Map<String, Long> build(
      SparkSession spark, LakehouseConfig config, LocalDate date, boolean skeleton) {
    TradingTables.createIfMissing(spark);
    LakehouseSpark.createNamespaces(spark, Tables.GOLD);
    String asOf = "DATE '" + date + "'";
    Map<String, Long> rows = new LinkedHashMap<>();
    Writer write =
        (sparkSession, table, sql, counts) -> {
          if (skeleton) {
            sparkSession.sql(
                "CREATE TABLE IF NOT EXISTS "
                    + table
                    + " USING iceberg AS SELECT * FROM ("
                    + sql
                    + ") WHERE false");
          } else {
            sparkSession.sql("CREATE OR REPLACE TABLE " + table + " USING iceberg AS " + sql);
            counts.put(table, sparkSession.table(Tables.qualified(table)).count());
          }
        };

    write.apply(
        spark,
        DIM_STOCK,
        "SELECT concat(symbol, '@', date_format(valid_from, 'yyyyMMddHHmmss')) AS stock_key,"
            + " symbol, name, sector, exchange, currency, valid_from, coalesce(lead(valid_from)"
            + " OVER (PARTITION BY symbol ORDER BY valid_from), TIMESTAMP '9999-12-31 00:00:00') AS"
            + " valid_to, lead(valid_from) OVER (PARTITION BY symbol ORDER BY valid_from) IS NULL"
            + " AS is_current FROM "
            + TradingTables.STOCK_HISTORY
            + " WHERE CAST(valid_from AS DATE) <= "
            + asOf,
        rows);
    write.apply(
        spark,
        DIM_ACCOUNT,
        "SELECT trading_account_id, account_type, holder_name_masked, customer_id, opened_at,"
            + " currency FROM "
            + TradingTables.ACCOUNTS,
        rows);
    write.apply(
        spark,
        FCT_PRICES,
        "SELECT symbol, trade_date, open, high, low, close, volume, day_return, is_big_move,"
            + " source FROM "
            + TradingTables.PRICES
            + " WHERE trade_date <= "
            + asOf,
        rows);
    write.apply(
        spark,
        FCT_TRADES,
        "SELECT t.trade_id, t.version, t.order_id, t.trading_account_id, t.symbol, d.stock_key,"
            + " d.sector, t.side, t.quantity, t.price, CAST(t.price * t.quantity AS DECIMAL(28,4))"
            + " AS notional, t.fees, t.currency, CAST(t.executed_at AS DATE) AS trade_date,"
            + " t.executed_at, t.price_verified FROM "
            + TradingTables.TRADES
            + " t LEFT JOIN "
            + DIM_STOCK
            + " d ON d.symbol = t.symbol AND t.executed_at >= d.valid_from AND t.executed_at <"
            + " d.valid_to WHERE CAST(t.executed_at AS DATE) <= "
            + asOf,
        rows);
    positions(spark, config, date, rows, write);
    write.apply(
        spark,
        ACCOUNT_SUMMARY,
        "WITH last_day AS (SELECT trading_account_id, symbol, max(position_date) AS d FROM "
            + POSITIONS
            + " GROUP BY 1, 2), holdings AS (SELECT p.* FROM "
            + POSITIONS
            + " p JOIN last_day l ON p.trading_account_id = l.trading_account_id AND p.symbol ="
            + " l.symbol AND p.position_date = l.d), by_account AS (SELECT trading_account_id,"
            + " sum(market_value) AS equity, sum(realized_pnl) AS realized_pnl,"
            + " sum(unrealized_pnl) AS unrealized_pnl FROM holdings GROUP BY 1), trades AS (SELECT"
            + " trading_account_id, sum(notional) AS turnover, sum(fees) AS fees, count(*) AS"
            + " trades, count_if(side = 'SELL') AS sells FROM "
            + FCT_TRADES
            + " GROUP BY 1), wins AS (SELECT trading_account_id, count_if(is_winning_sell) AS"
            + " winning_sells FROM t_position_events GROUP BY 1) SELECT a.trading_account_id,"
            + " a.account_type, "
            + asOf
            + " AS as_of_date, coalesce(b.equity, 0) AS equity, coalesce(b.realized_pnl, 0) AS"
            + " realized_pnl, coalesce(b.unrealized_pnl, 0) AS unrealized_pnl, coalesce(t.fees,"
            + " 0) AS fees, CAST(coalesce(b.realized_pnl, 0) + coalesce(b.unrealized_pnl, 0) -"
            + " coalesce(t.fees, 0) AS DECIMAL(28,4)) AS net_pnl, coalesce(t.turnover, 0) AS"
            + " turnover, coalesce(t.trades, 0) AS trades, coalesce(t.sells, 0) AS sells, CASE"
            + " WHEN t.sells > 0 THEN CAST(w.winning_sells / t.sells AS DECIMAL(9,4)) END AS"
            + " win_rate FROM "
            + DIM_ACCOUNT
            + " a LEFT JOIN by_account b ON b.trading_account_id = a.trading_account_id LEFT JOIN"
            + " trades t ON t.trading_account_id = a.trading_account_id LEFT JOIN wins w ON"
            + " w.trading_account_id = a.trading_account_id",
        rows);
    write.apply(
        spark,
        DAILY_TRADING,
        "SELECT trade_date, CAST(sum(notional) AS DECIMAL(28,4)) AS notional, count_if(side ="
            + " 'BUY') AS buy_count, count_if(side = 'SELL') AS sell_count, count(*) AS trades,"
            + " count(DISTINCT trading_account_id) AS active_accounts, sum(fees) AS fees FROM "
            + FCT_TRADES
            + " GROUP BY trade_date",
        rows);
    write.apply(
        spark,
        STOCK_PERFORMANCE,
        "WITH p AS (SELECT *, row_number() OVER (PARTITION BY symbol ORDER BY trade_date) AS n,"
            + " lag(close, 1) OVER w AS c1, lag(close, 5) OVER w AS c5, lag(close, 21) OVER w AS"
            + " c21, CAST(close / lag(close, 1) OVER w - 1 AS DOUBLE) AS r FROM "
            + FCT_PRICES
            + " WINDOW w AS (PARTITION BY symbol ORDER BY trade_date)), y AS (SELECT symbol,"
            + " year(trade_date) + 1 AS year, max_by(close, trade_date) AS prior_close FROM "
            + FCT_PRICES
            + " GROUP BY 1, 2), f AS (SELECT symbol, year(trade_date) AS year,"
            + " min_by(open, trade_date) AS first_open FROM "
            + FCT_PRICES
            + " GROUP BY 1, 2), v AS (SELECT symbol, trade_date, CAST(sum(notional) /"
            + " sum(quantity) AS DECIMAL(18,4)) AS vwap, sum(quantity) AS our_volume FROM "
            + FCT_TRADES
            + " GROUP BY 1, 2) SELECT p.symbol, p.trade_date, p.close, CAST(p.close / p.c1 - 1 AS"
            + " DECIMAL(18,8)) AS return_1d, CAST(p.close / p.c5 - 1 AS DECIMAL(18,8)) AS"
            + " return_1w, CAST(p.close / p.c21 - 1 AS DECIMAL(18,8)) AS return_1m, CAST(p.close /"
            + " coalesce(y.prior_close, f.first_open) - 1 AS DECIMAL(18,8)) AS return_ytd, CASE"
            + " WHEN count(p.r) OVER w20 = 20 THEN stddev_samp(p.r) OVER w20 * sqrt(252) END AS"
            + " volatility_20d, CASE WHEN p.n >= 20 THEN CAST(avg(p.close) OVER w20 AS"
            + " DECIMAL(18,4)) END AS ma_20, CASE WHEN p.n >= 50 THEN CAST(avg(p.close) OVER (w50)"
            + " AS DECIMAL(18,4)) END AS ma_50, v.vwap, v.our_volume, p.volume, CASE WHEN p.n > 20"
            + " THEN CAST(p.volume / nullif(avg(p.volume) OVER (PARTITION BY p.symbol ORDER BY"
            + " p.trade_date ROWS BETWEEN 20 PRECEDING AND 1 PRECEDING), 0) AS DECIMAL(18,4)) END"
            + " AS volume_vs_20d FROM p LEFT JOIN y ON y.symbol = p.symbol AND y.year ="
            + " year(p.trade_date) LEFT JOIN f ON f.symbol = p.symbol AND f.year ="
            + " year(p.trade_date) LEFT JOIN v ON v.symbol = p.symbol AND v.trade_date ="
            + " p.trade_date WINDOW w20 AS (PARTITION BY p.symbol ORDER BY p.trade_date ROWS"
            + " BETWEEN 19 PRECEDING AND CURRENT ROW), w50 AS (PARTITION BY p.symbol ORDER BY"
            + " p.trade_date ROWS BETWEEN 49 PRECEDING AND CURRENT ROW)",
        rows);
    write.apply(
        spark,
        SECTOR_PERFORMANCE,
        "SELECT s.trade_date, d.sector, count(*) AS stocks, CAST(avg(s.return_1d) AS"
            + " DECIMAL(18,8)) AS equal_weighted_return_1d, count_if(s.return_1d > 0) AS"
            + " advancers, count_if(s.return_1d < 0) AS decliners, CAST(count_if(s.return_1d >"
            + " 0) / nullif(count(s.return_1d), 0) AS DECIMAL(9,4)) AS breadth FROM "
            + STOCK_PERFORMANCE
            + " s JOIN "
            + DIM_STOCK
            + " d ON d.symbol = s.symbol AND CAST(d.valid_from AS DATE) <= s.trade_date AND"
            + " s.trade_date < CAST(d.valid_to AS DATE) GROUP BY 1, 2",
        rows);
    return rows;
  }

  /** Writes one table from its SQL: rebuilt, or created empty when missing (a skeleton). */
  @FunctionalInterface
  private interface Writer {
    void apply(SparkSession spark, String table, String sql, Map<String, Long> rows);
  }

  static final StructType EVENTS =
      new StructType()
          .add("trading_account_id", DataTypes.StringType)
          .add("symbol", DataTypes.StringType)
          .add("trade_id", DataTypes.StringType)
          .add("trade_date", DataTypes.DateType)
          .add("executed_at", DataTypes.TimestampType)
          .add("quantity_after", DataTypes.LongType)
          .add("average_cost", DataTypes.createDecimalType(18, 4))
          .add("cost_basis", DataTypes.createDecimalType(28, 4))
          .add("realized_pnl", DataTypes.createDecimalType(28, 4))
          .add("is_winning_sell", DataTypes.BooleanType);

  /**
   * Positions by the average-cost method, trade by trade in execution order: a buy adds its
   * quantity and cost; a sell realizes (price - average cost) x quantity and leaves the average
   * cost as it was. Then one row per trading day from an account's first trade in a symbol to D,
   * valued at that day's close (or the last close before it).
   */
  private static void positions(
      SparkSession spark,
      LakehouseConfig config,
      LocalDate date,
      Map<String, Long> rows,
      Writer write) {
    List<Row> events = new ArrayList<>();
    String key = null;
    long quantity = 0;
    BigDecimal cost = BigDecimal.ZERO;
    BigDecimal realized = BigDecimal.ZERO;
    for (Row t :
        spark
            .sql(
                "SELECT trading_account_id, symbol, trade_id, trade_date, executed_at, side,"
                    + " quantity, price FROM "
                    + FCT_TRADES
                    + " ORDER BY trading_account_id, symbol, executed_at, trade_id")
            .collectAsList()) {
      String k = t.getString(0) + "/" + t.getString(1);
      if (!k.equals(key)) {
        key = k;
        quantity = 0;
        cost = BigDecimal.ZERO;
        realized = BigDecimal.ZERO;
      }
      long q = t.getInt(6);
      BigDecimal price = t.getDecimal(7);
      boolean winning = false;
      if ("BUY".equals(t.getString(5))) {
        quantity += q;
        cost = cost.add(price.multiply(BigDecimal.valueOf(q)));
      } else {
        BigDecimal average =
            quantity == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(quantity), MC);
        realized = realized.add(price.subtract(average).multiply(BigDecimal.valueOf(q)));
        winning = price.compareTo(average) > 0;
        quantity -= q;
        cost = quantity == 0 ? BigDecimal.ZERO : average.multiply(BigDecimal.valueOf(quantity));
      }
      BigDecimal average =
          quantity == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(quantity), MC);
      events.add(
          RowFactory.create(
              t.getString(0),
              t.getString(1),
              t.getString(2),
              t.getDate(3),
              t.getTimestamp(4),
              quantity,
              average.setScale(4, RoundingMode.HALF_EVEN),
              cost.setScale(4, RoundingMode.HALF_EVEN),
              realized.setScale(4, RoundingMode.HALF_EVEN),
              winning));
    }
    spark.createDataFrame(events, EVENTS).createOrReplaceTempView("t_position_events");
    List<Row> days = new ArrayList<>();
    LocalDate first = LocalDate.of(2000, 1, 1);
    for (Row r : spark.sql("SELECT min(trade_date) FROM t_position_events").collectAsList()) {
      if (!r.isNullAt(0)) {
        first = r.getDate(0).toLocalDate();
      }
    }
    for (LocalDate d : TradingCalendar.of(config).tradingDays(first, date)) {
      days.add(RowFactory.create(Date.valueOf(d)));
    }
    spark
        .createDataFrame(days, new StructType().add("position_date", DataTypes.DateType))
        .createOrReplaceTempView("t_days");
    write.apply(
        spark,
        POSITIONS,
        "WITH pairs AS (SELECT trading_account_id, symbol, min(trade_date) AS first_date FROM"
            + " t_position_events GROUP BY 1, 2), grid AS (SELECT p.trading_account_id, p.symbol,"
            + " d.position_date FROM pairs p JOIN t_days d ON d.position_date >= p.first_date),"
            + " last_event AS (SELECT g.trading_account_id, g.symbol, g.position_date,"
            + " max_by(struct(e.quantity_after, e.average_cost, e.cost_basis, e.realized_pnl),"
            + " e.executed_at) AS s FROM grid g JOIN t_position_events e ON"
            + " e.trading_account_id = g.trading_account_id AND e.symbol = g.symbol AND"
            + " e.trade_date <= g.position_date GROUP BY 1, 2, 3), priced AS (SELECT"
            + " l.trading_account_id, l.symbol, l.position_date, l.s, max_by(p.close,"
            + " p.trade_date) AS close FROM last_event l LEFT JOIN "
            + FCT_PRICES
            + " p ON p.symbol = l.symbol AND p.trade_date <= l.position_date GROUP BY 1, 2, 3, 4)"
            + " SELECT trading_account_id, symbol, position_date, s.quantity_after AS quantity,"
            + " s.average_cost, s.cost_basis, close, CAST(s.quantity_after * close AS"
            + " DECIMAL(28,4)) AS market_value, s.realized_pnl, CAST(s.quantity_after * close -"
            + " s.cost_basis AS DECIMAL(28,4)) AS unrealized_pnl FROM priced",
        rows);
  }
}
