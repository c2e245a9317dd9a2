package dev.lakehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's arithmetic and reporting (the measurements themselves run with bench/run, not
 * here).
 */
class BenchReportTest {
  @TempDir Path dir;

  @Test
  void mediansRatiosAndTargetsComeFromTheMeasurements() {
    assertThat(BenchReport.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(BenchReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);

    BenchReport r = new BenchReport(3);
    r.parameter("events", 1000L);
    r.parameter("per_day", 100);
    for (double s : new double[] {10, 11, 50}) { // one outlier: the median ignores it
      r.ingest("kafka-fetch", s / 20, 0.5, 1_000_000, 100);
      r.ingest("kafka-consumer", s / 10, 1, 1_000_000, 100);
      r.ingest("spark-parquet", s, 8, 1_000_000, 200);
      r.ingest("bronze", s * 1.2, 12, 1_000_000, 300);
    }
    r.daily(60, List.of(10.0), List.of(2.0), 5000);
    r.daily(70, List.of(11.0), List.of(3.0), 5000);
    r.daily(80, List.of(12.0), List.of(2.5), 5000);
    r.export(
        70_000,
        11,
        Map.of(
            "copy",
            List.of(1.0),
            "ours",
            List.of(2.0),
            "jdbc_default",
            List.of(10.0),
            "jdbc_tuned",
            List.of(5.0)),
        0);
    r.exportLarge(
        1_000_000,
        Map.of("copy", List.of(2.0), "ours", List.of(5.0)),
        List.of("fct_transactions", "health_runs"));
    r.demo(1, 150, 3L << 30);
    Map<String, Boolean> met = new java.util.LinkedHashMap<>();
    Map<String, String> measured = new java.util.LinkedHashMap<>();
    for (Map<String, Object> t : r.targets()) {
      met.put((String) t.get("target"), (Boolean) t.get("met"));
      measured.put((String) t.get("target"), (String) t.get("measured"));
    }
    // 11 s / 13.2 s: the medians of the Parquet baseline and of bronze.
    assertThat(measured.get("bronze messages/s >= 1.5x the Spark-to-Parquet baseline"))
        .isEqualTo("0.83x");
    assertThat(met.get("bronze messages/s >= 1.5x the Spark-to-Parquet baseline")).isFalse();
    assertThat(measured.get("bronze CPU seconds per 1M messages <= 45")).isEqualTo("12.0");
    assertThat(met.get("bronze CPU seconds per 1M messages <= 45")).isTrue();
    // Fetch 0.5, parse 1 - 0.5, Spark 8 - 1, bronze's own 12 - 8.
    assertThat(r.cpuBreakdown()).containsExactly(0.5, 0.5, 7.0, 4.0);
    // Medians 11 s (daily), 2.5 s (bare job), 70 s (backfill).
    assertThat(measured.get("daily silver + gold <= 4x the bare job over the same window"))
        .isEqualTo("4.40x");
    assertThat(met.get("daily silver + gold <= 4x the bare job over the same window")).isFalse();
    assertThat(measured.get("backfill of 100 days in one run <= 8x one daily run"))
        .isEqualTo("6.36x");
    assertThat(met.get("backfill of 100 days in one run <= 8x one daily run")).isTrue();
    assertThat(measured.get("export of the marts (11 tables) <= 1.0 s")).isEqualTo("2.00 s");
    assertThat(met.get("export of the marts (11 tables) <= 1.0 s")).isFalse();
    assertThat(measured.get("export >= 1x Spark's default JDBC writer")).isEqualTo("5.00x");
    assertThat(met.get("export >= 1x Spark's default JDBC writer")).isTrue();
    assertThat(measured.get("export of a 1,000,000-row mart >= 0.5x plain COPY"))
        .isEqualTo("0.40x");
    assertThat(met.get("export of a 1,000,000-row mart >= 0.5x plain COPY")).isFalse();
    assertThat(met.get("demo at default size <= 90 s wall")).isFalse();
    assertThat(met.get("demo at default size <= 3 GB peak RSS")).isTrue();

    String md = r.markdown();
    assertThat(md)
        .contains("| our bronze")
        .contains("daily / bare job: 4.40x; backfill of 100 days / daily run: 6.36x")
        .contains("ours also republished fct_transactions, health_runs")
        .contains("**no**");
    // The README's summary is the same targets table, after a line naming the run.
    assertThat(r.readmeSummary())
        .startsWith("Measured ")
        .contains("[docs/benchmark.md](docs/benchmark.md)")
        .contains("| export >= 1x Spark's default JDBC writer | 5.00x | yes |")
        .endsWith(r.targetsTable());
    assertThat(md).contains("**Targets**\n\n" + r.targetsTable());
  }

  @Test
  void theReadmeTableIsReplacedBetweenTheMarkersOnly() throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        "# Title\n\n"
            + BenchReport.README_START
            + "\nold table\n"
            + BenchReport.README_END
            + "\n\nafter\n");
    new BenchReport(3).intoReadme(readme, "new table\n");
    assertThat(Files.readString(readme))
        .isEqualTo(
            "# Title\n\n"
                + BenchReport.README_START
                + "\nnew table\n"
                + BenchReport.README_END
                + "\n\nafter\n");
  }

  @Test
  void theReadmeSummaryReplacesOnlyItsOwnMarkers() throws Exception {
    Path readme = dir.resolve("README.md");
    String other = BenchReport.README_START + "\nkept\n" + BenchReport.README_END + "\n";
    Files.writeString(
        readme,
        "# Title\n\n"
            + BenchReport.TARGETS_START
            + "\nold targets\n"
            + BenchReport.TARGETS_END
            + "\n\n"
            + other);
    BenchReport.between(readme, BenchReport.TARGETS_START, BenchReport.TARGETS_END, "| t |\n");
    assertThat(Files.readString(readme))
        .isEqualTo(
            "# Title\n\n"
                + BenchReport.TARGETS_START
                + "\n| t |\n"
                + BenchReport.TARGETS_END
                + "\n\n"
                + other);
  }
}
