package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GenerationReport;
import dev.lakehouse.ingest.GeneratorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A bronze process killed with SIGKILL mid-stream, then restarted, lands every message exactly
 * once.
 */
class BronzeKillTest extends CliTestBase {

  /** {@code bronze --available-now} on this test's lake, in this JVM. */
  private CliRun drain(String bootstrap) {
    return CliRun.of(
        "bronze",
        "--available-now",
        "--data-dir",
        dataDir.toString(),
        "--conf",
        Settings.KAFKA_BOOTSTRAP + "=" + bootstrap,
        "--conf",
        "engine.master=local[2]");
  }

  @Test
  void sigkillMidStreamThenRestartLeavesNoDuplicateAndNoGap() throws Exception {
    String bootstrap = startBroker().bootstrapServers();
    LakehouseConfig config = configure();
    EventGenerator generator =
        new EventGenerator(
            GeneratorOptions.from(config, 12_000, 10, 3L, LocalDate.of(2026, 9, 30)));
    GenerationReport report = generator.plan();
    KafkaTopics.ensureTopics(bootstrap, 3);
    try (EventProducer producer = new EventProducer(bootstrap)) {
      producer.sendAll(generator.messages(), n -> {});
    }

    // A continuous stream in its own JVM, small batches so that the kill lands mid-stream.
    Path log = dataDir.resolve("bronze-child.log");
    Process child =
        new ProcessBuilder(childCommand(bootstrap))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Path commits = config.path(Settings.BRONZE_CHECKPOINT_DIR).resolve("commits");
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !child.isAlive() || committedBatches(commits) >= 2);
      assertThat(child.isAlive()).as("the bronze process died on its own; see %s", log).isTrue();
      // A second bronze process on the same lake refuses to start while the first one runs.
      CliRun second = drain(bootstrap);
      assertThat(second.exitCode()).as(second.err()).isEqualTo(2);
      assertThat(second.err())
          .contains("Another bronze stream is already writing to this lake (process ")
          .contains("stop the other one first");
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
    }
    long committedBeforeKill = committedBatches(commits);
    // The kill came before the stream drained Kafka (12,000 events in batches of 1,000).
    assertThat(committedBeforeKill).isLessThan(12);

    CliRun restart = drain(bootstrap);
    // The restart replays the interrupted batch with the offsets its checkpoint planned, then
    // drains
    // the rest in default-size batches (small batches only matter while the process is killed).
    assertThat(restart.exitCode()).as(restart.err()).isZero();

    SparkSession spark = spark();
    for (String topic : Topic.names()) {
      assertThat(spark.table(Topic.of(topic).bronzeTable()).count())
          .as(topic)
          .isEqualTo(report.topic(topic).valid());
    }
    long malformed = Topic.names().stream().mapToLong(t -> report.topic(t).malformedTotal()).sum();
    assertThat(spark.table(Tables.BRONZE_DEAD_LETTERS).count()).isEqualTo(malformed);
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM ("
                        + landed()
                        + ") GROUP BY kafka_topic, kafka_partition, kafka_offset HAVING count(*) >"
                        + " 1")
                .count())
        .as("messages landed twice")
        .isZero();
    assertThat(
            spark
                .sql(
                    "SELECT query_id, batch_id, kafka_topic, kafka_partition FROM "
                        + Tables.OPS_STREAM_BATCHES
                        + " GROUP BY 1, 2, 3, 4 HAVING count(*) > 1")
                .count())
        .as("ledger rows twice")
        .isZero();
    Row ledger =
        spark
            .sql(
                "SELECT sum(consumed), sum(bronze_rows) + sum(dead_letters) FROM "
                    + Tables.OPS_STREAM_BATCHES)
            .first();
    assertThat(ledger.getLong(0)).isEqualTo(report.totalMessages());
    assertThat(ledger.getLong(1)).isEqualTo(report.totalMessages());
  }

  private static String landed() {
    List<String> parts = new ArrayList<>();
    for (String topic : Topic.names()) {
      parts.add(
          "SELECT kafka_topic, kafka_partition, kafka_offset FROM "
              + Topic.of(topic).bronzeTable());
    }
    parts.add(
        "SELECT kafka_topic, kafka_partition, kafka_offset FROM "
            + Tables.BRONZE_DEAD_LETTERS
            + " WHERE replayed_at IS NULL");
    return String.join(" UNION ALL ", parts);
  }

  private static List<String> childCommand(String bootstrap) {
    return ChildJvm.lakehouseCommand(
        List.of(
            "bronze",
            "--data-dir",
            dataDir.toString(),
            "--conf",
            Settings.KAFKA_BOOTSTRAP + "=" + bootstrap,
            "--conf",
            "engine.master=local[2]",
            "--conf",
            Settings.BRONZE_TRIGGER_SECONDS + "=1",
            "--conf",
            Settings.BRONZE_MAX_EVENTS_PER_BATCH + "=1000"));
  }
}
