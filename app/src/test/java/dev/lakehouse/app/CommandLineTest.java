package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest extends CliTestBase {
  @BeforeAll
  static void startClassBroker() {
    startBroker();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demo",
        "generate",
        "ingest",
        "bronze",
        "silver",
        "gold",
        "backfill",
        "export",
        "statement",
        "dead-letters",
        "fx",
        "sql",
        "services",
        "config",
        "status",
        "maintain",
        "dq-gate"
      })
  void everySubcommandHasHelp(String command) {
    CliRun run = CliRun.of(command, "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: lakehouse " + command)
        .contains("--profile")
        .contains("--json");
  }

  @Test
  void aCommandUsesTheRunningSessionOnItsLakeLeavesItRunningAndRefusesAnotherLake() {
    org.apache.spark.sql.SparkSession running = spark();
    CliRun sql = CliRun.of("sql", "SELECT 1 AS one", "--data-dir", dataDir.toString());
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    assertThat(spark()).isSameAs(running);
    assertThat(running.sparkContext().isStopped()).isFalse();

    CliRun elsewhere =
        CliRun.of("sql", "SELECT 1", "--data-dir", dataDir.resolve("elsewhere").toString());
    assertThat(elsewhere.exitCode()).isEqualTo(2);
    assertThat(elsewhere.err())
        .contains("A SparkSession on another lake")
        .contains("is already running in this JVM");
    assertThat(running.sparkContext().isStopped()).isFalse();
  }

  @Test
  void goldRestateTakesAFirstDateButNoLastOne() {
    CliRun run = CliRun.of("gold", "--restate", "--from", "2026-03-01", "--to", "2026-03-10");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--restate recomputes through the last date; it takes no --to");
    CliRun dry =
        CliRun.of(
            "gold",
            "--restate",
            "--from",
            "2026-03-01",
            "--dry-run",
            "--data-dir",
            dataDir.toString());
    assertThat(dry.exitCode()).as(dry.err()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"generate", "bronze", "sql"})
  void unknownKeyFailsWithExitCode2NamingTheKey(String command) {
    CliRun run = CliRun.of(command, "--conf", "bronze.trigger-secs=5", "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown configuration key 'bronze.trigger-secs'");
    assertThat(run.json().get("status").asText()).isEqualTo("failed");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"generate", "bronze", "sql"})
  void badValueFailsWithExitCode2NamingKeyAndValue(String command) {
    CliRun run = CliRun.of(command, "--conf", "bronze.max-events-per-batch=lots");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("bronze.max-events-per-batch").contains("'lots'");
  }

  @Test
  void badCommandLineFailsWithExitCode2() {
    assertThat(CliRun.of("bronze", "--no-such-option").exitCode()).isEqualTo(2);
    assertThat(
            CliRun.of(
                    "generate",
                    "--events",
                    "0",
                    "--data-dir",
                    dataDir.toString(),
                    "--conf",
                    bootstrapConf())
                .exitCode())
        .isEqualTo(2);
    CliRun badTopic =
        CliRun.of("ingest", "--topic", "payments", "--file", "x", "--conf", bootstrapConf());
    assertThat(badTopic.exitCode()).isEqualTo(2);
    assertThat(badTopic.err()).contains("Unknown topic 'payments'");
  }

  @Test
  void dryRunValidatesArgumentsAndConfigurationWithoutRunning() {
    CliRun ok =
        CliRun.of(
            "silver",
            "--date",
            "2026-11-01",
            "--dry-run",
            "--data-dir",
            dataDir.resolve("dry").toString(),
            "--json");
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).contains("are valid; nothing was run");
    assertThat(ok.json().get("dry_run").asBoolean()).isTrue();
    assertThat(dataDir.resolve("dry")).doesNotExist();
    assertThat(
            CliRun.of("gold", "--from", "2026-11-02", "--to", "2026-11-01", "--dry-run").exitCode())
        .isEqualTo(2);
    assertThat(
            CliRun.of("statement", "--account", "A1", "--month", "11/2026", "--dry-run").exitCode())
        .isEqualTo(2);
    assertThat(CliRun.of("export", "--dry-run", "--conf", "postgres.url=mysql://x").exitCode())
        .isEqualTo(2);
  }

  @Test
  void configShowsWhereEachValueCameFrom() {
    CliRun run = CliRun.of("config", "--conf", "kafka.partitions=7");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("kafka.partitions\\s+7\\s+\\[--conf\\]");
    assertThat(run.out()).containsPattern("bronze.trigger-seconds\\s+60\\s+\\[profile local\\]");
  }

  @Test
  void ingestSendsEachLineByteForByteAndBronzeSortsThem() throws Exception {
    Path file = dataDir.resolve("capture.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String good =
        "{\"schema_version\":1,\"merchant_id\":\"M9\",\"name\":\"Chai"
            + " Point\",\"category\":\"FOOD\","
            + "\"city\":\"Pune\",\"updated_at\":\"2026-11-01T09:00:00+05:30\",\"new_field\":true}";
    bytes.writeBytes(good.getBytes(StandardCharsets.UTF_8));
    bytes.write('\n');
    bytes.writeBytes(
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}); // invalid UTF-8
    bytes.write('\n');
    bytes.write('\n'); // an empty line is a message too: MALFORMED_JSON
    bytes.writeBytes(
        "{\"schema_version\":1}\r".getBytes(StandardCharsets.UTF_8)); // CR kept; MISSING_FIELD
    bytes.write('\n');
    Files.write(file, bytes.toByteArray());

    CliRun ingest =
        CliRun.of(
            "ingest",
            "--topic",
            "merchants",
            "--file",
            file.toString(),
            "--data-dir",
            dataDir.toString(),
            "--conf",
            bootstrapConf(),
            "--json");
    assertThat(ingest.exitCode()).as(ingest.err()).isZero();
    assertThat(ingest.json().get("messages").asInt()).isEqualTo(4);

    List<byte[]> received = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("merchants").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < 4 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          received.add(r.value());
        }
      }
    }
    assertThat(received).hasSize(4);
    assertThat(received)
        .anySatisfy(v -> assertThat(v).isEqualTo(good.getBytes(StandardCharsets.UTF_8)));
    assertThat(received)
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo(
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}));
    assertThat(received).anySatisfy(v -> assertThat(v).isEmpty());
    assertThat(received)
        .anySatisfy(
            v ->
                assertThat(new String(v, StandardCharsets.UTF_8))
                    .isEqualTo("{\"schema_version\":1}\r"));

    String[] common = {
      "--data-dir",
      dataDir.toString(),
      "--conf",
      bootstrapConf(),
      "--conf",
      "engine.master=local[2]",
      "--json"
    };
    CliRun bronze = CliRun.of(concat(new String[] {"bronze", "--available-now"}, common));
    assertThat(bronze.exitCode()).as(bronze.err()).isZero();
    JsonNode summary = bronze.json();
    assertThat(summary.get("consumed").asInt()).isEqualTo(4);
    assertThat(summary.get("bronze_rows").get("merchants").asInt()).isEqualTo(1);

    CliRun sql =
        CliRun.of(
            concat(
                new String[] {
                  "sql",
                  "SELECT reason_code, count(*) AS n FROM bronze.dead_letters GROUP BY reason_code"
                      + " ORDER BY reason_code"
                },
                common));
    assertThat(sql.exitCode()).as(sql.err()).isZero();
    assertThat(sql.json().get("results").toString())
        .isEqualTo(
            "[{\"reason_code\":\"INVALID_UTF8\",\"n\":1},{\"reason_code\":\"MALFORMED_JSON\",\"n\":1},"
                + "{\"reason_code\":\"MISSING_FIELD\",\"n\":1}]");

    CliRun extras =
        CliRun.of(
            "sql",
            "SELECT merchant_id, extra_fields FROM bronze.merchants",
            "--data-dir",
            dataDir.toString(),
            "--conf",
            bootstrapConf());
    assertThat(extras.out()).contains("M9").contains("{\"new_field\":true}").contains("(1 row)");

    CliRun listed = CliRun.of("dead-letters", "list", "--data-dir", dataDir.toString(), "--json");
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("merchants").contains("INVALID_UTF8").contains("(3 groups)");
    assertThat(
            CliRun.of("dead-letters", "list", "--reason", "NOPE", "--data-dir", dataDir.toString())
                .exitCode())
        .isEqualTo(2);

    CliRun badSql = CliRun.of("sql", "SELECT * FROM bronze.nope", "--data-dir", dataDir.toString());
    assertThat(badSql.exitCode()).isEqualTo(2);
    assertThat(badSql.err()).contains("Cannot run the statement").contains("nope");
  }
}
