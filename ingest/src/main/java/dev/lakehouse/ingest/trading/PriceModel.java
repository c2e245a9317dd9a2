package dev.lakehouse.ingest.trading;

import dev.lakehouse.common.TradingCalendar;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Simulated daily prices: per stock, a geometric Brownian motion over the trading days from {@link
 * #ORIGIN}, the same for a given seed whatever range is asked. The simulated market-data feed
 * serves these bars and the trading generator executes its trades inside them, so the lake's trades
 * and prices agree as a real market's would.
 */
public final class PriceModel {
  /** The first simulated trading day's date; no bar exists before it. */
  public static final LocalDate ORIGIN = LocalDate.of(2025, 1, 2);

  private static final double DT = 1.0 / 252;
  private static final int SCALE = 4;

  /** One stock's day: open, high, low and close (4 decimals) and the volume. */
  public record Bar(
      String symbol,
      LocalDate date,
      BigDecimal open,
      BigDecimal high,
      BigDecimal low,
      BigDecimal close,
      long volume) {}

  private final long seed;
  private final TradingCalendar calendar;
  private final Map<String, List<Bar>> paths = new ConcurrentHashMap<>();

  public PriceModel(long seed, TradingCalendar calendar) {
    this.seed = seed;
    this.calendar = calendar;
  }

  public TradingCalendar calendar() {
    return calendar;
  }

  /** The bars of a stock on the trading days from {@code from} to {@code to}, oldest first. */
  public List<Bar> bars(Listing listing, LocalDate from, LocalDate to) {
    List<Bar> path = path(listing, to);
    List<Bar> out = new ArrayList<>();
    for (Bar b : path) {
      if (!b.date().isBefore(from) && !b.date().isAfter(to)) {
        out.add(b);
      }
    }
    return out;
  }

  /** The bar of a stock on a day, or null when the exchange did not trade or it is too early. */
  public Bar bar(Listing listing, LocalDate day) {
    List<Bar> bars = bars(listing, day, day);
    return bars.isEmpty() ? null : bars.get(0);
  }

  private synchronized List<Bar> path(Listing listing, LocalDate to) {
    List<Bar> path = paths.computeIfAbsent(listing.symbol(), s -> new ArrayList<>());
    if (!path.isEmpty() && !path.get(path.size() - 1).date().isBefore(to)) {
      return List.copyOf(path);
    }
    // Replayed from the origin each time it grows: one Random per stock, drawn in a fixed order.
    path.clear();
    Random random = new Random(seed * 31 + listing.symbol().hashCode());
    double sigma = listing.volatility() * Math.sqrt(DT);
    double mu = (listing.drift() - listing.volatility() * listing.volatility() / 2) * DT;
    BigDecimal previous = listing.firstClose();
    for (LocalDate d : calendar.tradingDays(ORIGIN, to)) {
      double z = random.nextGaussian();
      double gap = random.nextGaussian();
      double up = Math.abs(random.nextGaussian());
      double down = Math.abs(random.nextGaussian());
      double vol = random.nextGaussian();
      double prev = previous.doubleValue();
      BigDecimal open = round(prev * Math.exp(0.3 * sigma * gap), RoundingMode.HALF_EVEN);
      BigDecimal close = round(prev * Math.exp(mu + sigma * z), RoundingMode.HALF_EVEN);
      BigDecimal top = open.max(close);
      BigDecimal bottom = open.min(close);
      BigDecimal high = round(top.doubleValue() * (1 + 0.5 * sigma * up), RoundingMode.CEILING);
      BigDecimal low = round(bottom.doubleValue() * (1 - 0.5 * sigma * down), RoundingMode.FLOOR);
      long volume = Math.round(listing.typicalVolume() * Math.exp(0.25 * vol));
      path.add(new Bar(listing.symbol(), d, open, high.max(top), low.min(bottom), close, volume));
      previous = close;
    }
    return List.copyOf(path);
  }

  private static BigDecimal round(double value, RoundingMode mode) {
    return BigDecimal.valueOf(Math.max(value, 0.0001)).setScale(SCALE, mode);
  }
}
