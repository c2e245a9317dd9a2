package dev.lakehouse.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics in Prometheus' text exposition format (version 0.0.4): a {@code # HELP} and {@code #
 * TYPE} line per metric family, then its samples, label values escaped. Names follow Prometheus'
 * conventions: the unit in the name ({@code _seconds}, {@code _messages}), {@code _total} for
 * counters.
 */
public final class PrometheusText {
  /** The content type a server answers with. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * Each family's lines, header first: a family's samples stay together, as the format requires.
   */
  private final Map<String, StringBuilder> families = new LinkedHashMap<>();

  /** Declares a family once; {@code type} is gauge or counter. */
  public PrometheusText family(String name, String type, String help) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("Not a Prometheus metric name: " + name);
    }
    if (type.equals("counter") && !name.endsWith("_total")) {
      throw new IllegalArgumentException("A counter's name ends with _total: " + name);
    }
    if (!families.containsKey(name)) {
      StringBuilder out = new StringBuilder();
      families.put(name, out);
      out.append("# HELP ")
          .append(name)
          .append(' ')
          .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
          .append('\n');
      out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
    return this;
  }

  /** One sample of a declared family; labels as name, value, name, value ... */
  public PrometheusText sample(String name, double value, String... labels) {
    StringBuilder out = families.get(name);
    if (out == null) {
      throw new IllegalStateException("Declare " + name + " before its samples.");
    }
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** A whole family of one sample per entry of {@code values}, labelled by {@code label}. */
  public PrometheusText gauges(
      String name, String help, String label, Map<String, ? extends Number> values) {
    family(name, "gauge", help);
    values.forEach((k, v) -> sample(name, v.doubleValue(), label, k));
    return this;
  }

  static String escape(String value) {
    return String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return java.math.BigDecimal.valueOf(v).toPlainString();
  }

  @Override
  public String toString() {
    StringBuilder all = new StringBuilder();
    families.values().forEach(all::append);
    return all.toString();
  }

  /** The names declared so far, in order. */
  public List<String> families() {
    return List.copyOf(families.keySet());
  }
}
