package dev.lakehouse.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the last committed offsets of a checkpoint written by hand in Spark's layout. */
class StreamCheckpointTest {
  @TempDir Path dir;

  private void write(String path, String text) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String offsets(String source) {
    return "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1764583200000,\"conf\":{}}\n" + source;
  }

  @Test
  void theOffsetsOfTheLastCommittedBatchNotOfTheOnePlannedAfterIt() throws IOException {
    write("offsets/0", offsets("{\"transactions\":{\"0\":10,\"1\":0,\"2\":3}}"));
    write("commits/0", "v1\n{\"nextBatchWatermarkMs\":0}");
    write("offsets/1", offsets("{\"transactions\":{\"0\":25,\"1\":4,\"2\":3}}"));
    write("commits/1", "v1\n{\"nextBatchWatermarkMs\":0}");
    // Batch 2 was planned, then the process died: it is not finished.
    write("offsets/2", offsets("{\"transactions\":{\"0\":40,\"1\":9,\"2\":8}}"));
    write("commits/.1.crc", "");

    Map<String, Long> committed =
        StreamCheckpoint.read(dir.toString(), new Configuration()).orElseThrow();

    assertThat(committed)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("transactions-0", 25L, "transactions-1", 4L, "transactions-2", 3L));
  }

  @Test
  void noCheckpointOrNoCommittedBatchIsNotStarted() throws IOException {
    assertThat(StreamCheckpoint.read(dir.resolve("none").toString(), new Configuration()))
        .isEmpty();
    write("offsets/0", offsets("{\"transactions\":{\"0\":10}}"));
    Files.createDirectories(dir.resolve("commits"));
    assertThat(StreamCheckpoint.read(dir.toString(), new Configuration())).isEmpty();
  }

  @Test
  void anUnexpectedFileIsNamed() throws IOException {
    write("offsets/0", "{\"transactions\":{\"0\":10}}");
    write("commits/0", "v1\n{}");
    assertThatThrownBy(() -> StreamCheckpoint.read(dir.toString(), new Configuration()))
        .hasMessageContaining("offsets/0")
        .hasMessageContaining("a version line");
  }
}
