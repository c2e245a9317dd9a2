package dev.lakehouse.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;

/**
 * A separate process for LocalFileLockManagerTest. {@code iceberg warehouse lockDir tag n}: appends
 * one data file per commit, n times, to a table of a Hadoop catalog (lockDir "none": Iceberg's
 * default in-JVM lock). {@code counter file lockDir n}: n times, under the lock manager's lock,
 * reads a number from the file, waits a moment and writes it back plus one.
 */
public final class ConcurrentCommitter {
  private ConcurrentCommitter() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("counter")) {
      count(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
      return;
    }
    args = java.util.Arrays.copyOfRange(args, 1, args.length);
    Table table = catalog(args[0], args[1]).loadTable(TableIdentifier.of("db", "t"));
    int n = Integer.parseInt(args[3]);
    for (int i = 0; i < n; i++) {
      table
          .newAppend()
          .appendFile(
              DataFiles.builder(PartitionSpec.unpartitioned())
                  .withPath(args[0] + "/files/" + args[2] + "-" + i + ".parquet")
                  .withFileSizeInBytes(100)
                  .withRecordCount(1)
                  .build())
          .commit();
    }
  }

  private static void count(Path file, String lockDir, int n) throws Exception {
    LocalFileLockManager locks = new LocalFileLockManager();
    locks.initialize(Map.of(LocalFileLockManager.LOCK_DIR, lockDir));
    String entity = file.getParent().resolve("metadata").resolve("v1.metadata.json").toString();
    String owner = java.util.UUID.randomUUID().toString();
    boolean locked = !lockDir.equals("none");
    for (int i = 0; i < n; i++) {
      if (locked && !locks.acquire(entity, owner)) {
        throw new IllegalStateException("lock not acquired");
      }
      try {
        String text = Files.readString(file).trim();
        long value = text.isEmpty() ? 0 : Long.parseLong(text);
        // Not a wait for anything: it widens the read-modify-write so that, without the lock, the
        // other process's updates interleave and the total comes out wrong.
        Thread.sleep(1);
        Files.writeString(file, Long.toString(value + 1));
      } finally {
        if (locked) {
          locks.release(entity, owner);
        }
      }
    }
  }

  static HadoopCatalog catalog(String warehouse, String lockDir) {
    Map<String, String> props = new HashMap<>();
    props.put("warehouse", warehouse);
    if (!lockDir.equals("none")) {
      props.put("lock-impl", LocalFileLockManager.class.getName());
      props.put(LocalFileLockManager.LOCK_DIR, lockDir);
    }
    HadoopCatalog catalog = new HadoopCatalog();
    catalog.setConf(new Configuration());
    catalog.initialize("test", props);
    return catalog;
  }
}
