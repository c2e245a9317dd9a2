package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.services.EmbeddedKafka;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built target/lakehouse-jobs.jar as a Spark distribution receives it: what it carries, and
 * what it says when submitted through org.apache.spark.deploy.SparkSubmit (in a separate JVM whose
 * classpath is Spark alone) without a broker. ClusterTest submits it to a standalone cluster.
 */
class SparkSubmitTest {
  static final Path TARGET = Path.of(System.getProperty("user.dir"), "target");
  @TempDir static Path dataDir;

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
    Submission bronze = submit(CliRun.concat(nowhere, "bronze", "--available-now"));
    assertThat(bronze.exitCode).as(bronze.output).isEqualTo(1);
    assertThat(bronze.output)
        .contains("has no embedded services")
        .doesNotContain("NoClassDefFoundError");
  }

  record Submission(int exitCode, String output) {}

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
