package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The argument checks of {@code ingest --format sparkov-csv}; no broker, no Spark. */
class IngestSparkovCommandTest {
  private static final Path SAMPLE =
      Path.of("..", "data", "samples", "sparkov", "fraudTrain-sample.csv");

  @TempDir Path dataDir;

  @Test
  void theSampleIsAValidReplayInADryRun() {
    CliRun run =
        CliRun.of(
            "ingest",
            "--format",
            "sparkov-csv",
            "--file",
            SAMPLE.toString(),
            "--dry-run",
            "--data-dir",
            dataDir.toString(),
            "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("are valid; nothing was run");
    assertThat(run.json().get("dry_run").asBoolean()).isTrue();
  }

  @Test
  void aTopicIsAnErrorWithSparkovCsv() {
    CliRun run =
        CliRun.of(
            "ingest",
            "--format",
            "sparkov-csv",
            "--topic",
            "transactions",
            "--file",
            SAMPLE.toString(),
            "--dry-run",
            "--data-dir",
            dataDir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("--topic does not apply to --format sparkov-csv")
        .contains("leave --topic out");
  }

  @Test
  void linesStillNeedATopicAndUnknownFormatsAreNamed() {
    CliRun noTopic =
        CliRun.of(
            "ingest", "--file", SAMPLE.toString(), "--dry-run", "--data-dir", dataDir.toString());
    assertThat(noTopic.exitCode()).isEqualTo(2);
    assertThat(noTopic.err()).contains("--format lines needs --topic");

    CliRun lines =
        CliRun.of(
            "ingest",
            "--format",
            "lines",
            "--topic",
            "transactions",
            "--file",
            SAMPLE.toString(),
            "--dry-run",
            "--data-dir",
            dataDir.toString());
    assertThat(lines.exitCode()).as(lines.err()).isZero();

    CliRun unknown =
        CliRun.of(
            "ingest",
            "--format",
            "parquet",
            "--file",
            SAMPLE.toString(),
            "--dry-run",
            "--data-dir",
            dataDir.toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown --format 'parquet'; use lines or sparkov-csv.");
  }

  @Test
  void aFileWithoutSparkovsHeaderFailsTheDryRun() throws IOException {
    // pandas writes "Unnamed: 0" over the index column when the file is read and saved again.
    Path resaved = dataDir.resolve("resaved.csv");
    Files.writeString(
        resaved,
        "Unnamed: 0"
            + Files.readAllLines(SAMPLE).get(0)
            + "\n"
            + Files.readAllLines(SAMPLE).get(1)
            + "\n");
    CliRun run =
        CliRun.of(
            "ingest",
            "--format",
            "sparkov-csv",
            "--file",
            resaved.toString(),
            "--dry-run",
            "--data-dir",
            dataDir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Cannot replay " + resaved)
        .contains(
            "the first line must be the header ,trans_date_trans_time,cc_num,merchant,category,");
  }
}
