package dev.lakehouse.ops.anomaly;

import dev.lakehouse.ops.anomaly.Check.Strategy;
import dev.lakehouse.ops.anomaly.MetricValue.Series;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds the metric values that lie outside what their own history makes normal. Pure computation:
 * the history, the values to judge and the anomalies already found go in; findings and each judged
 * value's band come out. Dates are judged in order, and a value found anomalous never joins the
 * baseline of later dates, so one bad day does not widen the band that should catch the next.
 *
 * <p>Two calendar seasons keep apart what differs every month: the first day of a month (salaries
 * are paid then, so volumes and mixes jump) is judged only against earlier first days, and the
 * other days only against other days. Within a season a seasonal z-score prefers the same weekday.
 */
public final class Detector {
  /** A value judged, and its key for the bands. */
  public record Key(Series series, LocalDate date) {}

  /** The range a value was expected in, and its centre. */
  public record Band(double expected, double low, double high) {}

  /** An anomaly: the value, the check that caught it, what was expected, how far off. */
  public record Finding(
      MetricValue value,
      Check check,
      double expected,
      double low,
      double high,
      double score,
      String severity,
      int trainingPoints,
      String detail) {}

  /** What a run of the detector found, and the band of every value it could judge. */
  public record Result(List<Finding> findings, Map<Key, Band> bands) {}

  private final List<Check> checks;
  private final int trainingDays;
  private final int minPoints;
  private final long minRows;

  public Detector(List<Check> checks, int trainingDays, int minPoints) {
    this(checks, trainingDays, minPoints, 0);
  }

  /**
   * @param minRows below this many rows on a date, only its counts are judged: the null rates,
   *     shares and amounts of a handful of rows are noise
   */
  public Detector(List<Check> checks, int trainingDays, int minPoints, long minRows) {
    this.checks = List.copyOf(checks);
    this.trainingDays = trainingDays;
    this.minPoints = minPoints;
    this.minRows = minRows;
  }

  /**
   * Judges {@code current} against {@code history} (values of earlier dates) and the anomalies
   * already recorded ({@code flagged}, which stay out of every baseline).
   */
  public Result detect(List<MetricValue> history, Set<Key> flagged, List<MetricValue> current) {
    Map<Series, TreeMap<LocalDate, Double>> series = new HashMap<>();
    for (MetricValue v : history) {
      series.computeIfAbsent(v.series(), s -> new TreeMap<>()).put(v.date(), v.value());
    }
    Set<Key> excluded = new HashSet<>(flagged);
    List<Finding> findings = new ArrayList<>();
    Map<Key, Band> bands = new HashMap<>();
    TreeSet<LocalDate> dates = new TreeSet<>();
    current.forEach(v -> dates.add(v.date()));
    for (LocalDate date : dates) {
      List<MetricValue> today = current.stream().filter(v -> v.date().equals(date)).toList();
      java.util.Set<String> small = new HashSet<>();
      for (MetricValue v : today) {
        if (v.metric().equals("row_count") && v.value() < minRows) {
          small.add(v.table());
        }
      }
      List<Finding> found = new ArrayList<>();
      for (Check check : checks) {
        if (check.strategy() == Strategy.PSI) {
          found.addAll(
              psi(
                  check,
                  date,
                  today.stream().filter(v -> !small.contains(v.table())).toList(),
                  series,
                  excluded));
          continue;
        }
        for (MetricValue v : today) {
          if (!v.metric().equals(check.metric())
              || (small.contains(v.table()) && !isCount(v.metric()))) {
            continue;
          }
          TreeMap<LocalDate, Double> past = series.getOrDefault(v.series(), new TreeMap<>());
          Finding f =
              check.strategy() == Strategy.RATE_OF_CHANGE
                  ? rate(check, v, past, excluded)
                  : zscore(check, v, past, excluded, bands);
          if (f != null) {
            found.add(f);
          }
        }
      }
      // The day's anomalies stay out of later baselines; everything else joins the history.
      for (Finding f : found) {
        Series s =
            f.check().strategy() == Strategy.PSI
                ? new Series(f.value().table(), "share", f.value().dimension())
                : f.value().series();
        excluded.add(new Key(s, date));
        if (f.check().strategy() == Strategy.PSI) {
          for (MetricValue v : today) {
            if (v.metric().equals("share") && column(v).equals(f.value().dimension())) {
              excluded.add(new Key(v.series(), date));
            }
          }
        }
      }
      findings.addAll(found);
      for (MetricValue v : today) {
        series.computeIfAbsent(v.series(), s -> new TreeMap<>()).put(date, v.value());
      }
    }
    findings.sort(
        Comparator.comparing((Finding f) -> f.value().date())
            .thenComparing(f -> f.value().metric())
            .thenComparing(f -> f.value().dimension()));
    return new Result(findings, bands);
  }

  /** The baseline's points: earlier dates inside the training window, not found anomalous. */
  private List<Double> training(
      Series s,
      LocalDate date,
      TreeMap<LocalDate, Double> past,
      Set<Key> excluded,
      boolean sameWeekday) {
    List<Double> points = new ArrayList<>();
    for (Map.Entry<LocalDate, Double> e :
        past.subMap(date.minusDays(trainingDays), true, date, false).entrySet()) {
      if (excluded.contains(new Key(s, e.getKey()))) {
        continue;
      }
      if (!season(e.getKey()).equals(season(date))) {
        continue;
      }
      if (!sameWeekday || e.getKey().getDayOfWeek() == date.getDayOfWeek()) {
        points.add(e.getValue());
      }
    }
    return points;
  }

  private Finding zscore(
      Check check,
      MetricValue v,
      TreeMap<LocalDate, Double> past,
      Set<Key> excluded,
      Map<Key, Band> bands) {
    boolean weekly = check.strategy() == Strategy.SEASONAL_ZSCORE;
    boolean monthStart = season(v.date()).equals(MONTH_START);
    List<Double> points = training(v.series(), v.date(), past, excluded, weekly && !monthStart);
    String basis =
        monthStart
            ? "earlier first days of a month"
            : weekly ? "earlier " + weekday(v.date()) + "s" : "earlier days";
    if (monthStart) {
      if (points.size() < minPoints) {
        return null; // too few earlier first days
      }
    } else if (weekly && points.size() < minPoints) {
      points = training(v.series(), v.date(), past, excluded, false);
      basis = "earlier days";
      if (points.size() < minPoints * 2) {
        return null; // not enough history to know what is normal
      }
    } else if (!weekly && points.size() < minPoints * 2) {
      return null;
    }
    double mean = points.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double variance =
        points.stream().mapToDouble(p -> (p - mean) * (p - mean)).sum()
            / Math.max(1, points.size() - 1);
    // A series that never moved still has a band: 2 % of its level, or a floor for small ratios;
    // a count varies at least as a Poisson count does (by the square root of its level).
    double floor =
        isRatio(v.metric())
            ? 0.005
            : isCount(v.metric()) ? Math.max(1.0, Math.sqrt(Math.abs(mean))) : 1.0;
    double sd = Math.max(Math.sqrt(variance), Math.max(Math.abs(mean) * 0.02, floor));
    double low = mean - check.threshold() * sd;
    double high = mean + check.threshold() * sd;
    if (isRatio(v.metric()) || v.metric().equals("row_count")) {
      low = Math.max(0, low);
    }
    bands.put(new Key(v.series(), v.date()), new Band(mean, low, high));
    double z = (v.value() - mean) / sd;
    if (Math.abs(z) <= check.threshold()) {
      return null;
    }
    String severity = Math.abs(z) > 2 * check.threshold() ? "error" : "warn";
    return new Finding(
        v,
        check,
        mean,
        low,
        high,
        z,
        severity,
        points.size(),
        String.format(
            "%s is %s, %.1f standard deviations %s the mean %s of %d %s (sd %s)",
            v.series(),
            number(v.value()),
            Math.abs(z),
            z < 0 ? "below" : "above",
            number(mean),
            points.size(),
            basis,
            number(sd)));
  }

  private Finding rate(
      Check check, MetricValue v, TreeMap<LocalDate, Double> past, Set<Key> excluded) {
    // The level to compare with: the median of the last normal days of the same season (at most
    // 7, within two weeks), so that one odd day before does not make every day after look odd.
    List<Double> recent = new ArrayList<>();
    for (Map.Entry<LocalDate, Double> e :
        past.subMap(v.date().minusDays(14), true, v.date(), false).descendingMap().entrySet()) {
      if (!excluded.contains(new Key(v.series(), e.getKey()))
          && season(e.getKey()).equals(season(v.date()))) {
        recent.add(e.getValue());
        if (recent.size() == 7) {
          break;
        }
      }
    }
    if (recent.size() < 3) {
      return null;
    }
    List<Double> sorted = recent.stream().sorted().toList();
    double level =
        sorted.size() % 2 == 1
            ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    if (level <= 0) {
      return null;
    }
    double ratio = v.value() / level;
    double lowest = 1 - check.threshold();
    double highest = 1 / lowest;
    if (ratio >= lowest && ratio <= highest) {
      return null;
    }
    String severity = ratio < lowest * lowest || ratio > highest * highest ? "error" : "warn";
    return new Finding(
        v,
        check,
        level,
        level * lowest,
        level * highest,
        ratio,
        severity,
        recent.size(),
        String.format(
            "%s is %s, %.2f times the median %s of the %d days before; the allowed change is"
                + " %.2f to %.2f times",
            v.series(), number(v.value()), ratio, number(level), recent.size(), lowest, highest));
  }

  /** The PSI of each categorical column's shares on {@code date} against the training mean. */
  private List<Finding> psi(
      Check check,
      LocalDate date,
      List<MetricValue> today,
      Map<Series, TreeMap<LocalDate, Double>> series,
      Set<Key> excluded) {
    Map<String, List<MetricValue>> byColumn = new TreeMap<>();
    String only =
        check.metric().startsWith("share.") ? check.metric().substring("share.".length()) : null;
    for (MetricValue v : today) {
      if (v.metric().equals("share") && (only == null || column(v).equals(only))) {
        byColumn.computeIfAbsent(v.table() + "\u0000" + column(v), k -> new ArrayList<>()).add(v);
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (List<MetricValue> values : byColumn.values()) {
      MetricValue first = values.get(0);
      String column = column(first);
      Series columnSeries = new Series(first.table(), "share", column);
      // The dates of the window whose shares of this column were normal.
      Set<LocalDate> trainingDates = new TreeSet<>();
      for (MetricValue v : values) {
        TreeMap<LocalDate, Double> past = series.get(v.series());
        if (past != null) {
          for (LocalDate d :
              past.subMap(date.minusDays(trainingDays), true, date, false).keySet()) {
            if (!excluded.contains(new Key(columnSeries, d)) && season(d).equals(season(date))) {
              trainingDates.add(d);
            }
          }
        }
      }
      if (trainingDates.size() < minPoints * 2) {
        continue;
      }
      Map<String, Double> expected = new TreeMap<>();
      Map<String, Double> actual = new TreeMap<>();
      for (MetricValue v : values) {
        String value = v.dimension().substring(column.length() + 1);
        TreeMap<LocalDate, Double> past = series.getOrDefault(v.series(), new TreeMap<>());
        double sum = 0;
        for (LocalDate d : trainingDates) {
          sum += past.getOrDefault(d, 0.0);
        }
        expected.put(value, sum / trainingDates.size());
        actual.put(value, v.value());
      }
      double psi = Psi.of(expected, actual);
      if (psi <= check.threshold()) {
        continue;
      }
      MetricValue summary = new MetricValue(first.table(), date, "share", column, psi);
      findings.add(
          new Finding(
              summary,
              check,
              0,
              0,
              check.threshold(),
              psi,
              psi > 2.5 * check.threshold() ? "error" : "warn",
              trainingDates.size(),
              String.format(
                  "the shares of %s in %s moved: PSI %.3f against the mean of %d earlier days"
                      + " (limit %.2f); moved most: %s",
                  column,
                  first.table(),
                  psi,
                  trainingDates.size(),
                  check.threshold(),
                  Psi.largestMoves(expected, actual, 3))));
    }
    return findings;
  }

  static final String MONTH_START = "month start";

  /** The calendar season of a date: the first day of a month, or any other day. */
  static String season(LocalDate d) {
    return d.getDayOfMonth() == 1 ? MONTH_START : "other days";
  }

  /** The column of a share's dimension ({@code channel} of {@code channel=UPI}). */
  static String column(MetricValue v) {
    int eq = v.dimension().indexOf('=');
    return eq < 0 ? v.dimension() : v.dimension().substring(0, eq);
  }

  static boolean isCount(String metric) {
    return metric.equals("row_count") || metric.equals("distinct_keys");
  }

  static boolean isRatio(String metric) {
    return metric.endsWith("_rate") || metric.endsWith("_ratio") || metric.equals("share");
  }

  /** The date's weekday as people write it ("Tuesday"). */
  static String weekday(LocalDate d) {
    String name = d.getDayOfWeek().name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  static String number(double v) {
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format("%,.0f", v);
    }
    return String.format("%.4f", v);
  }
}
