package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.services.EmbeddedKafka;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Submits the built target/lakehouse-jobs.jar through org.apache.spark.deploy.SparkSubmit in a
 * separate JVM whose classpath is Spark alone (what a Spark distribution provides), and reads the
 * ledger it wrote.
 */
class SparkSubmitTest {
  static final Path TARGET = Path.of(System.getProperty("user.dir"), "target");
  @TempDir static Path dataDir;
  static String[] common;

  @BeforeAll
  static void landBronze() {
    int port = EmbeddedKafka.freePort();
    common =
        new String[] {
          "--data-dir",
          dataDir.toString(),
          "--conf",
          "kafka.bootstrap-servers=localhost:" + port,
          "--conf",
          "spark.shuffle-partitions=2"
        };
    // Bronze is landed in this JVM (each command starts the embedded broker); silver goes through
    // spark-submit.
    CliRun generate =
        CliRun.of(
            concat(
                common,
                "generate",
                "--events",
                "1500",
                "--days",
                "5",
                "--seed",
                "9",
                "--end-date",
                "2026-10-20"));
    assertThat(generate.exitCode()).as(generate.err()).isZero();
    CliRun bronze = CliRun.of(concat(common, "bronze", "--available-now"));
    assertThat(bronze.exitCode()).as(bronze.err()).isZero();
  }

  @Test
  void theJobsJarRunsThroughSparkSubmitWithTheSameOptionsExitCodesAndLedger() throws Exception {
    Path jar = TARGET.resolve("lakehouse-jobs.jar");
    assertThat(jar).exists();

    Submission silver = submit(concat(common, "--json", "silver", "--date", "2026-10-20"));
    assertThat(silver.exitCode).as(silver.output).isZero();
    String runId = silver.json().get("runs").get(0).get("run_id").asText();

    Submission bad = submit(concat(common, "silver", "--date", "2026-13-01"));
    assertThat(bad.exitCode).as(bad.output).isEqualTo(2);
    assertThat(bad.output).contains("2026-13-01");

    SparkSession spark = TestLake.spark(TestLake.config(dataDir));
    try {
      List<Row> runs =
          spark
              .sql("SELECT run_id, job, status, rows_read FROM ops.runs ORDER BY ended_at")
              .collectAsList();
      // The bad date was refused before anything ran: one run, the silver one.
      assertThat(runs).hasSize(1);
      assertThat(runs.get(0).getString(0)).isEqualTo(runId);
      assertThat(runs.get(0).getString(2)).isEqualTo("SUCCESS");
      assertThat(runs.get(0).getLong(3)).isPositive();
      assertThat(spark.sql("SELECT count(*) FROM silver.transactions").first().getLong(0))
          .isPositive();
    } finally {
      spark.stop();
    }
  }

  @Test
  void theJobsJarCarriesNoEmbeddedServicesAndSaysSoWhenABrokerIsMissing() throws Exception {
    try (java.util.zip.ZipFile jar =
        new java.util.zip.ZipFile(TARGET.resolve("lakehouse-jobs.jar").toFile())) {
      List<String> names = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
      assertThat(names)
          .contains("dev/lakehouse/app/Lakehouse.class", "dev/lakehouse/contract/Topic.class");
      assertThat(names)
          .as("no embedded services, broker, PostgreSQL server or benchmark in the jobs jar")
          .noneMatch(
              n ->
                  n.startsWith("dev/lakehouse/services/")
                      || n.startsWith("dev/lakehouse/bench/")
                      || n.startsWith("kafka/server/")
                      || n.startsWith("org/apache/kafka/raft/")
                      || n.startsWith("org/apache/kafka/metadata/")
                      || n.startsWith("io/zonky/"));
    }
    // A broker nobody runs, with kafka.embedded left true: a clear message instead of a missing
    // class.
    String[] nowhere = {
      "--data-dir",
      dataDir.resolve("nowhere").toString(),
      "--conf",
      "kafka.bootstrap-servers=localhost:" + EmbeddedKafka.freePort()
    };
    Submission bronze = submit(concat(nowhere, "bronze", "--available-now"));
    assertThat(bronze.exitCode).as(bronze.output).isEqualTo(1);
    assertThat(bronze.output)
        .contains("has no embedded services")
        .doesNotContain("NoClassDefFoundError");
  }

  record Submission(int exitCode, String output) {
    JsonNode json() throws IOException {
      String line =
          Arrays.stream(output.split("\n"))
              .filter(l -> l.startsWith("{\"command\""))
              .reduce((a, b) -> b)
              .orElseThrow(() -> new AssertionError("no JSON summary in:\n" + output));
      return new ObjectMapper().readTree(line);
    }
  }

  /**
   * What a Spark 4.0.0 distribution puts on the classpath (written by the common module's build).
   */
  static String sparkClasspath() throws IOException {
    return Files.readString(
            TARGET
                .getParent()
                .getParent()
                .resolve("common/target/spark-distribution-classpath.txt"))
        .strip();
  }

  /**
   * java -cp <Spark's classpath> org.apache.spark.deploy.SparkSubmit --class ... lakehouse-jobs.jar
   * args.
   */
  static Submission submit(String... args) throws Exception {
    String sparkClasspath = sparkClasspath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1500m");
    for (String opt : System.getProperty("spark.jvm.opens", "").split(" ")) {
      if (!opt.isBlank()) {
        command.add(opt);
      }
    }
    command.addAll(
        List.of(
            "-cp",
            sparkClasspath,
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[2]",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--class",
            "dev.lakehouse.app.Lakehouse",
            TARGET.resolve("lakehouse-jobs.jar").toString()));
    command.addAll(List.of(args));
    File log = Files.createTempFile("spark-submit", ".log").toFile();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "spark-submit did not finish in 5 minutes:\n" + Files.readString(log.toPath()));
    }
    return new Submission(p.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
  }
}
