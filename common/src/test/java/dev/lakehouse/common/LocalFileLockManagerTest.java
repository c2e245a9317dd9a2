package dev.lakehouse.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real processes commit to one table of the local (Hadoop) catalog at once. */
class LocalFileLockManagerTest {
  static final int COMMITS_PER_PROCESS = 10;
  static final int INCREMENTS_PER_PROCESS = 300;

  static Process start(Path dir, String tag, String... args) throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ConcurrentCommitter.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(tag + ".log").toFile())
        .start();
  }

  static void awaitSuccess(Path dir, List<Process> processes, List<String> tags) throws Exception {
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as(java.nio.file.Files.readString(dir.resolve(tags.get(i) + ".log")))
          .isZero();
    }
  }

  /**
   * The lock excludes other processes: two of them increment a number in a file by reading it,
   * waiting a millisecond and writing it back, each under the lock. Any overlap loses an increment.
   */
  @Test
  void theLockExcludesAnotherProcess(@TempDir Path dir) throws Exception {
    assertThat(increments(dir.resolve("with"), dir.resolve("locks").toString()))
        .isEqualTo(2 * INCREMENTS_PER_PROCESS);
    // The same race without the lock loses or tears updates: the check above can fail.
    assertThat(increments(dir.resolve("without"), "none")).isNotEqualTo(2 * INCREMENTS_PER_PROCESS);
  }

  private static long increments(Path dir, String locks) throws Exception {
    Path counter = dir.resolve("t").resolve("counter");
    java.nio.file.Files.createDirectories(counter.getParent());
    java.nio.file.Files.writeString(counter, "0");
    List<String> tags = List.of("x", "y");
    List<Process> processes = new ArrayList<>();
    for (String tag : tags) {
      processes.add(
          start(
              dir,
              tag,
              "counter",
              counter.toString(),
              locks,
              Integer.toString(INCREMENTS_PER_PROCESS)));
    }
    awaitSuccess(dir, processes, tags);
    return Long.parseLong(java.nio.file.Files.readString(counter).trim());
  }

  @Test
  void twoProcessesCommittingToOneTableLoseNoCommit(@TempDir Path dir) throws Exception {
    String warehouse = dir.resolve("warehouse").toUri().toString();
    String locks = dir.resolve("locks").toString();
    HadoopCatalog catalog = ConcurrentCommitter.catalog(warehouse, locks);
    catalog.createNamespace(Namespace.of("db"));
    catalog.createTable(
        TableIdentifier.of("db", "t"),
        new Schema(Types.NestedField.required(1, "id", Types.LongType.get())),
        org.apache.iceberg.PartitionSpec.unpartitioned(),
        // Both processes retry a conflicting commit until it lands.
        Map.of(
            "commit.retry.num-retries", "1000",
            "commit.retry.min-wait-ms", "1",
            "commit.retry.max-wait-ms", "20"));

    List<String> tags = List.of("a", "b");
    List<Process> processes = new ArrayList<>();
    for (String tag : tags) {
      processes.add(
          start(dir, tag, "iceberg", warehouse, locks, tag, Integer.toString(COMMITS_PER_PROCESS)));
    }
    awaitSuccess(dir, processes, tags);

    Table table = catalog.loadTable(TableIdentifier.of("db", "t"));
    // Every commit of both processes is in the table: none replaced another.
    assertThat(table.currentSnapshot().summary().get("total-data-files"))
        .isEqualTo(Integer.toString(2 * COMMITS_PER_PROCESS));
    int snapshots = 0;
    for (org.apache.iceberg.Snapshot s : table.snapshots()) {
      snapshots++;
    }
    assertThat(snapshots).isEqualTo(2 * COMMITS_PER_PROCESS);
    assertThat(new File(locks).list()).hasSize(1); // one lock file for the table
  }
}
