package dev.lakehouse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The benchmark's measurements, medians, ratios and targets, as JSON and as a markdown table. */
final class BenchReport {
  static final String README_START = "<!-- bench:start -->";
  static final String README_END = "<!-- bench:end -->";

  private final int repeats;
  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final Map<String, Series> ingest = new LinkedHashMap<>();
  private long ingestMessages;
  private final Map<Integer, List<Double>> silverPruned = new TreeMap<>();
  private final Map<Integer, List<Double>> silverUnpruned = new TreeMap<>();
  private final Map<Integer, Long> silverHistoryRows = new TreeMap<>();
  private final Map<String, List<Double>> export = new LinkedHashMap<>();
  private long exportRows;
  private int exportTables;
  private long exportPeak;
  private final Map<Integer, Series> demo = new TreeMap<>();

  /** Repeated measurements of one thing. */
  static final class Series {
    final List<Double> seconds = new ArrayList<>();
    final List<Double> cpu = new ArrayList<>();
    final List<Long> peak = new ArrayList<>();
  }

  BenchReport(int repeats) {
    this.repeats = repeats;
  }

  void machine(String vm) {
    machine.put("date", LocalDate.now(ZoneOffset.UTC).toString());
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory_gib", Math.round(totalMemory() / (1024.0 * 1024 * 1024) * 10) / 10.0);
    machine.put(
        "java",
        System.getProperty("java.vendor")
            + " "
            + System.getProperty("java.version")
            + " ("
            + vm
            + ")");
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put("commit", commit());
  }

  void parameter(String key, Object value) {
    parameters.put(key, value);
  }

  void ingest(String variant, double seconds, double cpu, long messages, long peak) {
    Series s = ingest.computeIfAbsent(variant, k -> new Series());
    s.seconds.add(seconds);
    s.cpu.add(cpu);
    s.peak.add(peak);
    ingestMessages = messages;
  }

  void silver(int days, List<Double> pruned, List<Double> unpruned, long historyRows) {
    silverPruned.put(days, pruned);
    silverUnpruned.put(days, unpruned);
    silverHistoryRows.put(days, historyRows);
  }

  void export(long rows, int tables, Map<String, List<Double>> seconds, long peak) {
    exportRows = rows;
    exportTables = tables;
    export.putAll(seconds);
    exportPeak = peak;
  }

  void demo(int scale, double seconds, long peak) {
    Series s = demo.computeIfAbsent(scale, k -> new Series());
    s.seconds.add(seconds);
    s.peak.add(peak);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n == 0
        ? Double.NaN
        : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private double ingestRate(String variant) {
    return ingest.containsKey(variant)
        ? ingestMessages / median(ingest.get(variant).seconds)
        : Double.NaN;
  }

  private double exportRate(String variant) {
    return export.containsKey(variant) ? exportRows / median(export.get(variant)) : Double.NaN;
  }

  /** Each target: what was measured and whether it is met. */
  List<Map<String, Object>> targets() {
    List<Map<String, Object>> t = new ArrayList<>();
    if (!ingest.isEmpty()) {
      double ratio = ingestRate("bronze") / ingestRate("spark-parquet");
      t.add(
          target(
              "bronze >= 0.8x the Spark-to-Parquet baseline (messages/s)",
              String.format("%.2fx", ratio),
              ratio >= 0.8));
      double rate = ingestRate("bronze");
      t.add(
          target(
              "bronze >= 100,000 messages/s on this machine",
              String.format("%,.0f msg/s", rate),
              rate >= 100_000));
    }
    if (silverPruned.containsKey(10) && silverPruned.containsKey(100)) {
      double pruned = median(silverPruned.get(100)) / median(silverPruned.get(10));
      double unpruned = median(silverUnpruned.get(100)) / median(silverUnpruned.get(10));
      t.add(
          target(
              "silver: 100-day time <= 1.3x the 10-day time",
              String.format("%.2fx", pruned),
              pruned <= 1.3));
      t.add(
          target(
              "unpruned MERGE baseline grows with history (100-day / 10-day)",
              String.format("%.2fx", unpruned),
              unpruned > pruned));
    }
    if (!export.isEmpty()) {
      double copy = exportRate("ours") / exportRate("copy");
      double jdbc = exportRate("ours") / exportRate("jdbc_default");
      t.add(
          target("export >= 0.7x the plain COPY rate", String.format("%.2fx", copy), copy >= 0.7));
      t.add(
          target(
              "export >= 3x Spark's default JDBC writer", String.format("%.2fx", jdbc), jdbc >= 3));
    }
    if (demo.containsKey(1)) {
      double s = median(demo.get(1).seconds);
      long peak = max(demo.get(1).peak);
      t.add(target("demo at default size under 3 minutes", String.format("%.0f s", s), s < 180));
      t.add(
          target(
              "demo at default size under 4 GB peak memory",
              gb(peak),
              peak < 4L * 1024 * 1024 * 1024));
    }
    return t;
  }

  private static Map<String, Object> target(String name, String measured, boolean met) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", name);
    m.put("measured", measured);
    m.put("met", met);
    return m;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("machine", machine);
    m.put("parameters", parameters);
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("messages", ingestMessages);
    ingest.forEach(
        (v, s) -> {
          Map<String, Object> x = new LinkedHashMap<>();
          x.put("seconds", s.seconds);
          x.put("cpu_seconds", s.cpu);
          x.put("peak_rss_bytes", s.peak);
          x.put("median_messages_per_second", Math.round(ingestRate(v)));
          x.put("median_cpu_seconds_per_million", round(median(s.cpu) / ingestMessages * 1e6));
          in.put(v, x);
        });
    m.put("ingest", in);
    Map<String, Object> sv = new LinkedHashMap<>();
    silverPruned.forEach(
        (days, pruned) ->
            sv.put(
                days + "_days",
                Map.of(
                    "pruned_seconds",
                    pruned,
                    "unpruned_seconds",
                    silverUnpruned.get(days),
                    "history_transactions",
                    silverHistoryRows.get(days))));
    m.put("silver", sv);
    Map<String, Object> ex = new LinkedHashMap<>();
    ex.put("rows", exportRows);
    ex.put("tables", exportTables);
    ex.put("peak_rss_bytes", exportPeak);
    export.forEach(
        (v, s) ->
            ex.put(v, Map.of("seconds", s, "median_rows_per_second", Math.round(exportRate(v)))));
    m.put("export", ex);
    Map<String, Object> dm = new LinkedHashMap<>();
    demo.forEach(
        (k, s) ->
            dm.put(
                k + "x",
                Map.of("events", 200_000L * k, "seconds", s.seconds, "peak_rss_bytes", s.peak)));
    m.put("demo", dm);
    m.put("targets", targets());
    return m;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Measured %s on %s cores, %s GiB, %s, %s; commit %s. Medians of %d runs, each"
                + " measurement in its own JVM (-Xmx4g); ratios are between figures of the same"
                + " run.%n%n",
            machine.get("date"),
            machine.get("cores"),
            machine.get("memory_gib"),
            machine.get("java"),
            machine.get("os"),
            machine.get("commit"),
            repeats));
    if (!ingest.isEmpty()) {
      md.append(
          String.format(
              "**Ingest** (%,d messages from an in-JVM broker: %,d transactions over 30 days plus"
                  + " reference data; the broker runs in the coordinating JVM):%n%n",
              ingestMessages, (Long) parameters.get("events")));
      md.append(
          "| variant | messages/s | CPU s per 1M messages | peak RSS | runs (s) |\n"
              + "|---|---:|---:|---:|---|\n");
      String[][] names = {
        {"kafka-consumer", "plain KafkaConsumer + JSON parse (the limit)"},
        {"spark-parquet", "Spark Structured Streaming -> Parquet by date (baseline)"},
        {"bronze", "our bronze (Iceberg, contract, dead letters, ledger, exactly-once)"}
      };
      for (String[] n : names) {
        Series s = ingest.get(n[0]);
        if (s != null) {
          md.append(
              String.format(
                  "| %s | %,.0f | %.1f | %s | %s |%n",
                  n[1],
                  ingestRate(n[0]),
                  median(s.cpu) / ingestMessages * 1e6,
                  gb(max(s.peak)),
                  list(s.seconds)));
        }
      }
      md.append(
          String.format(
              "%nbronze / Parquet baseline: %.2fx; bronze / limit: %.2fx.%n%n",
              ingestRate("bronze") / ingestRate("spark-parquet"),
              ingestRate("bronze") / ingestRate("kafka-consumer")));
    }
    if (!silverPruned.isEmpty()) {
      md.append(
          String.format(
              "**Silver** (daily run for one date, %,d transactions a day, 4-day window; history"
                  + " built by a backfill):%n%n",
              (Integer) parameters.get("per_day")));
      md.append(
          "| history | silver rows before | with the literal window predicate (s) | unpruned MERGE"
              + " baseline (s) |\n"
              + "|---|---:|---:|---:|\n");
      silverPruned.forEach(
          (days, pruned) ->
              md.append(
                  String.format(
                      "| %d days | %,d | %.1f (%s) | %.1f (%s) |%n",
                      days,
                      silverHistoryRows.get(days),
                      median(pruned),
                      list(pruned),
                      median(silverUnpruned.get(days)),
                      list(silverUnpruned.get(days)))));
      if (silverPruned.containsKey(10) && silverPruned.containsKey(100)) {
        md.append(
            String.format(
                "| 100 / 10 | | %.2fx | %.2fx |%n",
                median(silverPruned.get(100)) / median(silverPruned.get(10)),
                median(silverUnpruned.get(100)) / median(silverUnpruned.get(10))));
      }
      md.append('\n');
    }
    if (!export.isEmpty()) {
      md.append(
          String.format(
              "**Export** (%,d rows in %d tables: the gold marts and dimensions of the 100-day data"
                  + " set, to an embedded PostgreSQL 17):%n%n",
              exportRows, exportTables));
      md.append("| variant | rows/s | runs (s) |\n|---|---:|---|\n");
      String[][] names = {
        {"copy", "plain COPY from one connection, CSV prepared in memory (the limit)"},
        {"jdbc_default", "Spark JDBC writer, defaults"},
        {"jdbc_tuned", "Spark JDBC writer, batchsize 10000 + reWriteBatchedInserts"},
        {"ours", "our export (parallel COPY to staging, indexes, one-transaction swap, manifest)"}
      };
      for (String[] n : names) {
        if (export.containsKey(n[0])) {
          md.append(
              String.format(
                  "| %s | %,.0f | %s |%n", n[1], exportRate(n[0]), list(export.get(n[0]))));
        }
      }
      md.append(
          String.format(
              "%nours / COPY: %.2fx; ours / Spark JDBC default: %.2fx; ours / tuned: %.2fx.%n%n",
              exportRate("ours") / exportRate("copy"),
              exportRate("ours") / exportRate("jdbc_default"),
              exportRate("ours") / exportRate("jdbc_tuned")));
    }
    if (!demo.isEmpty()) {
      md.append(
          "**End to end** (`lakehouse demo`, 120 days):\n\n"
              + "| size | events | wall (median) | peak RSS (max) | runs (s) |\n"
              + "|---|---:|---:|---:|---|\n");
      demo.forEach(
          (k, s) ->
              md.append(
                  String.format(
                      "| %dx | %,d | %.0f s | %s | %s |%n",
                      k, 200_000L * k, median(s.seconds), gb(max(s.peak)), list(s.seconds))));
      md.append('\n');
    }
    md.append("**Targets**\n\n| target | measured | met |\n|---|---|---|\n");
    for (Map<String, Object> t : targets()) {
      md.append(
          String.format(
              "| %s | %s | %s |%n",
              t.get("target"), t.get("measured"), (Boolean) t.get("met") ? "yes" : "**no**"));
    }
    return md.toString();
  }

  /**
   * Replaces the text between the bench markers of a document (docs/benchmark.md) with the table.
   */
  void intoReadme(Path readme, String markdown) throws IOException {
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf(README_START);
    int end = text.indexOf(README_END);
    if (start < 0 || end < start) {
      return;
    }
    Files.writeString(
        readme,
        text.substring(0, start + README_START.length()) + "\n" + markdown + text.substring(end),
        StandardCharsets.UTF_8);
  }

  static String gb(long bytes) {
    return bytes <= 0 ? "n/a" : String.format("%.1f GB", bytes / (1024.0 * 1024 * 1024));
  }

  static String list(List<Double> values) {
    List<String> parts = new ArrayList<>();
    values.forEach(v -> parts.add(String.format("%.1f", v)));
    return String.join(", ", parts);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static long totalMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private static String commit() {
    try {
      Process p =
          new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
              .directory(Path.of(System.getProperty("lakehouse.home", ".")).toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
