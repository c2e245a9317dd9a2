package dev.lakehouse.market;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeStream;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.ingest.trading.Listing;
import dev.lakehouse.ingest.trading.PriceModel;
import dev.lakehouse.services.EmbeddedKafka;
import dev.lakehouse.services.SimulatedMarketFeed;
import dev.lakehouse.services.SimulatedMarketFeed.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prices fetch end to end on one lake: the real client against the simulated feed, the archive in
 * Iceberg, the messages through a real broker and the bronze stream. The steps build on each other
 * (what bronze holds decides what is missing), so they run in one test.
 */
class PriceFetcherTest {
  static final LocalDate LAST = LocalDate.of(2026, 11, 27);
  @TempDir static Path dataDir;
  static EmbeddedKafka kafka;
  static SimulatedMarketFeed feed;
  static PriceModel model;
  static SparkSession spark;
  static LakehouseConfig config;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), "localhost", EmbeddedKafka.freePort());
    model = new PriceModel(42, TradingCalendar.parse("2026-11-26"));
    feed = SimulatedMarketFeed.start(0, model, () -> LAST);
    config =
        TestLake.config(
            dataDir,
            Settings.KAFKA_BOOTSTRAP + "=" + kafka.bootstrapServers(),
            Settings.TRADING_HOLIDAYS + "=2026-11-26",
            Settings.MARKET_DAILY_BUDGET + "=6");
    spark = TestLake.spark(config);
  }

  @AfterAll
  static void stop() {
    spark.stop();
    feed.close();
    kafka.close();
  }

  static PriceFetcher.Report fetch(
      LocalDate from, LocalDate to, int maxAttempts, List<String> lines, String... symbols) {
    MarketDataClientTest.RecordingClock clock = new MarketDataClientTest.RecordingClock();
    MarketDataClient client =
        new MarketDataClient(
            new MarketDataClient.Options(
                feed.baseUrl(),
                "k",
                maxAttempts,
                Duration.ofMillis(100),
                Duration.ofMillis(1000),
                Duration.ofSeconds(5)),
            clock,
            new Random(1));
    Consumer<String> progress = lines::add;
    return PriceFetcher.run(
        spark,
        config,
        client,
        clock,
        new PriceFetcher.Request(from, to, List.of(symbols), false),
        progress);
  }

  static void drainBronze() {
    BronzeStream.run(spark, config, new BronzeStream.Options(true, false));
  }

  @Test
  void missingDaysAreFetchedOnceArchivedLandedAndRecoveredFromTheArchiveWhenTheApiFails() {
    LocalDate mon = LocalDate.of(2026, 11, 23);
    List<String> lines = new ArrayList<>();

    // 11-23..11-27 has four trading days (11-26 is Thanksgiving): 3 symbols x 4 = 12 messages.
    PriceFetcher.Report first = fetch(mon, LAST, 3, lines, "AAPL", "MSFT", "KO");
    assertThat(first.requestsSent()).isEqualTo(3);
    assertThat(first.budgetLeft()).isEqualTo(3);
    assertThat(first.published()).isEqualTo(12);
    assertThat(first.symbols()).allSatisfy(s -> assertThat(s.source()).isEqualTo("API"));
    drainBronze();
    List<Row> landed =
        spark
            .sql(
                "SELECT symbol, trade_date, open, high, low, close, volume, source FROM "
                    + Tables.qualified("bronze.daily_prices")
                    + " ORDER BY symbol, trade_date")
            .collectAsList();
    assertThat(landed).hasSize(12);
    for (Row r : landed) {
      PriceModel.Bar bar =
          model.bar(Listing.find(r.getString(0)).orElseThrow(), r.getDate(1).toLocalDate());
      assertThat(r.getDecimal(2)).isEqualByComparingTo(bar.open());
      assertThat(r.getDecimal(3)).isEqualByComparingTo(bar.high());
      assertThat(r.getDecimal(4)).isEqualByComparingTo(bar.low());
      assertThat(r.getDecimal(5)).isEqualByComparingTo(bar.close());
      assertThat(r.getLong(6)).isEqualTo(bar.volume());
      assertThat(r.getString(7)).isEqualTo("API");
    }
    // Every answer was archived as received, without the key.
    Row archived =
        spark
            .sql(
                "SELECT count(*), count_if(outcome = 'OK'), count_if(request_url LIKE '%apikey%'),"
                    + " count_if(body LIKE '%Time Series (Daily)%') FROM "
                    + Tables.BRONZE_PRICE_RESPONSES)
            .first();
    assertThat(archived.toString()).isEqualTo("[3,3,0,3]");

    // Nothing is missing any more: no request at all.
    int before = feed.requests().size();
    PriceFetcher.Report again = fetch(mon, LAST, 3, lines, "AAPL", "MSFT", "KO");
    assertThat(again.requestsSent()).isZero();
    assertThat(again.published()).isZero();
    assertThat(feed.requests()).hasSize(before);

    // The API fails for the week before: 3 attempts each archived, then the archived compact
    // answer of the first fetch (100 trading days) gives 11-16..11-20.
    feed.fail(Fault.SERVER_ERROR, Fault.UNAVAILABLE, Fault.SERVER_ERROR);
    PriceFetcher.Report down =
        fetch(LocalDate.of(2026, 11, 16), LocalDate.of(2026, 11, 20), 3, lines, "AAPL");
    assertThat(down.requestsSent()).isEqualTo(3);
    assertThat(down.budgetLeft()).isZero(); // 6 a day, 3 + 3 spent
    assertThat(down.symbols().get(0).source()).isEqualTo("ARCHIVE");
    assertThat(down.published()).isEqualTo(5);

    // The day's budget is spent: MSFT's week comes from the archive without a request.
    before = feed.requests().size();
    PriceFetcher.Report spent =
        fetch(LocalDate.of(2026, 11, 16), LocalDate.of(2026, 11, 20), 3, lines, "MSFT");
    assertThat(feed.requests()).hasSize(before);
    assertThat(spent.symbols().get(0).attempts())
        .containsExactly("NOT_SENT (the day's budget is spent)");
    assertThat(spent.symbols().get(0).source()).isEqualTo("ARCHIVE");
    drainBronze();
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM bronze.daily_prices WHERE source = 'ARCHIVE'"
                        + " AND trade_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-20'")
                .first()
                .getLong(0))
        .isEqualTo(10);
    assertThat(
            spark
                .sql(
                    "SELECT count(*), count_if(outcome = 'HTTP_RETRYABLE') FROM "
                        + Tables.BRONZE_PRICE_RESPONSES)
                .first()
                .toString())
        .isEqualTo("[6,3]");
    assertThat(lines).anyMatch(l -> l.startsWith("AAPL: 5 day(s) missing, compact request"));
  }
}
