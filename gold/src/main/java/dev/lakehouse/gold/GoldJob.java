package dev.lakehouse.gold;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds gold from silver for a window of event dates by walking the models of {@link GoldModels}
 * in order: the dimensions, fct_transactions (MERGEd over the window with literal dates), balances
 * from the window's first day to the last day gold knows, and the marts of every month those days
 * touch. Each table is rewritten only for those days and months. This class is the run around them:
 * the NOOP check and the run ledger.
 */
public final class GoldJob {
  private static final Logger LOG = LoggerFactory.getLogger(GoldJob.class);
  static final String JOB = "gold";
  private static final String[] SILVER_INPUTS = {
    Tables.SILVER_TRANSACTIONS,
    Tables.SILVER_CUSTOMERS,
    Tables.SILVER_ACCOUNTS,
    Tables.SILVER_MERCHANTS
  };

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final LocalDate start;
  private final LocalDate end;
  private final String mode;
  private final LocalDate businessDate;
  private final boolean force;
  private final String runId = UUID.randomUUID().toString();
  private final Timestamp startedAt = now();
  private final Map<String, Long> written = new LinkedHashMap<>();

  /**
   * The silver snapshots when the run started: what the NOOP check compares and the ledger records.
   */
  private Map<String, Long> inputs = Map.of();

  private GoldJob(
      SparkSession spark,
      LakehouseConfig config,
      LocalDate start,
      LocalDate end,
      String mode,
      LocalDate businessDate,
      boolean force) {
    this.spark = spark;
    this.config = config;
    this.start = start;
    this.end = end;
    this.mode = mode;
    this.businessDate = businessDate;
    this.force = force;
  }

  /** The daily run for business date D: window D-L..D. */
  public static GoldResult runDaily(SparkSession spark, LakehouseConfig config, LocalDate date) {
    return runDaily(spark, config, date, false);
  }

  /**
   * The daily run; unless forced, a NOOP (recorded in ops.runs) when a successful run over the same
   * window read the same silver snapshots, so a retried or duplicated submission changes nothing.
   */
  public static GoldResult runDaily(
      SparkSession spark, LakehouseConfig config, LocalDate date, boolean force) {
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    return new GoldJob(spark, config, date.minusDays(lookback), date, "daily", date, force).run();
  }

  public static GoldResult runRange(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate to) {
    return runRange(spark, config, from, to, false);
  }

  public static GoldResult runRange(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate to, boolean force) {
    return new GoldJob(spark, config, from, to, "backfill", to, force).run();
  }

  private GoldResult run() {
    for (String t : SILVER_INPUTS) {
      if (!spark.catalog().tableExists(Tables.qualified(t))) {
        throw new ConfigException(
            "Cannot build gold: " + t + " does not exist yet; run 'lakehouse silver' first.");
      }
    }
    GoldTables.createIfMissing(spark);
    inputs = inputSnapshots();
    if (!force && RunLedger.succeededWithInputs(spark, JOB, mode, start, end, inputs)) {
      ledger("NOOP", null);
      LOG.info(
          "Gold {} {}..{}: already built from the same silver snapshots; nothing to do (use --force"
              + " to rebuild).",
          mode,
          start,
          end);
      return new GoldResult(runId, "NOOP", start, end, end, Map.of());
    }
    try {
      GoldResult result = build();
      ledger("SUCCESS", null);
      LOG.info(
          "Gold {} {}..{} committed (recomputed through {}): {}.",
          mode,
          start,
          end,
          result.rangeEnd(),
          written);
      return result;
    } catch (RuntimeException e) {
      try {
        ledger("FAILED", String.valueOf(e.getMessage()));
      } catch (RuntimeException second) {
        LOG.error("Cannot record the failed gold run {}: {}", runId, second.getMessage());
      }
      throw e;
    }
  }

  /**
   * Walks the models in order; balances and monthly marts reach the last day gold has balances for.
   */
  private GoldResult build() {
    // Read before the first write: of the models, only the balance model writes this table.
    LocalDate rangeEnd = end;
    Row last =
        spark.sql("SELECT max(balance_date) FROM " + Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE).first();
    if (!last.isNullAt(0) && last.getDate(0).toLocalDate().isAfter(rangeEnd)) {
      rangeEnd = last.getDate(0).toLocalDate();
    }
    Map<String, Object> parameters = GoldModels.parameters(config, start, end, rangeEnd);
    for (GoldModel model : GoldModels.ORDER) {
      ModelWriter.write(spark, model, parameters)
          .ifPresent(rows -> written.put(model.target(), rows));
    }
    return new GoldResult(runId, "SUCCESS", start, end, rangeEnd, written);
  }

  private Map<String, Long> inputSnapshots() {
    Map<String, Long> inputs = new TreeMap<>();
    for (String t : SILVER_INPUTS) {
      inputs.put(t, snapshot(t));
    }
    return inputs;
  }

  private void ledger(String status, String error) {
    Map<String, Long> outputs = new TreeMap<>();
    if ("SUCCESS".equals(status)) {
      for (String t : written.keySet()) {
        outputs.put(t, snapshot(t));
      }
    }
    long rows = written.values().stream().mapToLong(Long::longValue).sum();
    RunLedger.append(
        spark,
        RunRecord.builder(runId, JOB, mode)
            .businessDate(businessDate)
            .window(start, end)
            .parameters(
                "{\"window_start\":\""
                    + start
                    + "\",\"window_end\":\""
                    + end
                    + "\",\"mode\":\""
                    + mode
                    + "\"}")
            .status(status)
            .startedAt(startedAt)
            .counts(new RunRecord.Counts(0, rows, 0, 0, 0))
            .inputSnapshots(inputs)
            .outputSnapshots(outputs)
            .error(error)
            .build());
  }

  private long snapshot(String table) {
    return LakehouseSpark.currentSnapshotId(spark, table);
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
