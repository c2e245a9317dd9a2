package dev.lakehouse.ops.anomaly;

import dev.lakehouse.common.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One anomaly check: which metric, by which strategy, how sensitive. From the setting {@code
 * anomaly.checks}, a list of {@code metric:strategy:threshold} entries, for example {@code
 * row_count:seasonal_zscore:3}.
 *
 * <ul>
 *   <li>{@code seasonal_zscore}: threshold in standard deviations from the mean of the same weekday
 *       in the training window (any weekday when the same weekday has too few points); twice the
 *       threshold is an error.
 *   <li>{@code zscore}: the same over every day of the training window.
 *   <li>{@code rate_of_change}: threshold is the largest fall from the level of the days before
 *       (the median of the last 7 normal ones), as a fraction ({@code 0.5}: half); the matching
 *       rise is {@code 1 / (1 - threshold)}; the squared bounds are an error.
 *   <li>{@code psi}: on the shares of one categorical column (metric {@code share} for every
 *       column, {@code share.channel} for one), the population stability index against the training
 *       window's mean shares; above the threshold a warning, above 2.5 times it an error (0.1 and
 *       0.25 are the customary limits).
 * </ul>
 */
public record Check(String metric, Strategy strategy, double threshold) {

  public enum Strategy {
    ZSCORE,
    SEASONAL_ZSCORE,
    RATE_OF_CHANGE,
    PSI
  }

  /** Parses the setting's entries; a ConfigException naming the entry that is wrong. */
  public static List<Check> parse(List<String> entries) {
    List<Check> checks = new ArrayList<>();
    for (String entry : entries) {
      String[] p = entry.split(":");
      try {
        if (p.length != 3) {
          throw new IllegalArgumentException();
        }
        Strategy s = Strategy.valueOf(p[1].trim().toUpperCase(Locale.ROOT));
        double threshold = Double.parseDouble(p[2].trim());
        if (!(threshold > 0) || (s == Strategy.RATE_OF_CHANGE && threshold >= 1)) {
          throw new IllegalArgumentException();
        }
        String metric = p[0].trim();
        if (s == Strategy.PSI != (metric.equals("share") || metric.startsWith("share."))) {
          throw new IllegalArgumentException();
        }
        checks.add(new Check(p[0].trim(), s, threshold));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "anomaly.checks: '"
                + entry
                + "' is not metric:strategy:threshold with a strategy of zscore, seasonal_zscore,"
                + " rate_of_change (threshold below 1) or psi (for share, or share.<column>, only),"
                + " for example"
                + " row_count:seasonal_zscore:3.");
      }
    }
    return checks;
  }
}
