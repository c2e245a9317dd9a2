package dev.lakehouse.bronze;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bronze test classes share: a temporary data directory per class and, when a class starts
 * one in its {@code @BeforeAll}, one {@link Lake} (broker and SparkSession) for all its tests,
 * closed after the class. A test that rewrites Kafka or the checkpoint starts a lake of its own
 * instead.
 */
abstract class BronzeTestBase {
  @TempDir static Path dataDir;
  static Lake lake;

  @AfterAll
  static void closeLake() {
    if (lake != null) {
      try {
        lake.close();
      } finally {
        lake = null;
      }
    }
  }
}
