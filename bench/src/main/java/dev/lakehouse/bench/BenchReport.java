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
  static final String TARGETS_START = "<!-- bench-targets:start -->";
  static final String TARGETS_END = "<!-- bench-targets:end -->";

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
  private final List<Double> backfill = new ArrayList<>();
  private final List<Double> daily = new ArrayList<>();
  private final List<Double> floor = new ArrayList<>();
  private long windowRows;
  private final Map<String, List<Double>> exportLarge = new LinkedHashMap<>();
  private long exportLargeRows;
  private List<String> exportLargePublished = List.of();

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

  /** One lake's backfill of every date but the last, its daily runs and their floor. */
  void daily(
      double backfillSeconds, List<Double> dailySeconds, List<Double> floorSeconds, long rows) {
    backfill.add(backfillSeconds);
    daily.addAll(dailySeconds);
    floor.addAll(floorSeconds);
    windowRows = rows;
  }

  void exportLarge(long rows, Map<String, List<Double>> seconds, List<String> published) {
    exportLargeRows = rows;
    exportLarge.putAll(seconds);
    exportLargePublished = List.copyOf(published);
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

  /** Each target (issue 18's table): what was measured and whether it is met. */
  List<Map<String, Object>> targets() {
    List<Map<String, Object>> t = new ArrayList<>();
    if (ingest.containsKey("bronze") && ingest.containsKey("spark-parquet")) {
      double ratio = ingestRate("bronze") / ingestRate("spark-parquet");
      t.add(
          target(
              "bronze messages/s >= 1.5x the Spark-to-Parquet baseline",
              String.format("%.2fx", ratio),
              ratio >= 1.5));
      double cpu = cpuPerMillion("bronze");
      t.add(
          target(
              "bronze CPU seconds per 1M messages <= 45", String.format("%.1f", cpu), cpu <= 45));
    }
    if (!daily.isEmpty()) {
      double ratio = median(daily) / median(floor);
      t.add(
          target(
              "daily silver + gold <= 4x the bare job over the same window",
              String.format("%.2fx", ratio),
              ratio <= 4));
      double backfillRatio = median(backfill) / median(daily);
      t.add(
          target(
              "backfill of 100 days in one run <= 8x one daily run",
              String.format("%.2fx", backfillRatio),
              backfillRatio <= 8));
    }
    if (export.containsKey("ours")) {
      double s = median(export.get("ours"));
      t.add(
          target(
              "export of the marts (" + exportTables + " tables) <= 1.0 s",
              String.format("%.2f s", s),
              s <= 1.0));
      double jdbc = exportRate("ours") / exportRate("jdbc_default");
      t.add(
          target(
              "export >= 1x Spark's default JDBC writer", String.format("%.2fx", jdbc), jdbc >= 1));
    }
    if (exportLarge.containsKey("ours")) {
      double ratio = median(exportLarge.get("copy")) / median(exportLarge.get("ours"));
      t.add(
          target(
              "export of a 1,000,000-row mart >= 0.5x plain COPY",
              String.format("%.2fx", ratio),
              ratio >= 0.5));
    }
    if (demo.containsKey(1)) {
      double s = median(demo.get(1).seconds);
      long peak = max(demo.get(1).peak);
      t.add(target("demo at default size <= 90 s wall", String.format("%.0f s", s), s <= 90));
      t.add(
          target(
              "demo at default size <= 3 GB peak RSS", gb(peak), peak <= 3L * 1024 * 1024 * 1024));
    }
    return t;
  }

  /**
   * Bronze's CPU seconds per million messages split by difference between the variants: fetch,
   * parse, Spark and encoding, bronze's own work.
   */
  double[] cpuBreakdown() {
    double fetch = cpuPerMillion("kafka-fetch");
    double consumer = cpuPerMillion("kafka-consumer");
    double parquet = cpuPerMillion("spark-parquet");
    double bronze = cpuPerMillion("bronze");
    return new double[] {fetch, consumer - fetch, parquet - consumer, bronze - parquet};
  }

  private double cpuPerMillion(String variant) {
    return ingest.containsKey(variant)
        ? median(ingest.get(variant).cpu) / ingestMessages * 1e6
        : Double.NaN;
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
    if (!daily.isEmpty()) {
      Map<String, Object> dl = new LinkedHashMap<>();
      dl.put("backfill_days", BenchCommand.DAILY_DAYS - 1);
      dl.put("backfill_seconds", backfill);
      dl.put("daily_seconds", daily);
      dl.put("floor_seconds", floor);
      dl.put("window_rows", windowRows);
      m.put("daily", dl);
    }
    if (!exportLarge.isEmpty()) {
      Map<String, Object> el = new LinkedHashMap<>();
      el.put("rows", exportLargeRows);
      el.put("published", exportLargePublished);
      exportLarge.forEach((v, s) -> el.put(v, Map.of("seconds", s)));
      m.put("export_large", el);
    }
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
        {"kafka-fetch", "plain KafkaConsumer, fetching only"},
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
      if (ingest.containsKey("kafka-fetch")) {
        double[] b = cpuBreakdown();
        md.append(
            String.format(
                "Bronze's CPU seconds per 1M messages, by difference between the variants: Kafka"
                    + " fetch %.1f (plain consumer), JSON parse %.1f (consumer with parse minus"
                    + " fetch), Spark's task overhead, row conversion and Parquet encoding %.1f"
                    + " (Spark-to-Parquet minus the consumer), bronze's own work (contract"
                    + " checks, dead letters, the cached batch, one Spark job and Iceberg commit"
                    + " per table, the ledger) %.1f (bronze minus Spark-to-Parquet); total"
                    + " %.1f.%n%n",
                b[0], b[1], b[2], b[3], b[0] + b[1] + b[2] + b[3]));
      }
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
    if (!daily.isEmpty()) {
      md.append(
          String.format(
              "**Daily run and backfill** (%d days at %,d transactions a day; one JVM per lake,"
                  + " warm, start-up excluded):%n%n",
              BenchCommand.DAILY_DAYS, (Integer) parameters.get("per_day")));
      md.append("| what | median (s) | runs (s) |\n|---|---:|---|\n");
      md.append(
          String.format(
              "| the bare job: read the daily window of bronze (%,d rows), write it to an"
                  + " Iceberg table | %.1f | %s |%n",
              windowRows, median(floor), list(floor)));
      md.append(
          String.format(
              "| the daily run: silver then gold for the last day (lookback window) | %.1f | %s"
                  + " |%n",
              median(daily), list(daily)));
      md.append(
          String.format(
              "| the backfill: silver then gold for the %d days before it, each one run | %.1f |"
                  + " %s |%n",
              BenchCommand.DAILY_DAYS - 1, median(backfill), list(backfill)));
      md.append(
          String.format(
              "%ndaily / bare job: %.2fx; backfill of %d days / daily run: %.2fx (%.2f s per"
                  + " day).%n%n",
              median(daily) / median(floor),
              BenchCommand.DAILY_DAYS - 1,
              median(backfill) / median(daily),
              median(backfill) / (BenchCommand.DAILY_DAYS - 1)));
    }
    if (!export.isEmpty()) {
      md.append(
          String.format(
              "**Export** (%,d rows in %d tables: the gold marts and dimensions of the daily"
                  + " section's lake, to an embedded PostgreSQL 17):%n%n",
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
    if (!exportLarge.isEmpty()) {
      md.append(
          String.format(
              "**One large mart** (%,d rows of fct_transactions; ours also republished %s):%n%n",
              exportLargeRows,
              exportLargePublished.stream()
                  .filter(t -> !t.equals("fct_transactions"))
                  .findAny()
                  .map(t -> String.join(", ", exportLargePublished))
                  .orElse("nothing else")));
      md.append("| variant | rows/s | runs (s) |\n|---|---:|---|\n");
      md.append(
          String.format(
              "| plain COPY from one connection, CSV prepared in memory | %,.0f | %s |%n",
              exportLargeRows / median(exportLarge.get("copy")), list(exportLarge.get("copy"))));
      md.append(
          String.format(
              "| our export (checksum, parallel COPY, count check, key and indexes, publish) |"
                  + " %,.0f | %s |%n%n",
              exportLargeRows / median(exportLarge.get("ours")), list(exportLarge.get("ours"))));
    }
    if (!demo.isEmpty()) {
      md.append(
          "**End to end** (`lakehouse demo`, 120 days, with the trading history, observe and"
              + " the export):\n\n"
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
    md.append("**Targets**\n\n").append(targetsTable());
    return md.toString();
  }

  /** The targets, measured and met, as a Markdown table. */
  String targetsTable() {
    StringBuilder md = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
    for (Map<String, Object> t : targets()) {
      md.append(
          String.format(
              "| %s | %s | %s |%n",
              t.get("target"), t.get("measured"), (Boolean) t.get("met") ? "yes" : "**no**"));
    }
    return md.toString();
  }

  /** The README's summary: when and at which commit, then the targets table. */
  String readmeSummary() {
    return String.format(
            "Measured %s at commit %s (medians of %d runs; the full tables, profiles and what each"
                + " missed target would need: [docs/benchmark.md](docs/benchmark.md)):%n%n",
            machine.get("date"), machine.get("commit"), repeats)
        + targetsTable();
  }

  /**
   * Replaces the text between the bench markers of a document (docs/benchmark.md) with the table.
   */
  void intoReadme(Path readme, String markdown) throws IOException {
    between(readme, README_START, README_END, markdown);
  }

  /** Replaces the text between {@code startMarker} and {@code endMarker} of a document, if any. */
  static void between(Path document, String startMarker, String endMarker, String markdown)
      throws IOException {
    String text = Files.readString(document, StandardCharsets.UTF_8);
    int start = text.indexOf(startMarker);
    int end = text.indexOf(endMarker);
    if (start < 0 || end < start) {
      return;
    }
    Files.writeString(
        document,
        text.substring(0, start + startMarker.length()) + "\n" + markdown + text.substring(end),
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
