package dev.lakehouse.fraud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * What a Structured Streaming checkpoint says the query has finished: the Kafka offsets at the end
 * of its last committed micro-batch. Spark writes {@code offsets/<n>} when it plans batch n (a
 * version line, a metadata line, then one line per source with the end offsets, exclusive) and
 * {@code commits/<n>} when the batch is done. Read through Hadoop's file systems, so a checkpoint
 * on S3 reads like a local one.
 */
public final class StreamCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamCheckpoint() {}

  /**
   * Per {@code topic-partition}, the next offset the query will read after its last committed
   * batch; empty when the query has committed no batch (or the checkpoint does not exist).
   */
  public static Optional<Map<String, Long>> committedOffsets(SparkSession spark, String checkpoint)
      throws IOException {
    return read(checkpoint, spark.sparkContext().hadoopConfiguration());
  }

  static Optional<Map<String, Long>> read(String checkpoint, Configuration conf)
      throws IOException {
    Path root = new Path(checkpoint);
    FileSystem fs = root.getFileSystem(conf);
    Path commits = new Path(root, "commits");
    if (!fs.exists(commits)) {
      return Optional.empty();
    }
    List<Long> done = new ArrayList<>();
    for (FileStatus f : fs.listStatus(commits)) {
      String name = f.getPath().getName();
      if (name.matches("\\d+")) {
        done.add(Long.parseLong(name));
      }
    }
    if (done.isEmpty()) {
      return Optional.empty();
    }
    long last = done.stream().mapToLong(Long::longValue).max().getAsLong();
    Path offsets = new Path(new Path(root, "offsets"), Long.toString(last));
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(fs.open(offsets), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    }
    if (lines.size() < 3 || !lines.get(0).startsWith("v")) {
      throw new IOException(
          "Unexpected format of "
              + offsets
              + ": a version line, a metadata line and a line per source were expected.");
    }
    Map<String, Long> out = new TreeMap<>();
    for (String source : lines.subList(2, lines.size())) {
      if (source.isBlank() || source.equals("-")) {
        continue;
      }
      JsonNode topics = JSON.readTree(source);
      for (Iterator<Map.Entry<String, JsonNode>> t = topics.fields(); t.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = t.next();
        for (Iterator<Map.Entry<String, JsonNode>> p = topic.getValue().fields(); p.hasNext(); ) {
          Map.Entry<String, JsonNode> partition = p.next();
          out.put(topic.getKey() + "-" + partition.getKey(), partition.getValue().asLong());
        }
      }
    }
    return Optional.of(out);
  }
}
