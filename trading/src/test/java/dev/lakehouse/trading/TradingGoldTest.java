package dev.lakehouse.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trading gold on hand-built silver rows: AAPL bought twice and partly sold (average cost, realized
 * and unrealized P&L, VWAP worked out by hand), KO's closes alternating 100 and 125 for 22 trading
 * days (returns, moving average and volatility from the formula), AAPL's sector changing between
 * two trades.
 */
class TradingGoldTest {
  static final LocalDate D = LocalDate.of(2026, 12, 1);
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;
  static Map<String, Long> rows;

  @BeforeAll
  static void build() {
    config = TestLake.config(dataDir, Settings.TRADING_HOLIDAYS + "=");
    spark = TestLake.spark(config);
    TradingTables.createIfMissing(spark);
    spark.sql(
        "INSERT INTO silver.stock_history VALUES ('AAPL', 'Apple Inc.', 'TECHNOLOGY', 'NASDAQ',"
            + " 'USD', TIMESTAMP '2026-10-01 00:00:00', 'r'), ('AAPL', 'Apple Inc.',"
            + " 'CONSUMER_DISCRETIONARY', 'NASDAQ', 'USD', TIMESTAMP '2026-11-03 00:00:00', 'r'),"
            + " ('KO', 'The Coca-Cola Co.', 'CONSUMER_STAPLES', 'NYSE', 'USD', TIMESTAMP"
            + " '2026-10-01 00:00:00', 'r')");
    spark.sql(
        "INSERT INTO silver.trading_accounts VALUES ('TA1', 'INDIVIDUAL', 'A. R.', NULL,"
            + " TIMESTAMP '2025-01-01 00:00:00', 'USD', TIMESTAMP '2025-01-01 00:00:00', 'r')");
    List<String> prices = new ArrayList<>();
    prices.add(price("AAPL", "2026-11-02", "100", "95", "112", "100"));
    prices.add(price("AAPL", "2026-11-03", "118", "95", "120", "118"));
    List<LocalDate> days =
        dev.lakehouse.common.TradingCalendar.parse("").tradingDays(LocalDate.of(2026, 11, 2), D);
    assertThat(days).hasSize(22);
    for (int i = 0; i < days.size(); i++) {
      String c = i % 2 == 0 ? "100" : "125";
      prices.add(price("KO", days.get(i).toString(), c, c, c, c));
    }
    spark.sql(
        "INSERT INTO silver.daily_prices (symbol, trade_date, open, low, high, close, volume,"
            + " source, fetched_at, prev_close, day_return, is_big_move, run_id) VALUES "
            + String.join(", ", prices));
    spark.sql(
        "INSERT INTO silver.trades VALUES ('T1', 1, 'O1', 'TA1', 'AAPL', 'BUY', 10, 100, 1.00,"
            + " 'USD', TIMESTAMP '2026-11-02 15:00:00', true, 'r'), ('T2', 1, 'O2', 'TA1', 'AAPL',"
            + " 'BUY', 10, 110, 1.00, 'USD', TIMESTAMP '2026-11-02 16:00:00', true, 'r'), ('T3', 1,"
            + " 'O3', 'TA1', 'AAPL', 'SELL', 5, 120, 1.00, 'USD', TIMESTAMP '2026-11-03 15:00:00',"
            + " true, 'r')");
    rows = TradingGold.run(spark, config, D);
  }

  static String price(
      String symbol, String day, String open, String low, String high, String close) {
    return String.format(
        "('%s', DATE '%s', %s, %s, %s, %s, 1000, 'API', TIMESTAMP '%s 23:00:00', NULL, NULL,"
            + " false, 'r')",
        symbol, day, open, low, high, close, day);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Row one(String sql) {
    List<Row> r = spark.sql(sql).collectAsList();
    assertThat(r).as(sql).hasSize(1);
    return r.get(0);
  }

  @Test
  void averageCostRealizedAndUnrealizedPnlAfterAPartialSell() {
    // Buys 10 @ 100 and 10 @ 110: 20 at an average of 105. Sells 5 @ 120: realized (120-105)*5 =
    // 75; 15 left at 105 (cost 1575), worth 15 * 118 = 1770: unrealized 195.
    Row nov3 =
        one(
            "SELECT quantity, average_cost, cost_basis, market_value, realized_pnl, unrealized_pnl"
                + " FROM gold.fct_daily_positions WHERE symbol = 'AAPL' AND position_date = DATE"
                + " '2026-11-03'");
    assertThat(nov3.getLong(0)).isEqualTo(15);
    assertThat(nov3.getDecimal(1)).isEqualByComparingTo("105");
    assertThat(nov3.getDecimal(2)).isEqualByComparingTo("1575");
    assertThat(nov3.getDecimal(3)).isEqualByComparingTo("1770");
    assertThat(nov3.getDecimal(4)).isEqualByComparingTo("75");
    assertThat(nov3.getDecimal(5)).isEqualByComparingTo("195");
    // On 11-02: 20 held, close 100: worth 2000 against a cost of 2100.
    assertThat(
            one("SELECT unrealized_pnl FROM gold.fct_daily_positions WHERE symbol = 'AAPL' AND"
                    + " position_date = DATE '2026-11-02'")
                .getDecimal(0))
        .isEqualByComparingTo("-100");
    // One row per trading day from the first trade to D: 22.
    assertThat(rows.get(TradingGold.POSITIONS)).isEqualTo(22);
    // The summary as of D: fees 3, net 75 + 195 - 3 = 267, turnover 1000 + 1100 + 600 = 2700, the
    // one sell a win.
    Row s =
        one(
            "SELECT equity, realized_pnl, unrealized_pnl, fees, net_pnl, turnover, trades,"
                + " win_rate FROM gold.mart_account_summary WHERE trading_account_id = 'TA1'");
    assertThat(s.getDecimal(0)).isEqualByComparingTo("1770");
    assertThat(s.getDecimal(1)).isEqualByComparingTo("75");
    assertThat(s.getDecimal(2)).isEqualByComparingTo("195");
    assertThat(s.getDecimal(3)).isEqualByComparingTo("3.00");
    assertThat(s.getDecimal(4)).isEqualByComparingTo("267");
    assertThat(s.getDecimal(5)).isEqualByComparingTo("2700");
    assertThat(s.getLong(6)).isEqualTo(3);
    assertThat(s.getDecimal(7)).isEqualByComparingTo("1");
  }

  @Test
  void vwapAndDailyTradingFromOurTrades() {
    // 11-02: 10 @ 100 and 10 @ 110: VWAP 2100 / 20 = 105.
    assertThat(
            one("SELECT vwap FROM gold.mart_stock_performance WHERE symbol = 'AAPL' AND trade_date"
                    + " = DATE '2026-11-02'")
                .getDecimal(0))
        .isEqualByComparingTo("105");
    Row day =
        one(
            "SELECT notional, buy_count, sell_count, active_accounts, fees FROM"
                + " gold.mart_daily_trading WHERE trade_date = DATE '2026-11-02'");
    assertThat(day.getDecimal(0)).isEqualByComparingTo("2100");
    assertThat(day.getLong(1)).isEqualTo(2);
    assertThat(day.getLong(2)).isZero();
    assertThat(day.getLong(3)).isEqualTo(1);
    assertThat(day.getDecimal(4)).isEqualByComparingTo("2.00");
  }

  @Test
  void returnsMovingAverageAndVolatilityOfAnAlternatingSeries() {
    // KO on D (its 22nd day, close 125): the 20 returns before it alternate -0.2 and +0.25 (mean
    // 0.025, each 0.225 away): sample deviation 0.225 * sqrt(20/19), annualised by sqrt(252).
    Row ko =
        one(
            "SELECT return_1d, return_1w, return_1m, return_ytd, ma_20, volatility_20d, ma_50 FROM"
                + " gold.mart_stock_performance WHERE symbol = 'KO' AND trade_date = DATE '"
                + D
                + "'");
    assertThat(ko.getDecimal(0)).isEqualByComparingTo("0.25"); // 125 / 100 - 1
    assertThat(ko.getDecimal(1)).isEqualByComparingTo("0.25"); // 5 days back: 100
    assertThat(ko.getDecimal(2)).isEqualByComparingTo("0.25"); // 21 days back: 100
    assertThat(ko.getDecimal(3)).isEqualByComparingTo("0.25"); // no 2025 close: the first open
    assertThat(ko.getDecimal(4)).isEqualByComparingTo("112.5"); // (10 * 100 + 10 * 125) / 20
    assertThat(ko.getDouble(5))
        .isCloseTo(0.225 * Math.sqrt(20.0 / 19) * Math.sqrt(252), within(1e-9));
    assertThat(ko.isNullAt(6)).isTrue(); // fewer than 50 days
    // Before 20 returns exist there is no volatility.
    assertThat(
            one("SELECT volatility_20d FROM gold.mart_stock_performance WHERE symbol = 'KO' AND"
                    + " trade_date = DATE '2026-11-27'")
                .isNullAt(0))
        .isTrue();
  }

  @Test
  void theSectorOfATradeAndOfADayIsTheOneValidThen() {
    assertThat(
            spark
                .sql("SELECT trade_id, sector FROM gold.fct_trades ORDER BY trade_id")
                .collectAsList()
                .toString())
        .isEqualTo("[[T1,TECHNOLOGY], [T2,TECHNOLOGY], [T3,CONSUMER_DISCRETIONARY]]");
    assertThat(rows.get(TradingGold.DIM_STOCK)).isEqualTo(3);
    assertThat(one("SELECT count(*) FROM gold.dim_stock WHERE is_current").getLong(0)).isEqualTo(2);
    // 11-03: AAPL (+18 %) counts in its new sector; 11-02 in the old one, without a return yet.
    Row nov3 =
        one(
            "SELECT stocks, equal_weighted_return_1d, advancers, breadth FROM"
                + " gold.mart_sector_performance WHERE sector = 'CONSUMER_DISCRETIONARY' AND"
                + " trade_date = DATE '2026-11-03'");
    assertThat(nov3.getLong(0)).isEqualTo(1);
    assertThat(nov3.getDecimal(1)).isEqualByComparingTo(new BigDecimal("0.18"));
    assertThat(nov3.getDecimal(3)).isEqualByComparingTo("1");
    Row nov2 =
        one(
            "SELECT stocks, breadth FROM gold.mart_sector_performance WHERE sector = 'TECHNOLOGY'"
                + " AND trade_date = DATE '2026-11-02'");
    assertThat(nov2.getLong(0)).isEqualTo(1);
    assertThat(nov2.isNullAt(1)).isTrue();
  }
}
