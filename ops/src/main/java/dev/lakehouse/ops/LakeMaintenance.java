package dev.lakehouse.ops;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables healthy: compacts small files in partitions that have left the lookback window,
 * rewrites manifests, expires old snapshots (never the newest one the bronze stream stamped, which
 * its exactly-once guard needs, nor any within the retention), and removes orphan files older than
 * a safety age. Each step retries a bounded number of times on a commit conflict.
 */
public final class LakeMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(LakeMaintenance.class);
  private static final String JOB = "maintain";
  private static final int ATTEMPTS = 5;

  /**
   * A maintained table and the time column whose partitions older than the lookback get compacted;
   * without one (small tables, rewritten per month or per run) the whole table is compacted.
   */
  record MaintainedTable(String name, String timeColumn) {
    /** The predicate selecting rows older than the cut-off date, or null for the whole table. */
    String olderThan(LocalDate cutoff) {
      if (timeColumn == null) {
        return null;
      }
      String bound =
          timeColumn.endsWith("_date")
              ? "DATE '" + cutoff + "'"
              : "TIMESTAMP '" + cutoff + " 00:00:00'";
      return timeColumn + " < " + bound;
    }
  }

  /** Every table of every layer, ops included. */
  static final List<MaintainedTable> TABLES = maintainedTables();

  private static List<MaintainedTable> maintainedTables() {
    List<MaintainedTable> tables = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      tables.add(new MaintainedTable(topic.bronzeTable(), topic.eventTimeColumn()));
    }
    tables.add(new MaintainedTable(Tables.BRONZE_DEAD_LETTERS, "ingested_at"));
    tables.add(new MaintainedTable(Tables.BRONZE_PRICE_RESPONSES, "fetched_at"));
    tables.add(
        new MaintainedTable(Tables.SILVER_TRANSACTIONS, Topic.TRANSACTIONS.eventTimeColumn()));
    for (String table :
        List.of(
            Tables.SILVER_CUSTOMERS,
            Tables.SILVER_ACCOUNTS,
            Tables.SILVER_MERCHANTS,
            Tables.SILVER_QUARANTINE,
            Tables.SILVER_FX_RATES)) {
      tables.add(new MaintainedTable(table, null));
    }
    tables.add(
        new MaintainedTable(Tables.GOLD_FCT_TRANSACTIONS, Topic.TRANSACTIONS.eventTimeColumn()));
    tables.add(new MaintainedTable(Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE, "balance_date"));
    for (String table :
        List.of(
            Tables.GOLD_DIM_DATE,
            Tables.GOLD_DIM_CUSTOMER,
            Tables.GOLD_DIM_ACCOUNT,
            Tables.GOLD_DIM_MERCHANT,
            Tables.GOLD_CUSTOMER_MONTHLY,
            Tables.GOLD_DAILY_REVENUE_SUMMARY,
            Tables.GOLD_MONTHLY_STATEMENT,
            Tables.GOLD_CUSTOMERS_IN_RED,
            Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS,
            Tables.GOLD_MONTHLY_KPIS,
            Tables.GOLD_CUSTOMERS_PER_TIER,
            Tables.GOLD_MONTHLY_TRANSACTION_TREND,
            Tables.OPS_RUNS,
            Tables.OPS_DQ_RESULTS,
            Tables.OPS_LATE_ARRIVALS,
            Tables.OPS_STREAM_BATCHES,
            Tables.OPS_SKIPPED_OFFSETS,
            Tables.OPS_TABLE_METRICS,
            Tables.OPS_ANOMALIES)) {
      tables.add(new MaintainedTable(table, null));
    }
    return List.copyOf(tables);
  }

  /** Per table: data files before and after, snapshots before and after; status SUCCESS or NOOP. */
  public record Result(String runId, String status, Map<String, TableCounts> tables) {}

  /**
   * Data files and snapshots of one table before and after maintenance, and what the compaction
   * itself did: how many data files it rewrote and how many it wrote in their place (the counts
   * before and after also include whatever a concurrent writer added meanwhile).
   */
  public record TableCounts(
      long filesBefore,
      long filesAfter,
      long snapshotsBefore,
      long snapshotsAfter,
      long filesCompacted,
      long filesWritten) {}

  private LakeMaintenance() {}

  public static Result run(SparkSession spark, LakehouseConfig config) {
    return run(spark, config, LocalDate.now(ZoneOffset.UTC), true);
  }

  /**
   * Maintenance for a business date: compacts partitions before date - lookback. Unless forced, a
   * date that maintenance already finished for is a recorded NOOP (a retried scheduler task does
   * nothing).
   */
  public static Result run(
      SparkSession spark, LakehouseConfig config, LocalDate today, boolean force) {
    String runId = UUID.randomUUID().toString();
    Timestamp started = now();
    if (!force) {
      Optional<String> done = RunLedger.succeededFor(spark, JOB, today);
      if (done.isPresent()) {
        ledger(
            spark,
            runId,
            today,
            today,
            "{}",
            "NOOP",
            started,
            "already maintained for " + today + " by run " + done.get(),
            null);
        LOG.info("Maintenance for {} already ran (run {}); nothing to do.", today, done.get());
        return new Result(runId, "NOOP", Map.of());
      }
    }
    LocalDate cutoff = today.minusDays(config.intValue(Settings.SILVER_LOOKBACK_DAYS) + 1L);
    Instant retention =
        Instant.now()
            .minus(Duration.ofDays(config.intValue(Settings.MAINTAIN_SNAPSHOT_RETENTION_DAYS)));
    Instant orphanAge =
        Instant.now().minus(Duration.ofDays(config.intValue(Settings.MAINTAIN_ORPHAN_AGE_DAYS)));
    Map<String, TableCounts> result = new LinkedHashMap<>();
    try {
      for (MaintainedTable maintained : TABLES) {
        String table = maintained.name();
        if (!spark.catalog().tableExists(Tables.qualified(table))) {
          continue;
        }
        String name = Tables.qualified(table);
        long filesBefore = files(spark, table);
        long snapshotsBefore = snapshots(spark, table);
        String where = maintained.olderThan(cutoff);
        AtomicReference<Row> compaction = new AtomicReference<>();
        // A table of fewer than two files has nothing to compact and one of fewer than two
        // snapshots nothing to expire or merge: each procedure costs a few Spark jobs.
        retry(
            table,
            "compaction",
            () ->
                compaction.set(
                    filesBefore < 2
                        ? null
                        : spark
                            .sql(
                                "CALL lakehouse.system.rewrite_data_files(table => '"
                                    + name
                                    + "'"
                                    + (where == null ? "" : ", where => \"" + where + "\"")
                                    + ", options => map('min-input-files', '2'))")
                            .first()));
        if (snapshotsBefore > 1) {
          retry(
              table,
              "manifest rewrite",
              () -> spark.sql("CALL lakehouse.system.rewrite_manifests('" + name + "')"));
          expire(spark, table, name, retention);
        }
        retry(
            table,
            "orphan removal",
            () ->
                spark.sql(
                    "CALL lakehouse.system.remove_orphan_files(table => '"
                        + name
                        + "', older_than => TIMESTAMP '"
                        + Tables.utcLiteral(orphanAge)
                        + "')"));
        Row compacted = compaction.get();
        TableCounts counts =
            new TableCounts(
                filesBefore,
                files(spark, table),
                snapshotsBefore,
                snapshots(spark, table),
                compacted == null ? 0 : compacted.<Integer>getAs("rewritten_data_files_count"),
                compacted == null ? 0 : compacted.<Integer>getAs("added_data_files_count"));
        result.put(table, counts);
        LOG.info(
            "Maintained {}: data files {} -> {}, snapshots {} -> {}.",
            name,
            counts.filesBefore(),
            counts.filesAfter(),
            counts.snapshotsBefore(),
            counts.snapshotsAfter());
      }
      ledger(
          spark,
          runId,
          today,
          cutoff,
          "{\"compact_before\":\"" + cutoff + "\"}",
          "SUCCESS",
          started,
          describe(result),
          null);
      return new Result(runId, "SUCCESS", result);
    } catch (RuntimeException ex) {
      ledger(
          spark,
          runId,
          today,
          cutoff,
          "{}",
          "FAILED",
          started,
          describe(result),
          String.valueOf(ex.getMessage()));
      throw ex;
    }
  }

  private static void ledger(
      SparkSession spark,
      String runId,
      LocalDate date,
      LocalDate windowStart,
      String parameters,
      String status,
      Timestamp started,
      String message,
      String error) {
    RunLedger.append(
        spark,
        RunRecord.builder(runId, JOB, "maintenance")
            .businessDate(date)
            .window(windowStart, date)
            .parameters(parameters)
            .status(status)
            .startedAt(started)
            .message(message)
            .error(error)
            .build());
  }

  private static void expire(SparkSession spark, String table, String name, Instant retention) {
    Instant expireBefore = protectedBefore(spark, table, retention);
    retry(
        table,
        "snapshot expiry",
        () ->
            spark.sql(
                "CALL lakehouse.system.expire_snapshots(table => '"
                    + name
                    + "', older_than => TIMESTAMP '"
                    + Tables.utcLiteral(expireBefore)
                    + "', retain_last => 10)"));
  }

  /**
   * Snapshots older than the retention may go, except from the newest snapshot stamped by the
   * bronze stream on: its exactly-once guard walks back to it after a restart.
   */
  static Instant protectedBefore(SparkSession spark, String table, Instant retention) {
    Table t = LakehouseSpark.icebergTable(spark, table);
    Instant keepFrom = retention;
    for (Snapshot s = t.currentSnapshot();
        s != null;
        s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
      if (s.summary().containsKey(SnapshotStamp.QUERY_ID)) {
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
          throw new IllegalStateException(
              "Cannot finish the " + step + " of " + table + ": " + m, e);
        }
        LOG.warn(
            "The {} of {} met a concurrent commit (attempt {} of {}); retrying.",
            step,
            table,
            attempt,
            ATTEMPTS);
      }
    }
  }

  /**
   * A commit that lost a race with another writer (the stream): Iceberg's own retries were
   * exhausted, or its re-validation found that the files or manifests it replaces were changed
   * meanwhile (the stream's appends merge manifests). Running the step again against the new
   * snapshot resolves both.
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
    return spark
        .sql("SELECT count(*) FROM " + Tables.qualified(table) + ".files")
        .first()
        .getLong(0);
  }

  private static long snapshots(SparkSession spark, String table) {
    return spark
        .sql("SELECT count(*) FROM " + Tables.qualified(table) + ".snapshots")
        .first()
        .getLong(0);
  }

  private static String describe(Map<String, TableCounts> result) {
    StringBuilder sb = new StringBuilder();
    result.forEach(
        (t, c) ->
            sb.append(t)
                .append(": files ")
                .append(c.filesBefore())
                .append("->")
                .append(c.filesAfter())
                .append(", snapshots ")
                .append(c.snapshotsBefore())
                .append("->")
                .append(c.snapshotsAfter())
                .append("; "));
    return sb.toString();
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
