package dev.lakehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakehouse.app.LakehouseCommand;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.services.EmbeddedKafka;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "The benchmark: ingest (plain KafkaConsumer fetching, and parsing: the limit;"
            + " Spark-to-Parquet: the baseline; our bronze), the daily silver and gold run against"
            + " a bare Spark job over the same window and a 100-day backfill against the daily run,"
            + " export (the marts against plain COPY and Spark's JDBC writer; one 1,000,000-row"
            + " mart against plain COPY) and the demo, each measured in its own JVM, repeated,"
            + " with medians, ratios and peak memory. Writes results.json and results.md to --out"
            + " and the table into docs/benchmark.md. Works in <data-dir>/bench, which it empties"
            + " first.")
final class BenchCommand extends LakehouseCommand {
  static final Set<String> SECTIONS = Set.of("ingest", "daily", "silver", "export", "demo");
  static final List<String> DEFAULT_SECTIONS = List.of("ingest", "daily", "export", "demo");

  /** The daily probe's history: 100 days backfilled, then the daily run of the 101st. */
  static final int DAILY_DAYS = 101;

  /** Rows of the large mart the export section publishes. */
  static final long LARGE_MART_ROWS = 1_000_000;

  static final LocalDate END = LocalDate.of(2026, 10, 31);

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "400000",
      description = "Transactions for the ingest measurements (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--per-day",
      paramLabel = "N",
      defaultValue = "3000",
      description = "Transactions per day of the silver history (default: ${DEFAULT-VALUE}).")
  int perDay;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      defaultValue = "3",
      description = "Timed repetitions of each measurement (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--demo-scales",
      paramLabel = "K",
      split = ",",
      defaultValue = "1",
      description = "Demo sizes as multiples of its default (default: ${DEFAULT-VALUE}).")
  List<Integer> demoScales;

  @Option(
      names = "--only",
      paramLabel = "SECTION",
      split = ",",
      description =
          "Run only these sections: ingest, daily, export, demo, and silver (the MERGE with and"
              + " without its window predicate over 10 and 100 days of history; not run by"
              + " default). Default: ingest, daily, export, demo.")
  List<String> only;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where results.json and results.md go (default: bench/results).")
  Path outDir;

  @Option(
      names = {"--no-docs", "--no-readme"},
      description =
          "Do not write the results table into docs/benchmark.md nor the targets into README.md.")
  boolean noReadme;

  @Option(
      names = "--spark-profile",
      description =
          "Then run the daily probe and the demo once more, unmeasured, with Spark's event log"
              + " on, and write where their time goes (bench/profile) to profile-daily.txt and"
              + " profile-demo.txt in --out.")
  boolean profile;

  /** JVM options added to the probes' (the event log of a profiled run). */
  private List<String> probeJvmOptions = List.of();

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private PrintWriter progress;
  private Path work;

  @Override
  protected void validate(LakehouseConfig config) {
    if (repeats < 1) {
      throw new ConfigException(
          "--repeats must be at least 1 (3 or more for medians that mean something).");
    }
    if (events < 10_000) {
      throw new ConfigException("--events must be at least 10000.");
    }
    if (perDay < 100) {
      throw new ConfigException("--per-day must be at least 100.");
    }
    for (String s : sections()) {
      if (!SECTIONS.contains(s)) {
        throw new ConfigException(
            "Unknown section '"
                + s
                + "' in --only; the sections are ingest, daily, export, demo, silver.");
      }
    }
    if (demoScales.stream().anyMatch(k -> k < 1)) {
      throw new ConfigException("--demo-scales must be positive multiples.");
    }
  }

  private Set<String> sections() {
    return only == null ? new LinkedHashSet<>(DEFAULT_SECTIONS) : new LinkedHashSet<>(only);
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) throws Exception {
    progress = out;
    long started = System.nanoTime();
    work = config.dataDir().resolve("bench");
    deleteRecursively(work);
    Files.createDirectories(work);
    Path home = Path.of(System.getProperty("lakehouse.home", "."));
    Path results = outDir != null ? outDir : home.resolve("bench/results");

    BenchReport report = new BenchReport(repeats);
    report.machine(ManagementFactory.getRuntimeMXBean().getVmVersion());
    report.parameter("events", events);
    report.parameter("per_day", perDay);
    report.parameter("repeats", repeats);
    Set<String> sections = sections();
    if (sections.contains("ingest")) {
      ingest(report);
    }
    if (sections.contains("silver")) {
      silver(report);
    }
    Path lake = null;
    if (sections.contains("daily") || sections.contains("export")) {
      lake = daily(report, sections.contains("daily") ? repeats : 1);
    }
    if (sections.contains("export")) {
      export(report, lake);
    }
    if (sections.contains("demo")) {
      demo(report);
    }
    if (profile) {
      Files.createDirectories(results);
      Path dir = work.resolve("profile-daily");
      List<String> daily = new ArrayList<>(List.of(BenchProbe.class.getName()));
      daily.add("daily");
      daily.addAll(dailyArguments(dir));
      profiled("daily", daily, true, home, results);
      deleteRecursively(dir);
      dir = work.resolve("profile-demo");
      profiled(
          "demo",
          List.of("dev.lakehouse.app.Lakehouse", "--data-dir", dir.toString(), "--json", "demo"),
          false,
          home,
          results);
      deleteRecursively(dir);
    }
    report.parameter("total_minutes", Math.round((System.nanoTime() - started) / 6e9) / 10.0);
    Files.createDirectories(results);
    Files.writeString(results.resolve("results.json"), json.writeValueAsString(report.toMap()));
    String markdown = report.markdown();
    Files.writeString(results.resolve("results.md"), markdown);
    Path readme = home.resolve("docs").resolve("benchmark.md");
    if (!noReadme && Files.isRegularFile(readme)) {
      report.intoReadme(readme, markdown);
    }
    Path projectReadme = home.resolve("README.md");
    if (!noReadme && Files.isRegularFile(projectReadme)) {
      BenchReport.between(
          projectReadme,
          BenchReport.TARGETS_START,
          BenchReport.TARGETS_END,
          report.readmeSummary());
    }
    out.println();
    out.println(markdown);
    out.printf(
        "Results: %s and %s (%.1f minutes).%n",
        results.resolve("results.json"),
        results.resolve("results.md"),
        (System.nanoTime() - started) / 6e10);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("results", results.resolve("results.json").toString());
    summary.put("targets", report.targets());
    return summary;
  }

  /** One generated data set in an embedded broker, read three ways per repetition. */
  private void ingest(BenchReport report) throws Exception {
    Path kafkaDir = work.resolve("kafka");
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(kafkaDir, "localhost", EmbeddedKafka.freePort())) {
      LakehouseConfig config =
          LakehouseConfig.load(
              "local",
              Map.of(
                  "data-dir",
                  work.toString(),
                  "kafka.bootstrap-servers",
                  kafka.bootstrapServers()));
      EventGenerator generator =
          new EventGenerator(GeneratorOptions.from(config, events, 30, 42L, END));
      long messages = generator.plan().totalMessages();
      KafkaTopics.ensureTopics(kafka.bootstrapServers(), 3);
      step(
          "ingest: producing %,d messages (%,d transactions over 30 days, seed 42)",
          messages, events);
      try (EventProducer producer = new EventProducer(kafka.bootstrapServers())) {
        producer.sendAll(generator.messages(), n -> {});
      }
      for (int i = 1; i <= repeats; i++) {
        for (String variant :
            new String[] {"kafka-fetch", "kafka-consumer", "spark-parquet", "bronze"}) {
          Path dir = work.resolve("ingest-" + variant + "-" + i);
          Probe r = probe(variant, "dir=" + dir, "bootstrap=" + kafka.bootstrapServers());
          long n = r.result.get("events").asLong();
          if (n != messages) {
            throw new IllegalStateException(
                variant + " read " + n + " messages, expected " + messages);
          }
          report.ingest(
              variant,
              r.result.get("seconds").asDouble(),
              r.result.get("cpu_seconds").asDouble(),
              n,
              r.peakRss);
          step(
              "ingest %d/%d %-15s %,d messages in %.1f s (%,.0f msg/s, %.1f CPU s), peak RSS %s",
              i,
              repeats,
              variant,
              n,
              r.result.get("seconds").asDouble(),
              n / r.result.get("seconds").asDouble(),
              r.result.get("cpu_seconds").asDouble(),
              BenchReport.gb(r.peakRss));
          deleteRecursively(dir);
        }
      }
    }
    deleteRecursively(kafkaDir);
  }

  /** The silver MERGE with and without its window predicate, over 10 and 100 days of history. */
  private void silver(BenchReport report) throws Exception {
    for (int days : new int[] {10, 100}) {
      Path dir = work.resolve("silver-" + days);
      step(
          "silver: building %d days of history at %,d transactions a day, then timing the last"
              + " day's run",
          days, perDay);
      Probe r =
          probe(
              "silver",
              "dir=" + dir,
              "bootstrap=localhost:" + EmbeddedKafka.freePort(),
              "days=" + days,
              "per-day=" + perDay,
              "repeats=" + repeats,
              "end=" + END);
      report.silver(
          days,
          doubles(r.result.get("pruned_seconds")),
          doubles(r.result.get("unpruned_seconds")),
          r.result.get("silver_transactions_before").asLong());
      step(
          "silver %3d days: pruned %s s, unpruned %s s (history %,d transactions)",
          days,
          BenchReport.list(doubles(r.result.get("pruned_seconds"))),
          BenchReport.list(doubles(r.result.get("unpruned_seconds"))),
          r.result.get("silver_transactions_before").asLong());
      deleteRecursively(dir);
    }
  }

  /**
   * {@code runs} lakes of {@value #DAILY_DAYS} days, each in its own JVM: the backfill of all but
   * the last day, then the last day's daily run and its floor. Returns the last lake, which the
   * export section uses.
   */
  private Path daily(BenchReport report, int runs) throws Exception {
    Path dir = null;
    for (int i = 1; i <= runs; i++) {
      if (dir != null) {
        deleteRecursively(dir);
      }
      dir = work.resolve("daily-" + i);
      step(
          "daily %d/%d: %d days at %,d transactions a day into bronze; backfill of %d days, then"
              + " the last day's daily run and the bare job",
          i, runs, DAILY_DAYS, perDay, DAILY_DAYS - 1);
      Probe r = probe("daily", dailyArguments(dir).toArray(String[]::new));
      double backfill = r.result.get("backfill_seconds").asDouble();
      List<Double> dailySeconds = doubles(r.result.get("daily_seconds"));
      List<Double> floorSeconds = doubles(r.result.get("floor_seconds"));
      report.daily(backfill, dailySeconds, floorSeconds, r.result.get("window_rows").asLong());
      step(
          "daily %d/%d: backfill %.1f s; daily silver + gold %s s; bare job %s s (%,d rows in the"
              + " window)",
          i,
          runs,
          backfill,
          BenchReport.list(dailySeconds),
          BenchReport.list(floorSeconds),
          r.result.get("window_rows").asLong());
    }
    return dir;
  }

  /** The daily probe's arguments for a lake in {@code dir}: one timed daily run. */
  private List<String> dailyArguments(Path dir) {
    return List.of(
        "dir=" + dir,
        "bootstrap=localhost:" + EmbeddedKafka.freePort(),
        "days=" + DAILY_DAYS,
        "per-day=" + perDay,
        "repeats=1",
        "end=" + END);
  }

  private void export(BenchReport report, Path lake) throws Exception {
    step("export: the marts of the %d-day lake, four ways to PostgreSQL", DAILY_DAYS);
    Probe r =
        probe("export", "dir=" + lake, "days=" + DAILY_DAYS, "repeats=" + repeats, "end=" + END);
    long rows = r.result.get("rows").asLong();
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    r.result
        .get("seconds")
        .fields()
        .forEachRemaining(e -> seconds.put(e.getKey(), doubles(e.getValue())));
    report.export(rows, r.result.get("tables").asInt(), seconds, r.peakRss);
    seconds.forEach((v, s) -> step("export %-12s %,d rows: %s s", v, rows, BenchReport.list(s)));
    step("export: one mart of %,d rows, ours and plain COPY", LARGE_MART_ROWS);
    Probe large =
        probe("export-large", "dir=" + lake, "rows=" + LARGE_MART_ROWS, "repeats=" + repeats);
    Map<String, List<Double>> largeSeconds = new LinkedHashMap<>();
    large
        .result
        .get("seconds")
        .fields()
        .forEachRemaining(e -> largeSeconds.put(e.getKey(), doubles(e.getValue())));
    List<String> published = new ArrayList<>();
    large.result.get("published").forEach(n -> published.add(n.asText()));
    report.exportLarge(large.result.get("rows").asLong(), largeSeconds, published);
    largeSeconds.forEach(
        (v, s) ->
            step(
                "export large %-6s %,d rows: %s s",
                v, large.result.get("rows").asLong(), BenchReport.list(s)));
    deleteRecursively(lake);
  }

  private void demo(BenchReport report) throws Exception {
    for (int scale : demoScales) {
      for (int i = 1; i <= repeats; i++) {
        Path dir = work.resolve("demo-" + scale + "x");
        long t0 = System.nanoTime();
        Probe r =
            run(
                List.of(
                    "dev.lakehouse.app.Lakehouse",
                    "--data-dir",
                    dir.toString(),
                    "--json",
                    "demo",
                    "--events",
                    Long.toString(200_000L * scale)),
                "demo-" + scale + "x-" + i,
                false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.demo(scale, seconds, r.peakRss);
        step(
            "demo %dx %d/%d: %.0f s wall, peak RSS %s",
            scale, i, repeats, seconds, BenchReport.gb(r.peakRss));
        deleteRecursively(dir);
      }
    }
  }

  /**
   * Runs a probe or command once with Spark's event log on, then writes bench/profile's summary of
   * that log to profile-NAME.txt in the results.
   */
  private void profiled(
      String name, List<String> mainAndArgs, boolean expectResult, Path home, Path results)
      throws Exception {
    Path logs = work.resolve("eventlogs").resolve(name);
    Files.createDirectories(logs);
    step("profile %s: one unmeasured run with Spark's event log in %s", name, logs);
    probeJvmOptions =
        List.of(
            "-Dspark.eventLog.enabled=true",
            "-Dspark.eventLog.compress=false",
            "-Dspark.eventLog.dir=" + logs.toUri());
    long t0 = System.nanoTime();
    try {
      run(mainAndArgs, "profile-" + name, expectResult);
    } finally {
      probeJvmOptions = List.of();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Process p =
        new ProcessBuilder("python3", home.resolve("bench/profile").toString(), logs.toString())
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("bench/profile failed on " + logs + ":\n" + text);
    }
    Files.writeString(
        results.resolve("profile-" + name + ".txt"),
        String.format(
                "Where the time of one %s run goes (%.0f s with the event log on), by the lakehouse"
                    + " code that started each Spark SQL execution; nested executions (a stream's"
                    + " batch and the writes inside it) count in both.%n%n",
                name.equals("demo") ? "`lakehouse demo`" : "daily-probe", seconds)
            + text);
    step("profile %s: %s", name, results.resolve("profile-" + name + ".txt"));
    deleteRecursively(logs);
  }

  private void step(String format, Object... args) {
    progress.printf("[bench] " + format + "%n", args);
    progress.flush();
  }

  private static List<Double> doubles(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asDouble()));
    return out;
  }

  /** What a probe printed and the peak resident memory of its JVM. */
  record Probe(JsonNode result, long peakRss) {}

  private Probe probe(String kind, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(BenchProbe.class.getName(), kind));
    command.addAll(List.of(args));
    return run(command, kind, true);
  }

  /**
   * Runs a class of this application in a new JVM (same classpath and JVM options) and watches its
   * memory.
   */
  private Probe run(List<String> mainAndArgs, String label, boolean expectResult) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("-Xmx")
          || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dlakehouse.home")) {
        command.add(arg);
      }
    }
    command.addAll(probeJvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    Path log = work.resolve("logs").resolve(label + "-" + System.nanoTime() + ".log");
    Files.createDirectories(log.getParent());
    Path stdout = Files.createTempFile(work, "stdout", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectError(log.toFile())
            .redirectOutput(stdout.toFile())
            .start();
    AtomicLong peak = new AtomicLong();
    File status = new File("/proc/" + p.pid() + "/status");
    while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
      peak.accumulateAndGet(vmHwm(status), Math::max);
    }
    String output = Files.readString(stdout, StandardCharsets.UTF_8);
    Files.delete(stdout);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          label
              + " failed with exit code "
              + p.exitValue()
              + "; its log is "
              + log
              + "\n"
              + tail(output));
    }
    JsonNode result = null;
    for (String line : output.split("\n")) {
      if (expectResult && line.startsWith(BenchProbe.RESULT_PREFIX)) {
        result = json.readTree(line.substring(BenchProbe.RESULT_PREFIX.length()));
      } else if (!expectResult && line.startsWith("{\"command\"")) {
        result = json.readTree(line);
      }
    }
    if (result == null) {
      throw new IllegalStateException(
          label + " printed no result; its log is " + log + "\n" + tail(output));
    }
    return new Probe(result, peak.get());
  }

  private static String tail(String s) {
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  /**
   * VmHWM: the peak resident set of a process so far, in bytes (0 when it is gone or not Linux).
   */
  static long vmHwm(File status) {
    try {
      for (String line : Files.readAllLines(status.toPath())) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
