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
      r.ingest("kafka-consumer", s / 10, 1, 1_000_000, 100);
      r.ingest("spark-parquet", s, 8, 1_000_000, 200);
      r.ingest("bronze", s * 1.2, 12, 1_000_000, 300);
    }
    r.silver(10, List.of(10.0, 10.0, 10.0), List.of(10.0, 10.0, 10.0), 1000);
    r.silver(100, List.of(12.0, 12.0, 12.0), List.of(40.0, 41.0, 39.0), 10000);
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
    r.demo(1, 150, 3L << 30);
    Map<String, Boolean> met = new java.util.LinkedHashMap<>();
    Map<String, String> measured = new java.util.LinkedHashMap<>();
    for (Map<String, Object> t : r.targets()) {
      met.put((String) t.get("target"), (Boolean) t.get("met"));
      measured.put((String) t.get("target"), (String) t.get("measured"));
    }
    assertThat(measured.get("bronze >= 0.8x the Spark-to-Parquet baseline (messages/s)"))
        .isEqualTo("0.83x");
    assertThat(met.get("bronze >= 0.8x the Spark-to-Parquet baseline (messages/s)")).isTrue();
    assertThat(measured.get("bronze >= 100,000 messages/s on this machine"))
        .isEqualTo("75,758 msg/s");
    assertThat(met.get("bronze >= 100,000 messages/s on this machine")).isFalse();
    assertThat(measured.get("silver: 100-day time <= 1.3x the 10-day time")).isEqualTo("1.20x");
    assertThat(met.get("unpruned MERGE baseline grows with history (100-day / 10-day)")).isTrue();
    assertThat(measured.get("export >= 0.7x the plain COPY rate")).isEqualTo("0.50x");
    assertThat(met.get("export >= 0.7x the plain COPY rate")).isFalse();
    assertThat(met.get("export >= 3x Spark's default JDBC writer")).isTrue();
    assertThat(met.get("demo at default size under 3 minutes")).isTrue();
    assertThat(met.get("demo at default size under 4 GB peak memory")).isTrue();

    String md = r.markdown();
    assertThat(md)
        .contains("| our bronze")
        .contains("| 100 / 10 | | 1.20x | 4.00x |")
        .contains("**no**");
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
}
