package dev.lakehouse.ops.anomaly;

import java.time.LocalDate;

/**
 * One value of a table's metric on one partition date: {@code metric} names what was measured
 * ({@code row_count}, {@code null_rate}, {@code share} ...), {@code dimension} the column it was
 * measured on ({@code device_id}), or the column and value of a share ({@code channel=UPI}); empty
 * for a table-wide metric.
 */
public record MetricValue(
    String table, LocalDate date, String metric, String dimension, double value) {

  /** The series this value belongs to. */
  public Series series() {
    return new Series(table, metric, dimension);
  }

  /** One metric of one table, over the partition dates. */
  public record Series(String table, String metric, String dimension) {
    @Override
    public String toString() {
      return metric + (dimension.isEmpty() ? "" : "(" + dimension + ")") + " of " + table;
    }
  }
}
