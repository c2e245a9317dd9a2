package dev.lakehouse.common;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Shared test set-up: a local configuration under a temporary data directory and its SparkSession.
 */
public final class TestLake {
  private TestLake() {}

  /**
   * Local profile, data under dataDir, two cores, one shuffle partition (test data is tiny: each
   * task costs more to ship than to run), plus extra key=value pairs. -Dtest.shuffle=N overrides.
   */
  public static LakehouseConfig config(Path dataDir, String... keyValues) {
    Map<String, String> conf = new HashMap<>();
    conf.put(Settings.DATA_DIR, dataDir.toString());
    conf.put(Settings.ENGINE_MASTER, "local[2]");
    conf.put(Settings.ENGINE_SHUFFLE_PARTITIONS, System.getProperty("test.shuffle", "1"));
    for (String kv : keyValues) {
      int eq = kv.indexOf('=');
      conf.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return LakehouseConfig.load("local", conf, Map.of());
  }

  /**
   * One SparkSession per test class: local[2], UI off, loopback driver, Iceberg catalog in dataDir.
   */
  public static SparkSession spark(LakehouseConfig config) {
    return LakehouseSpark.session(config, "lakehouse-test");
  }
}
