package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.services.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    ChildJvm.Submission bronze = submit(CliRun.concat(nowhere, "bronze", "--available-now"));
    assertThat(bronze.exitCode()).as(bronze.output()).isEqualTo(1);
    assertThat(bronze.output())
        .contains("has no embedded services")
        .doesNotContain("NoClassDefFoundError");
  }

  /** spark-submit --master local[2] of the jobs jar, in a JVM of its own. */
  static ChildJvm.Submission submit(String... args) throws Exception {
    return ChildJvm.sparkSubmit(
        List.of("-Xmx1500m"),
        List.of(
            "--master",
            "local[2]",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1"),
        Map.of(),
        dataDir.resolve("logs"),
        args);
  }
}
