package dev.lakehouse.trading;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeTables;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TestLake;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trading silver on a hand-built week in bronze (window 11-17..11-20 for the run of 11-20), every
 * expected number worked out by hand in the comments; then a late trade correction inside the next
 * run's lookback and one beyond it.
 */
class TradingSilverTest {
  @TempDir static Path dataDir;
  static SparkSession spark;
  static LakehouseConfig config;
  static long offset;

  @BeforeAll
  static void start() {
    config =
        TestLake.config(
            dataDir, Settings.MARKET_SYMBOLS + "=AAPL,KO", Settings.TRADING_HOLIDAYS + "=");
    spark = TestLake.spark(config);
    BronzeTables.createIfMissing(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Inserts one bronze row: SQL literals per column, Kafka coordinates made up. */
  static void bronze(String table, Map<String, String> values) {
    Map<String, String> v = new LinkedHashMap<>(values);
    v.put("kafka_partition", "0");
    v.put("kafka_offset", String.valueOf(offset++));
    v.put("schema_version", "1");
    v.put("kafka_topic", "'" + table + "'");
    v.put("ingested_at", "current_timestamp()");
    for (var f : spark.table("bronze." + table).schema().fields()) {
      v.putIfAbsent(f.name(), "CAST(NULL AS " + f.dataType().sql() + ")");
    }
    spark.sql(
        "INSERT INTO bronze."
            + table
            + " ("
            + String.join(", ", v.keySet())
            + ") VALUES ("
            + String.join(", ", v.values())
            + ")");
  }

  static void price(
      String symbol, String day, String o, String h, String l, String c, String fetched) {
    bronze(
        "daily_prices",
        Map.of(
            "symbol",
            "'" + symbol + "'",
            "trade_date",
            "DATE '" + day + "'",
            "open",
            o,
            "high",
            h,
            "low",
            l,
            "close",
            c,
            "volume",
            "1000",
            "source",
            "'API'",
            "fetched_at",
            "TIMESTAMP '" + fetched + "'"));
  }

  static void order(String id, String symbol, String side, int qty, int filled, String placed) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("order_id", "'" + id + "'");
    m.put("trading_account_id", "'TA1'");
    m.put("symbol", "'" + symbol + "'");
    m.put("side", "'" + side + "'");
    m.put("order_type", "'MARKET'");
    m.put("quantity", String.valueOf(qty));
    m.put("filled_quantity", String.valueOf(filled));
    m.put("status", "'" + (filled == qty ? "FILLED" : "PARTIAL") + "'");
    m.put("placed_at", "TIMESTAMP '" + placed + "'");
    m.put("updated_at", "TIMESTAMP '" + placed + "'");
    bronze("orders", m);
  }

  static void trade(
      String id,
      int version,
      String order,
      String symbol,
      String side,
      int qty,
      String price,
      String at) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("trade_id", "'" + id + "'");
    m.put("version", String.valueOf(version));
    m.put("order_id", "'" + order + "'");
    m.put("trading_account_id", "'TA1'");
    m.put("symbol", "'" + symbol + "'");
    m.put("side", "'" + side + "'");
    m.put("quantity", String.valueOf(qty));
    m.put("price", price);
    m.put("fees", "1.00");
    m.put("currency", "'USD'");
    m.put("executed_at", "TIMESTAMP '" + at + "'");
    bronze("trades", m);
  }

  static Map<String, String> column(String sql) {
    Map<String, String> m = new TreeMap<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      m.put(r.getString(0), r.isNullAt(1) ? null : r.get(1).toString());
    }
    return m;
  }

  @Test
  void aHandBuiltWeekThenALateCorrectionInsideTheLookbackAndOneBeyondIt() {
    bronze(
        "stocks",
        Map.of(
            "symbol",
            "'AAPL'",
            "name",
            "'Apple Inc.'",
            "sector",
            "'TECHNOLOGY'",
            "exchange",
            "'NASDAQ'",
            "currency",
            "'USD'",
            "updated_at",
            "TIMESTAMP '2026-11-01 00:00:00'"));
    bronze(
        "stocks",
        Map.of(
            "symbol",
            "'AAPL'",
            "name",
            "'Apple Inc.'",
            "sector",
            "'CONSUMER_DISCRETIONARY'",
            "exchange",
            "'NASDAQ'",
            "currency",
            "'USD'",
            "updated_at",
            "TIMESTAMP '2026-11-18 00:00:00'"));
    bronze(
        "trading_accounts",
        Map.of(
            "trading_account_id",
            "'TA1'",
            "account_type",
            "'INDIVIDUAL'",
            "holder_name",
            "'Asha  Rao'",
            "opened_at",
            "TIMESTAMP '2025-01-01 00:00:00'",
            "currency",
            "'USD'",
            "updated_at",
            "TIMESTAMP '2026-11-01 00:00:00'"));
    price("AAPL", "2026-11-17", "100", "105", "99", "104", "2026-11-18 01:00:00");
    price("AAPL", "2026-11-18", "104", "110", "103", "108", "2026-11-19 01:00:00");
    price("AAPL", "2026-11-19", "108", "109", "100", "101", "2026-11-20 01:00:00");
    price("AAPL", "2026-11-19", "108", "112", "107", "111", "2026-11-20 02:00:00"); // refetched
    price("AAPL", "2026-11-20", "111", "200", "110", "180", "2026-11-21 01:00:00");
    price("KO", "2026-11-17", "50", "51", "49", "50.5", "2026-11-18 01:00:00");
    price("KO", "2026-11-18", "52", "51", "49", "50", "2026-11-19 01:00:00"); // open above high
    price("KO", "2026-11-20", "50", "51", "49", "50.2", "2026-11-21 01:00:00");
    order("O1", "AAPL", "BUY", 10, 10, "2026-11-17 15:00:00");
    order("O2", "AAPL", "SELL", 4, 4, "2026-11-18 15:00:00");
    order("O3", "AAPL", "SELL", 10, 10, "2026-11-19 15:00:00");
    order("O4", "AAPL", "BUY", 10, 12, "2026-11-19 16:00:00"); // fills more than it asked
    order("O5", "KO", "BUY", 5, 5, "2026-11-17 15:00:00");
    order("O6", "KO", "BUY", 1, 1, "2026-11-19 15:00:00");
    trade("T1", 1, "O1", "AAPL", "BUY", 10, "101", "2026-11-17 15:01:00"); // 99..105
    trade("T2", 1, "O2", "AAPL", "SELL", 4, "107", "2026-11-18 15:01:00"); // 103..110
    trade("T3", 1, "O3", "AAPL", "SELL", 10, "108", "2026-11-19 15:01:00"); // holds 10 - 4 = 6
    trade("T4", 1, "O5", "KO", "BUY", 5, "60", "2026-11-17 15:01:00"); // KO's 11-17: 49..51
    trade("T5", 1, "O6", "KO", "BUY", 1, "50", "2026-11-19 15:01:00"); // no KO price that day

    TradingSilver.Result r = TradingSilver.run(spark, config, LocalDate.of(2026, 11, 20));

    // Prices: AAPL 4 days (11-19 refetched: the later fetch wins), KO 2 (11-18 quarantined).
    assertThat(r.rule("one_row_per_symbol_and_date").failed()).isEqualTo(1);
    assertThat(r.rule("ohlc_valid").failed()).isEqualTo(1);
    assertThat(r.rule("prices_positive").failed()).isZero();
    assertThat(
            column(
                "SELECT concat(symbol, '@', trade_date), CAST(close AS STRING) FROM"
                    + " silver.daily_prices"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "AAPL@2026-11-17", "104.0000",
                "AAPL@2026-11-18", "108.0000",
                "AAPL@2026-11-19", "111.0000",
                "AAPL@2026-11-20", "180.0000",
                "KO@2026-11-17", "50.5000",
                "KO@2026-11-20", "50.2000"));
    // Returns: 108/104 - 1 = 0.03846154; 180/111 - 1 = 0.62162162 (a big move); KO's 11-20
    // against 11-17, the previous day silver holds: 50.2/50.5 - 1 = -0.00594059.
    assertThat(
            column(
                "SELECT concat(symbol, '@', trade_date), CAST(day_return AS STRING) FROM"
                    + " silver.daily_prices"))
        .containsEntry("AAPL@2026-11-17", null)
        .containsEntry("AAPL@2026-11-18", "0.03846154")
        .containsEntry("AAPL@2026-11-20", "0.62162162")
        .containsEntry("KO@2026-11-20", "-0.00594059");
    assertThat(r.rule("daily_move_within_50_percent").failed()).isEqualTo(1);
    assertThat(r.rule("daily_move_within_50_percent").samples()).containsExactly("AAPL@2026-11-20");
    // 2 symbols x 4 trading days = 8 checked; KO lacks 11-18 (quarantined) and 11-19.
    assertThat(r.rule("no_missing_trading_day").checked()).isEqualTo(8);
    assertThat(r.rule("no_missing_trading_day").samples())
        .containsExactlyInAnyOrder("KO@2026-11-18", "KO@2026-11-19");

    // Orders: O4 quarantined; trades: T4 outside its day's range, T3 sells 10 of 6 held.
    assertThat(r.rule("filled_within_quantity").samples()).containsExactly("O4");
    assertThat(r.rule("price_within_day_range").samples()).containsExactly("T4");
    assertThat(r.rule("holding_never_negative").samples()).containsExactly("T3");
    assertThat(column("SELECT trade_id, CAST(price_verified AS STRING) FROM silver.trades"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("T1", "true", "T2", "true", "T5", "false"));
    assertThat(column("SELECT order_id, status FROM silver.orders").keySet())
        .containsExactlyInAnyOrder("O1", "O2", "O3", "O5", "O6");
    assertThat(r.quarantined()).isEqualTo(4);
    assertThat(spark.sql("SELECT count(*) FROM silver.trading_quarantine").first().getLong(0))
        .isEqualTo(4);

    // Reference data: the sector history, the latest sector, initials only.
    assertThat(spark.sql("SELECT count(*) FROM silver.stock_history").first().getLong(0))
        .isEqualTo(2);
    assertThat(column("SELECT symbol, sector FROM silver.stocks"))
        .containsExactly(Map.entry("AAPL", "CONSUMER_DISCRETIONARY"));
    assertThat(column("SELECT trading_account_id, holder_name_masked FROM silver.trading_accounts"))
        .containsExactly(Map.entry("TA1", "A. R."));

    // The same run again: nothing new anywhere, the quarantine keeps each message once.
    TradingSilver.run(spark, config, LocalDate.of(2026, 11, 20));
    assertThat(spark.sql("SELECT count(*) FROM silver.trading_quarantine").first().getLong(0))
        .isEqualTo(4);
    assertThat(spark.sql("SELECT count(*) FROM silver.trades").first().getLong(0)).isEqualTo(3);

    // Corrections arrive: T2 (11-18) inside the next run's window 11-18..11-21, T1 (11-17) beyond.
    trade("T2", 2, "O2", "AAPL", "SELL", 4, "109", "2026-11-18 15:01:00");
    trade("T1", 2, "O1", "AAPL", "BUY", 10, "102", "2026-11-17 15:01:00");
    TradingSilver.run(spark, config, LocalDate.of(2026, 11, 21));
    assertThat(column("SELECT trade_id, CAST(price AS STRING) FROM silver.trades"))
        .containsEntry("T2", "109.0000")
        .containsEntry("T1", "101.0000");
    assertThat(column("SELECT trade_id, CAST(version AS STRING) FROM silver.trades"))
        .containsEntry("T2", "2")
        .containsEntry("T1", "1");
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM ops.runs WHERE job = 'trading-silver' AND status ="
                        + " 'SUCCESS'")
                .first()
                .getLong(0))
        .isEqualTo(3);
    assertThat(
            spark
                .sql(
                    "SELECT rows_failed FROM ops.dq_results WHERE rule = 'ohlc_valid' AND run_id ="
                        + " '"
                        + r.runId()
                        + "'")
                .first()
                .getLong(0))
        .isEqualTo(1);
  }
}
