package dev.lakehouse.market;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.ingest.trading.Listing;
import dev.lakehouse.ingest.trading.PriceModel;
import dev.lakehouse.market.MarketDataClient.Outcome;
import dev.lakehouse.services.SimulatedMarketFeed;
import dev.lakehouse.services.SimulatedMarketFeed.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a real HTTP server (the simulated feed) that answers with injected faults.
 * Waits go through a recording clock: every backoff is asserted, none is slept.
 */
class MarketDataClientTest {
  static final LocalDate LAST = LocalDate.of(2026, 11, 27);
  static final TradingCalendar CALENDAR = TradingCalendar.parse("2026-11-26");
  static SimulatedMarketFeed feed;
  static PriceModel model;
  RecordingClock clock;

  /** A clock that moves only when the client sleeps, and remembers each sleep. */
  static final class RecordingClock implements MarketDataClient.Clock {
    Instant now = Instant.parse("2026-11-28T06:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
      now = now.plus(d);
    }
  }

  @BeforeAll
  static void startTheFeed() {
    model = new PriceModel(42, CALENDAR);
    feed = SimulatedMarketFeed.start(0, model, () -> LAST);
  }

  @AfterAll
  static void stopTheFeed() {
    feed.close();
  }

  @BeforeEach
  void freshClock() {
    clock = new RecordingClock();
  }

  MarketDataClient client(int maxAttempts, long initialMs, long maxMs, long timeoutMs) {
    return new MarketDataClient(
        new MarketDataClient.Options(
            feed.baseUrl(),
            "test-key-123",
            maxAttempts,
            Duration.ofMillis(initialMs),
            Duration.ofMillis(maxMs),
            Duration.ofMillis(timeoutMs)),
        clock,
        new Random(7));
  }

  @Test
  void aCompactAnswerIsTheLastHundredTradingDaysWithTheServersValues() {
    MarketDataClient.Budget budget = new MarketDataClient.Budget(25);
    MarketDataClient.Result r = client(4, 1000, 60000, 5000).fetchDaily("AAPL", "compact", budget);

    assertThat(r.ok()).isTrue();
    assertThat(r.attempts()).hasSize(1);
    assertThat(budget.left()).isEqualTo(24);
    DailySeries s = r.series();
    assertThat(s.symbol()).isEqualTo("AAPL");
    assertThat(s.lastRefreshed()).isEqualTo(LAST);
    assertThat(s.bars()).hasSize(100);
    // Thanksgiving (11-26) and the weekends are not trading days.
    assertThat(s.bars())
        .extracting(DailySeries.Bar::date)
        .doesNotContain(LocalDate.of(2026, 11, 26), LocalDate.of(2026, 11, 22))
        .contains(LocalDate.of(2026, 11, 25), LAST);
    PriceModel.Bar last = model.bar(Listing.find("AAPL").orElseThrow(), LAST);
    DailySeries.Bar got = s.bars().get(s.bars().size() - 1);
    assertThat(got.close()).isEqualByComparingTo(last.close());
    assertThat(got.volume()).isEqualTo(last.volume());
    assertThat(got.low()).isLessThanOrEqualTo(got.open().min(got.close()));
    assertThat(got.high()).isGreaterThanOrEqualTo(got.open().max(got.close()));
    assertThat(got.close().scale()).isEqualTo(4);
    assertThat(got.close()).isGreaterThan(BigDecimal.ZERO);
    // The key goes to the API, never into the URL the archive keeps.
    assertThat(r.requestUrl()).doesNotContain("test-key-123").contains("symbol=AAPL");
    assertThat(feed.requests().get(feed.requests().size() - 1)).contains("apikey=test-key-123");
  }

  @Test
  void a429HonoursRetryAfterAndA500BacksOffExponentiallyWithJitter() {
    feed.fail(Fault.TOO_MANY_REQUESTS, Fault.SERVER_ERROR);
    MarketDataClient.Budget budget = new MarketDataClient.Budget(25);
    MarketDataClient.Result r = client(4, 800, 60000, 5000).fetchDaily("MSFT", "compact", budget);

    assertThat(r.ok()).isTrue();
    assertThat(r.attempts())
        .extracting(MarketDataClient.Attempt::outcome)
        .containsExactly(Outcome.HTTP_RETRYABLE, Outcome.HTTP_RETRYABLE, Outcome.OK);
    assertThat(r.attempts())
        .extracting(MarketDataClient.Attempt::httpStatus)
        .containsExactly(429, 500, 200);
    assertThat(clock.sleeps).hasSize(2);
    // Before attempt 2: the backoff would be 400..800 ms, but Retry-After asks for 1 s.
    assertThat(clock.sleeps.get(0)).isEqualTo(Duration.ofSeconds(1));
    // Before attempt 3: 800 * 2 = 1600 ms, with equal jitter 800..1600 ms.
    assertThat(clock.sleeps.get(1).toMillis()).isBetween(800L, 1600L);
    assertThat(r.attempts().get(2).waitedBefore()).isEqualTo(clock.sleeps.get(1));
    assertThat(budget.left()).isEqualTo(22); // every attempt is a request
  }

  @Test
  void afterTheLastAttemptItGivesUpWithWaitsCappedAtTheMaximum() {
    feed.fail(Fault.SERVER_ERROR, Fault.UNAVAILABLE, Fault.SERVER_ERROR, Fault.UNAVAILABLE);
    MarketDataClient.Result r =
        client(4, 1000, 2500, 5000).fetchDaily("KO", "compact", new MarketDataClient.Budget(25));

    assertThat(r.ok()).isFalse();
    assertThat(r.attempts()).hasSize(4);
    assertThat(clock.sleeps).hasSize(3);
    // 1000, 2000, then 4000 capped at 2500; each between half and all of it.
    assertThat(clock.sleeps.get(0).toMillis()).isBetween(500L, 1000L);
    assertThat(clock.sleeps.get(1).toMillis()).isBetween(1000L, 2000L);
    assertThat(clock.sleeps.get(2).toMillis()).isBetween(1250L, 2500L);
  }

  @Test
  void aTimeoutAndAMalformedBodyAreRetried() {
    feed.fail(Fault.SLOW, Fault.MALFORMED);
    MarketDataClient.Result r =
        client(4, 100, 1000, 700).fetchDaily("JPM", "compact", new MarketDataClient.Budget(25));

    assertThat(r.ok()).isTrue();
    assertThat(r.attempts())
        .extracting(MarketDataClient.Attempt::outcome)
        .containsExactly(Outcome.TIMEOUT, Outcome.MALFORMED, Outcome.OK);
    assertThat(r.attempts().get(0).httpStatus()).isNull();
    assertThat(r.attempts().get(1).body()).startsWith("{").doesNotEndWith("}");
  }

  @Test
  void anUnknownSymbolIsNotRetried() {
    MarketDataClient.Result r =
        client(4, 100, 1000, 5000).fetchDaily("NOPE", "compact", new MarketDataClient.Budget(25));

    assertThat(r.ok()).isFalse();
    assertThat(r.attempts())
        .extracting(MarketDataClient.Attempt::outcome)
        .containsExactly(Outcome.API_ERROR);
    assertThat(r.attempts().get(0).detail()).contains("Invalid API call");
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void theDailyLimitAnswerEndsTheDaysCallsAndTheBudgetIsNeverOverspent() {
    MarketDataClient c = client(4, 100, 1000, 5000);
    feed.fail(Fault.DAILY_LIMIT);
    MarketDataClient.Budget budget = new MarketDataClient.Budget(25);
    MarketDataClient.Result limited = c.fetchDaily("XOM", "compact", budget);
    assertThat(limited.dailyLimit()).isTrue();
    assertThat(limited.attempts()).hasSize(1);
    assertThat(budget.left()).isZero();
    int before = feed.requests().size();
    MarketDataClient.Result next = c.fetchDaily("CVX", "compact", budget);
    assertThat(next.budgetExhausted()).isTrue();
    assertThat(next.attempts()).isEmpty();
    assertThat(feed.requests()).hasSize(before);

    // Two requests left and failures: the third attempt is never sent.
    feed.fail(Fault.SERVER_ERROR, Fault.SERVER_ERROR);
    MarketDataClient.Budget two = new MarketDataClient.Budget(2);
    MarketDataClient.Result spent = c.fetchDaily("WMT", "compact", two);
    assertThat(spent.attempts()).hasSize(2);
    assertThat(spent.budgetExhausted()).isTrue();
    assertThat(feed.requests()).hasSize(before + 2);
  }
}
