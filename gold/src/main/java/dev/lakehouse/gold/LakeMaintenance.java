package dev.lakehouse.gold;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.silver.RunLedger;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables healthy: compacts small files in partitions that have left the lookback window,
 * rewrites manifests, expires old snapshots (never the newest one the bronze stream stamped, which its
 * exactly-once guard needs, nor any within the retention), and removes orphan files older than a safety
 * age. Each step retries a bounded number of times on a commit conflict.
 */
public final class LakeMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenance.class);
  private static final String JOB = "maintain";
  private static final int ATTEMPTS = 5;
  private static final String STREAM_QUERY_ID = "lakehouse.stream-query-id";

  /** The maintained tables and the time column whose old partitions get compacted. */
  static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put(Tables.BRONZE_TRANSACTIONS, "event_ts");
    TABLES.put(Tables.BRONZE_CUSTOMERS, "updated_at");
    TABLES.put(Tables.BRONZE_ACCOUNTS, "updated_at");
    TABLES.put(Tables.BRONZE_MERCHANTS, "updated_at");
    TABLES.put(Tables.BRONZE_DEAD_LETTERS, "ingested_at");
    TABLES.put(Tables.SILVER_TRANSACTIONS, "event_ts");
    TABLES.put(GoldTables.FCT_TRANSACTIONS, "event_ts");
    TABLES.put(GoldTables.FCT_DAILY_ACCOUNT_BALANCE, "balance_date");
  }

  /** Per table: data files before and after, snapshots before and after; status SUCCESS or NOOP. */
  public record Result(String runId, String status, Map<String, long[]> tables) {}

  private LakeMaintenance() {}

  public static Result run(SparkSession spark, LakehouseConfig config) {
    return run(spark, config, LocalDate.now(ZoneOffset.UTC), true);
  }

  /**
   * Maintenance for a business date: compacts partitions before date - lookback. Unless forced, a date
   * that maintenance already finished for is a recorded NOOP (a retried scheduler task does nothing).
   */
  public static Result run(SparkSession spark, LakehouseConfig config, LocalDate today, boolean force) {
    String runId = UUID.randomUUID().toString();
    Timestamp started = now();
    if (!force) {
      Optional<String> done = RunLedger.succeededFor(spark, JOB, today);
      if (done.isPresent()) {
        ledger(spark, runId, today, today, "{}", "NOOP", started, "already maintained for " + today + " by run " + done.get(), null);
        LOG.info("Maintenance for {} already ran (run {}); nothing to do.", today, done.get());
        return new Result(runId, "NOOP", Map.of());
      }
    }
    LocalDate cutoff = today.minusDays(config.intValue(Settings.SILVER_LOOKBACK_DAYS) + 1L);
    Instant retention = Instant.now().minus(Duration.ofDays(config.intValue(Settings.MAINTAIN_SNAPSHOT_RETENTION_DAYS)));
    Instant orphanAge = Instant.now().minus(Duration.ofDays(config.intValue(Settings.MAINTAIN_ORPHAN_AGE_DAYS)));
    Map<String, long[]> result = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : TABLES.entrySet()) {
        String table = e.getKey();
        if (!spark.catalog().tableExists(Tables.qualified(table))) {
          continue;
        }
        String name = Tables.qualified(table);
        long filesBefore = files(spark, table);
        long snapshotsBefore = snapshots(spark, table);
        String bound = e.getValue().equals("balance_date") ? "DATE '" + cutoff + "'" : "TIMESTAMP '" + cutoff + " 00:00:00'";
        retry(table, "compaction", () -> spark.sql("CALL lakehouse.system.rewrite_data_files(table => '" + name
            + "', where => \"" + e.getValue() + " < " + bound + "\", options => map('min-input-files', '2'))"));
        retry(table, "manifest rewrite", () -> spark.sql("CALL lakehouse.system.rewrite_manifests('" + name + "')"));
        Instant expireBefore = protectedBefore(spark, table, retention);
        retry(table, "snapshot expiry", () -> spark.sql("CALL lakehouse.system.expire_snapshots(table => '" + name
            + "', older_than => TIMESTAMP '" + Timestamp.from(expireBefore) + "', retain_last => 10)"));
        retry(table, "orphan removal", () -> spark.sql("CALL lakehouse.system.remove_orphan_files(table => '" + name
            + "', older_than => TIMESTAMP '" + Timestamp.from(orphanAge) + "')"));
        long[] counts = {filesBefore, files(spark, table), snapshotsBefore, snapshots(spark, table)};
        result.put(table, counts);
        LOG.info("Maintained {}: data files {} -> {}, snapshots {} -> {}.", name, counts[0], counts[1], counts[2], counts[3]);
      }
      ledger(spark, runId, today, cutoff, "{\"compact_before\":\"" + cutoff + "\"}", "SUCCESS", started, describe(result), null);
      return new Result(runId, "SUCCESS", result);
    } catch (RuntimeException ex) {
      ledger(spark, runId, today, cutoff, "{}", "FAILED", started, describe(result), String.valueOf(ex.getMessage()));
      throw ex;
    }
  }

  private static void ledger(SparkSession spark, String runId, LocalDate date, LocalDate windowStart, String parameters,
      String status, Timestamp started, String message, String error) {
    RunLedger.append(spark, new RunLedger.Entry(runId, JOB, "maintenance", date, windowStart, date, parameters, status,
        started, now(), 0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of(), false, false, message, error));
  }

  /**
   * Snapshots older than the retention may go, except from the newest snapshot stamped by the bronze
   * stream on: its exactly-once guard walks back to it after a restart.
   */
  static Instant protectedBefore(SparkSession spark, String table, Instant retention) {
    Table t = LakehouseSpark.icebergTable(spark, table);
    Instant keepFrom = retention;
    for (Snapshot s = t.currentSnapshot(); s != null; s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
      if (s.summary().containsKey(STREAM_QUERY_ID)) {
        Instant stamped = Instant.ofEpochMilli(s.timestampMillis());
        if (stamped.isBefore(keepFrom)) {
          keepFrom = stamped;
        }
        break;
      }
    }
    return keepFrom;
  }

  private static void retry(String table, String step, Runnable action) {
    for (int attempt = 1; ; attempt++) {
      try {
        action.run();
        return;
      } catch (RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        if (!concurrentCommit(e) || attempt >= ATTEMPTS) {
          throw new IllegalStateException("Cannot finish the " + step + " of " + table + ": " + m, e);
        }
        LOG.warn("The {} of {} met a concurrent commit (attempt {} of {}); retrying.", step, table, attempt, ATTEMPTS);
      }
    }
  }

  /**
   * A commit that lost a race with another writer (the stream): Iceberg's own retries were exhausted, or
   * its re-validation found that the files or manifests it replaces were changed meanwhile (the stream's
   * appends merge manifests). Running the step again against the new snapshot resolves both.
   */
  static boolean concurrentCommit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.iceberg.exceptions.CommitFailedException
          || t instanceof org.apache.iceberg.exceptions.ValidationException) {
        return true;
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("Cannot commit") || m.contains("conflict")) {
        return true;
      }
    }
    return false;
  }

  private static long files(SparkSession spark, String table) {
    return spark.sql("SELECT count(*) FROM " + Tables.qualified(table) + ".files").first().getLong(0);
  }

  private static long snapshots(SparkSession spark, String table) {
    return spark.sql("SELECT count(*) FROM " + Tables.qualified(table) + ".snapshots").first().getLong(0);
  }

  private static String describe(Map<String, long[]> result) {
    StringBuilder sb = new StringBuilder();
    result.forEach((t, c) -> sb.append(t).append(": files ").append(c[0]).append("->").append(c[1])
        .append(", snapshots ").append(c[2]).append("->").append(c[3]).append("; "));
    return sb.toString();
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
