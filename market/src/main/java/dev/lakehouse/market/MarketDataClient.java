package dev.lakehouse.market;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for a market-data API that speaks Alpha Vantage's {@code TIME_SERIES_DAILY}. Each
 * attempt spends one request of the day's budget. 429, 5xx, timeouts, refused connections and
 * malformed bodies are retried with exponential backoff and jitter (a 429's Retry-After is
 * honoured); an "Error Message" is not, and a daily-limit answer ends the day's calls. Time is
 * asked of a {@link Clock}, so tests see every wait without sleeping through it.
 */
public final class MarketDataClient {
  private static final Logger LOG = LoggerFactory.getLogger(MarketDataClient.class);

  /** Where time comes from and how the client waits. */
  public interface Clock {
    Instant now();

    void sleep(Duration duration) throws InterruptedException;

    /** The wall clock and Thread.sleep. */
    static Clock system() {
      return new Clock() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          Thread.sleep(duration.toMillis());
        }
      };
    }
  }

  /** How the client calls the API. The key is never logged or archived. */
  public record Options(
      String baseUrl,
      String apiKey,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration timeout) {

    /** The options of {@code market.*}; the key from the environment (LAKEHOUSE_MARKET_API_KEY). */
    public static Options of(LakehouseConfig config, String baseUrl) {
      Optional<String> key = config.secret(Settings.MARKET_API_KEY);
      if (key.isEmpty() && !"embedded".equals(config.get(Settings.MARKET_BASE_URL))) {
        throw new ConfigException(
            "The market-data API at "
                + baseUrl
                + " needs a key: set the environment variable LAKEHOUSE_MARKET_API_KEY.");
      }
      return new Options(
          baseUrl,
          key.orElse("embedded"),
          config.intValue(Settings.MARKET_MAX_ATTEMPTS),
          Duration.ofMillis(config.longValue(Settings.MARKET_INITIAL_BACKOFF_MS)),
          Duration.ofMillis(config.longValue(Settings.MARKET_MAX_BACKOFF_MS)),
          Duration.ofMillis(config.longValue(Settings.MARKET_TIMEOUT_MS)));
    }
  }

  /** How one attempt ended. */
  public enum Outcome {
    OK(false),
    /** 429 or 5xx. */
    HTTP_RETRYABLE(true),
    /** Another 4xx: the request itself is wrong. */
    HTTP_REJECTED(false),
    TIMEOUT(true),
    UNREACHABLE(true),
    MALFORMED(true),
    /** The API's "Error Message": an unknown symbol or a bad key. */
    API_ERROR(false),
    /** The API's daily-limit answer: no more calls today. */
    DAILY_LIMIT(false);

    private final boolean retryable;

    Outcome(boolean retryable) {
      this.retryable = retryable;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  /**
   * One request and its answer: when it was sent, the wait before it, the HTTP status (null when no
   * answer came), the raw body (null likewise), how it ended and why.
   */
  public record Attempt(
      int number,
      Instant sentAt,
      Duration waitedBefore,
      Integer httpStatus,
      String body,
      Outcome outcome,
      String detail) {}

  /**
   * A symbol's fetch: the request (its URL without the key), every attempt, and the series when an
   * attempt read prices. {@code budgetExhausted} when the day's budget ended the attempts.
   */
  public record Result(
      String symbol,
      String outputSize,
      String requestUrl,
      List<Attempt> attempts,
      DailySeries series,
      boolean budgetExhausted) {
    public boolean ok() {
      return series != null;
    }

    /** True when the API said no more calls today. */
    public boolean dailyLimit() {
      return !attempts.isEmpty()
          && attempts.get(attempts.size() - 1).outcome() == Outcome.DAILY_LIMIT;
    }
  }

  /** The requests left today; each attempt takes one. */
  public static final class Budget {
    private int left;

    public Budget(int left) {
      this.left = Math.max(0, left);
    }

    public synchronized boolean take() {
      if (left == 0) {
        return false;
      }
      left--;
      return true;
    }

    public synchronized int left() {
      return left;
    }

    /** After a daily-limit answer: whatever we counted, the API says none is left. */
    public synchronized void exhaust() {
      left = 0;
    }
  }

  private final Options options;
  private final Clock clock;
  private final Random jitter;
  private final HttpClient http;

  public MarketDataClient(Options options, Clock clock, Random jitter) {
    this.options = options;
    this.clock = clock;
    this.jitter = jitter;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(options.timeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * The wait before attempt {@code next} (2, 3, ...): half of min(max, initial * 2^(next-2)) plus a
   * random part of the other half ("equal jitter"), so retries neither hammer nor synchronise.
   */
  Duration backoff(int next) {
    long base = options.initialBackoff().toMillis();
    long cap = options.maxBackoff().toMillis();
    long exp = Math.min(cap, base << Math.min(30, next - 2));
    long half = exp / 2;
    return Duration.ofMillis(half + (half == 0 ? 0 : (long) (jitter.nextDouble() * (exp - half))));
  }

  /** The request's URL without the key, as the archive keeps it. */
  public String requestUrl(String symbol, String outputSize) {
    return options.baseUrl().replaceAll("/+$", "")
        + "/query?function=TIME_SERIES_DAILY&symbol="
        + URLEncoder.encode(symbol, StandardCharsets.UTF_8)
        + "&outputsize="
        + outputSize;
  }

  /** Fetches a symbol's daily series ("compact": the last 100 days; "full": all of them). */
  public Result fetchDaily(String symbol, String outputSize, Budget budget) {
    String url = requestUrl(symbol, outputSize);
    URI uri =
        URI.create(url + "&apikey=" + URLEncoder.encode(options.apiKey(), StandardCharsets.UTF_8));
    List<Attempt> attempts = new ArrayList<>();
    Duration wait = Duration.ZERO;
    for (int n = 1; n <= options.maxAttempts(); n++) {
      if (n > 1) {
        try {
          clock.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (!budget.take()) {
        LOG.warn("{}: the day's request budget is spent; no request sent.", symbol);
        return new Result(symbol, outputSize, url, attempts, null, true);
      }
      Instant sent = clock.now();
      Attempt attempt;
      Duration retryAfter = Duration.ZERO;
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(options.timeout()).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        String body = response.body();
        if (status == 429 || status >= 500) {
          attempt =
              new Attempt(n, sent, wait, status, body, Outcome.HTTP_RETRYABLE, "HTTP " + status);
          retryAfter =
              response
                  .headers()
                  .firstValue("Retry-After")
                  .flatMap(MarketDataClient::seconds)
                  .orElse(Duration.ZERO);
        } else if (status >= 400) {
          attempt =
              new Attempt(n, sent, wait, status, body, Outcome.HTTP_REJECTED, "HTTP " + status);
        } else {
          DailySeries.Reading reading = DailySeries.read(body);
          Outcome outcome =
              switch (reading.kind()) {
                case PRICES -> Outcome.OK;
                case API_ERROR -> Outcome.API_ERROR;
                case DAILY_LIMIT -> Outcome.DAILY_LIMIT;
                case MALFORMED -> Outcome.MALFORMED;
              };
          attempt = new Attempt(n, sent, wait, status, body, outcome, reading.detail());
          if (outcome == Outcome.OK) {
            attempts.add(attempt);
            return new Result(symbol, outputSize, url, attempts, reading.series(), false);
          }
        }
      } catch (HttpTimeoutException e) {
        attempt =
            new Attempt(
                n,
                sent,
                wait,
                null,
                null,
                Outcome.TIMEOUT,
                "no answer within " + options.timeout());
      } catch (IOException e) {
        attempt = new Attempt(n, sent, wait, null, null, Outcome.UNREACHABLE, String.valueOf(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      attempts.add(attempt);
      LOG.warn(
          "{}: attempt {} of {} failed: {} ({}).",
          symbol,
          n,
          options.maxAttempts(),
          attempt.outcome(),
          attempt.detail());
      if (attempt.outcome() == Outcome.DAILY_LIMIT) {
        budget.exhaust();
      }
      if (!attempt.outcome().retryable()) {
        break;
      }
      Duration backoff = backoff(n + 1);
      wait = retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
    }
    return new Result(symbol, outputSize, url, attempts, null, false);
  }

  private static Optional<Duration> seconds(String value) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty(); // an HTTP date: the backoff decides
    }
  }
}
