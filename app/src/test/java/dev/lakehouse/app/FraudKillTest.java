package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The labelled Sparkov sample replayed through the CLI, scored by a fraud process killed with
 * SIGKILL mid-stream and restarted: every transaction decided once, every alert in fraud.alerts
 * once and on the topic at least once, and fraud-eval counting the file's labels.
 */
class FraudKillTest extends CliTestBase {
  private static final Path SAMPLE =
      Path.of("..", "data", "samples", "sparkov", "fraudTrain-sample.csv");

  /** A command on this test's lake and broker, in this JVM. */
  private CliRun run(String... args) {
    return CliRun.of(
        CliRun.concat(
            args,
            "--data-dir",
            dataDir.toString(),
            "--conf",
            bootstrapConf(),
            "--conf",
            "engine.master=local[2]"));
  }

  @Test
  void sigkillMidStreamThenRestartDecidesEveryTransactionOnceAndAlertsOnce() throws Exception {
    startBroker();
    LakehouseConfig config = configure();
    // The file's rows and frauds, counted here from the CSV itself (is_fraud is the last column).
    List<String> lines = Files.readAllLines(SAMPLE);
    long rows = lines.size() - 1;
    long frauds = lines.stream().skip(1).filter(l -> l.endsWith(",1")).count();

    CliRun ingest = run("ingest", "--format", "sparkov-csv", "--file", SAMPLE.toString(), "--json");
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    assertThat(ingest.json().get("transactions").asLong()).isEqualTo(rows);
    assertThat(ingest.json().get("fraud").asLong()).isEqualTo(frauds);

    // A continuous stream in its own JVM, batches of 100 so that the kill lands mid-stream.
    Path log = dataDir.resolve("fraud-child.log");
    Process child =
        new ProcessBuilder(
                ChildJvm.lakehouseCommand(
                    List.of(
                        "fraud",
                        "--data-dir",
                        dataDir.toString(),
                        "--conf",
                        bootstrapConf(),
                        "--conf",
                        "engine.master=local[2]",
                        "--conf",
                        Settings.FRAUD_TRIGGER_SECONDS + "=1",
                        "--conf",
                        Settings.FRAUD_MAX_EVENTS_PER_BATCH + "=100")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Path commits = config.path(Settings.FRAUD_CHECKPOINT_DIR).resolve("commits");
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !child.isAlive() || committedBatches(commits) >= 2);
      assertThat(child.isAlive()).as("the fraud process died on its own; see %s", log).isTrue();
      // A second fraud stream on the same lake refuses to start while the first one runs.
      CliRun second = run("fraud", "--available-now");
      assertThat(second.exitCode()).as(second.err()).isEqualTo(2);
      assertThat(second.err()).contains("Another fraud stream is already writing to this lake");
      // A scheduled task that defers to the running stream exits 0 and says why.
      CliRun deferred = run("fraud", "--available-now", "--skip-if-running", "--json");
      assertThat(deferred.exitCode()).as(deferred.err()).isZero();
      assertThat(deferred.json().get("skipped").asBoolean()).isTrue();
      assertThat(deferred.out()).contains("the running fraud stream scores the transactions");
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
    }
    // The kill came before the stream had scored the file (2,000 payments in batches of 100).
    assertThat(committedBatches(commits)).isLessThan(rows / 100);

    // status sees the stream behind: not every payment in Kafka is scored.
    CliRun status = run("status", "--json");
    assertThat(status.json().has("fraud_lag")).as(status.out() + status.err()).isTrue();
    assertThat(status.json().get("fraud_lag").asLong()).isBetween(1L, rows - 1);

    CliRun restart = run("fraud", "--available-now", "--json");
    assertThat(restart.exitCode()).as(restart.err()).isZero();

    assertThat(run("status", "--json").json().get("fraud_lag").asLong()).isZero();

    SparkSession spark = spark();
    // Every payment decided exactly once: none lost, none twice.
    assertThat(spark.table(Tables.FRAUD_DECISIONS).count()).isEqualTo(rows);
    assertThat(
            spark
                .sql("SELECT count(DISTINCT transaction_id) FROM " + Tables.FRAUD_DECISIONS)
                .first()
                .getLong(0))
        .isEqualTo(rows);
    // Each alert once, and the alerts are exactly the rules each decision recorded: a replayed
    // batch neither added alerts nor lost the ones of the batch the kill interrupted.
    long alerts = spark.table(Tables.FRAUD_ALERTS).count();
    assertThat(alerts).as("the sample sets off some rule").isPositive();
    assertThat(
            spark
                .sql("SELECT count(DISTINCT alert_id) FROM " + Tables.FRAUD_ALERTS)
                .first()
                .getLong(0))
        .isEqualTo(alerts);
    assertThat(
            spark
                .sql(
                    "(SELECT concat(rule, ':', transaction_id) FROM "
                        + Tables.FRAUD_DECISIONS
                        + " LATERAL VIEW explode(rules) r AS rule) EXCEPT ALL (SELECT alert_id FROM"
                        + " "
                        + Tables.FRAUD_ALERTS
                        + ")")
                .count())
        .isZero();
    assertThat(
            spark
                .sql(
                    "SELECT count(*) FROM "
                        + Tables.FRAUD_DECISIONS
                        + " LATERAL VIEW explode(rules) r AS rule")
                .first()
                .getLong(0))
        .isEqualTo(alerts);

    // The topic has every alert of the table (some perhaps twice); tail prints each once.
    CliRun tail = run("alerts", "tail", "--from-beginning", "--timeout-seconds", "3", "--json");
    assertThat(tail.exitCode()).as(tail.err()).isZero();
    assertThat(tail.json().get("alerts").asLong()).isEqualTo(alerts);

    // fraud-eval counts the labels the replay wrote against the file's own count.
    CliRun eval = run("fraud-eval", "--source", "sparkov", "--json");
    assertThat(eval.exitCode()).as(eval.err()).isZero();
    JsonNode report = eval.json();
    assertThat(report.get("labelled").asLong()).isEqualTo(rows);
    assertThat(report.get("scored").asLong()).isEqualTo(rows);
    assertThat(report.get("fraud").asLong()).isEqualTo(frauds);
    JsonNode any = null;
    for (JsonNode r : report.get("rules")) {
      if (r.get("rule").asText().equals("any")) {
        any = r;
      }
    }
    assertThat(any).isNotNull();
    long alerted =
        spark
            .sql("SELECT count(DISTINCT transaction_id) FROM " + Tables.FRAUD_ALERTS)
            .first()
            .getLong(0);
    assertThat(any.get("alerted").asLong()).isEqualTo(alerted);
    assertThat(any.get("true_positives").asLong() + any.get("false_positives").asLong())
        .isEqualTo(alerted);
    // No model yet: nothing has a model score.
    assertThat(report.get("model_scored").asLong()).isZero();

    // fraud-train learns from these decisions and labels, holding out a fifth by id hash.
    CliRun badFraction = run("fraud-train", "--test-fraction", "1.5");
    assertThat(badFraction.exitCode()).isEqualTo(2);
    assertThat(badFraction.err()).contains("--test-fraction must be between 0 and 1");
    CliRun train = run("fraud-train", "--json");
    assertThat(train.exitCode()).as(train.err()).isZero();
    JsonNode trained = train.json();
    assertThat(trained.get("train_rows").asLong() + trained.get("test_rows").asLong())
        .isEqualTo(rows);
    assertThat(trained.get("train_fraud").asLong() + trained.get("test_fraud").asLong())
        .isEqualTo(frauds);
    assertThat(trained.get("test_auc_pr").asDouble()).isBetween(0.0, 1.0);
    assertThat(Path.of(trained.get("path").asText(), "training.json")).exists();
  }
}
