package dev.lakehouse.ops.anomaly;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The population stability index of two distributions over the same categories: {@code sum((a - e)
 * * ln(a / e))}, each share floored at {@link #FLOOR} so that a category absent on one side weighs
 * a lot instead of infinitely. 0 for equal shares; 0.1 is a customary limit for "moved", 0.25 for
 * "moved a lot".
 */
public final class Psi {
  static final double FLOOR = 1e-4;

  private Psi() {}

  public static double of(Map<String, Double> expected, Map<String, Double> actual) {
    TreeSet<String> categories = new TreeSet<>(expected.keySet());
    categories.addAll(actual.keySet());
    double psi = 0;
    for (String c : categories) {
      double e = Math.max(FLOOR, expected.getOrDefault(c, 0.0));
      double a = Math.max(FLOOR, actual.getOrDefault(c, 0.0));
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** The categories whose share moved most, as {@code APP 0.45 -> 0.12}. */
  static String largestMoves(Map<String, Double> expected, Map<String, Double> actual, int n) {
    TreeSet<String> categories = new TreeSet<>(expected.keySet());
    categories.addAll(actual.keySet());
    return categories.stream()
        .sorted(
            Comparator.comparingDouble(
                    (String c) ->
                        -Math.abs(actual.getOrDefault(c, 0.0) - expected.getOrDefault(c, 0.0)))
                .thenComparing(c -> c))
        .limit(n)
        .map(
            c ->
                String.format(
                    "%s %.3f -> %.3f",
                    c, expected.getOrDefault(c, 0.0), actual.getOrDefault(c, 0.0)))
        .collect(Collectors.joining(", "));
  }
}
