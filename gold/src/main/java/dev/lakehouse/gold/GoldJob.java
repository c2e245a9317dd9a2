package dev.lakehouse.gold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.SideBySide;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds gold from silver by walking the models of {@link GoldModels} in order: the dimensions,
 * fct_transactions (MERGEd over the run's window with literal dates), balances from the window's
 * first day to the last day gold knows, and the marts of every month those days touch. Models that
 * read none of each other's tables ({@link GoldModels#waves}) are written gold.models-at-once at a
 * time.
 *
 * <p>The window is the requested one (D-L..D, or --from..--to) widened to every event date silver
 * changed since the silver snapshots the last successful gold run read ({@link SilverChanges}): a
 * run after skipped days, a failed run, a silver backfill or a late reference row catches up, and
 * says so. The whole history is rebuilt when the settings that change gold's numbers differ from
 * the last run's ({@link GoldModels#fingerprint}), and on request from a date on (restate). This
 * class is the run around the models: the window, the NOOP check and the run ledger.
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final LocalDate start;
  private final LocalDate end;
  private final String mode;
  private final LocalDate businessDate;
  private final boolean force;

  /** For a restate: the first date rebuilt (null: the first date silver holds). */
  private final LocalDate restateFrom;

  private final String runId = UUID.randomUUID().toString();
  private final Timestamp startedAt = now();
  private final Map<String, Long> written = new LinkedHashMap<>();
  private final String fingerprint;

  /**
   * The silver snapshots when the run started: what the models read, the NOOP check compares and
   * the ledger records.
   */
  private Map<String, Long> inputs = Map.of();

  private LocalDate windowStart;
  private LocalDate windowEnd;
  private String catchUp;

  /** The states of silver.customers since the last run, oldest first: one SCD2 pass each. */
  private List<Long> customerStates = List.of();

  private GoldJob(
      SparkSession spark,
      LakehouseConfig config,
      LocalDate start,
      LocalDate end,
      String mode,
      LocalDate businessDate,
      boolean force,
      LocalDate restateFrom) {
    this.spark = spark;
    this.config = config;
    this.start = start;
    this.end = end;
    this.mode = mode;
    this.businessDate = businessDate;
    this.force = force;
    this.restateFrom = restateFrom;
    this.fingerprint = GoldModels.fingerprint(config);
    this.windowStart = start;
    this.windowEnd = end;
  }

  /** The daily run for business date D: window D-L..D, plus whatever silver changed since. */
  public static GoldResult runDaily(SparkSession spark, LakehouseConfig config, LocalDate date) {
    return runDaily(spark, config, date, false);
  }

  /**
   * The daily run; unless forced, a NOOP (recorded in ops.runs) when the last successful run read
   * the same silver snapshots under the same settings, so a retried or duplicated submission
   * changes nothing.
   */
  public static GoldResult runDaily(
      SparkSession spark, LakehouseConfig config, LocalDate date, boolean force) {
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    return new GoldJob(spark, config, date.minusDays(lookback), date, "daily", date, force, null)
        .run();
  }

  public static GoldResult runRange(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate to) {
    return runRange(spark, config, from, to, false);
  }

  public static GoldResult runRange(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate to, boolean force) {
    return new GoldJob(spark, config, from, to, "backfill", to, force, null).run();
  }

  /**
   * Rebuilds every date from {@code from} (every date silver holds when null) to the last date
   * silver or gold holds, and everything that depends on them: after a settings change, or to
   * recompute history on purpose.
   */
  public static GoldResult restate(
      SparkSession spark, LakehouseConfig config, LocalDate from, LocalDate businessDate) {
    LocalDate first = from != null ? from : businessDate;
    return new GoldJob(spark, config, first, businessDate, "restate", businessDate, true, from)
        .run();
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
    Optional<RunLedger.PastRun> last = RunLedger.latestSucceeded(spark, JOB);
    boolean sameSettings =
        last.isPresent() && fingerprint.equals(fingerprintOf(last.get().parameters()));
    if (!force && sameSettings && last.get().inputSnapshots().equals(inputs)) {
      ledger("NOOP", null);
      LOG.info(
          "Gold {} {}..{}: the last run ({}) already read these silver snapshots with these"
              + " settings; nothing to do (use --force to rebuild).",
          mode,
          start,
          end,
          last.get().runId());
      return new GoldResult(runId, "NOOP", start, end, end, Map.of(), null);
    }
    try {
      widenWindow(last, sameSettings);
      GoldResult result = build();
      ledger("SUCCESS", null);
      LOG.info(
          "Gold {} {}..{} committed (recomputed through {}){}: {}.",
          mode,
          windowStart,
          windowEnd,
          result.rangeEnd(),
          catchUp == null ? "" : "; " + catchUp,
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
   * The requested window widened to every date silver changed since the last successful run (all of
   * silver after a settings change, from restateFrom for a restate).
   */
  private void widenWindow(Optional<RunLedger.PastRun> last, boolean sameSettings) {
    SilverChanges.Changes changes;
    if ("restate".equals(mode)) {
      changes = SilverChanges.everything(spark, "restate requested");
      if (restateFrom != null) {
        changes.dates().headSet(restateFrom).clear();
      }
    } else if (last.isPresent() && !sameSettings) {
      changes =
          SilverChanges.everything(
              spark,
              "the settings that change gold's numbers ("
                  + String.join(", ", GoldModels.NUMBER_SETTINGS)
                  + ") or the models' SQL differ from those of run "
                  + last.get().runId());
    } else {
      changes =
          SilverChanges.since(
              spark, last.map(RunLedger.PastRun::inputSnapshots).orElse(Map.of()), inputs);
    }
    long customers = inputs.get(Tables.SILVER_CUSTOMERS);
    customerStates =
        changes.everything() || last.isEmpty()
            ? SilverChanges.statesSince(spark, Tables.SILVER_CUSTOMERS, null, customers)
            : SilverChanges.statesSince(
                spark,
                Tables.SILVER_CUSTOMERS,
                last.get().inputSnapshots().get(Tables.SILVER_CUSTOMERS),
                customers);
    SortedSet<LocalDate> dates = new TreeSet<>(changes.dates());
    if (!"restate".equals(mode)) {
      for (LocalDate d = start; !d.isAfter(end); d = d.plusDays(1)) {
        dates.add(d);
      }
    } else if (dates.isEmpty()) {
      dates.add(start);
    }
    windowStart = dates.first();
    windowEnd = dates.last().isAfter(end) ? dates.last() : end;
    long outside =
        changes.dates().stream().filter(d -> d.isBefore(start) || d.isAfter(end)).count();
    if (changes.everything()) {
      catchUp = "rebuilt every date from " + windowStart + " because " + changes.reason();
    } else if (outside > 0) {
      catchUp =
          "caught up "
              + outside
              + " date(s) outside "
              + start
              + ".."
              + end
              + " that silver changed since the last gold run";
    }
  }

  /**
   * Walks the models in order; balances and monthly marts reach the last day gold has balances for.
   */
  private GoldResult build() {
    // Read before the first write: of the models, only the balance model writes this table.
    LocalDate rangeEnd = windowEnd;
    Row lastBalance =
        spark.sql("SELECT max(balance_date) FROM " + Tables.GOLD_FCT_DAILY_ACCOUNT_BALANCE).first();
    if (!lastBalance.isNullAt(0) && lastBalance.getDate(0).toLocalDate().isAfter(rangeEnd)) {
      rangeEnd = lastBalance.getDate(0).toLocalDate();
    }
    Map<String, Object> parameters =
        GoldModels.parameters(config, windowStart, windowEnd, rangeEnd, inputs);
    int atOnce = config.intValue(Settings.GOLD_MODELS_AT_ONCE);
    Map<GoldModel, OptionalLong> rows = new HashMap<>();
    for (List<GoldModel> wave : GoldModels.waves()) {
      List<SideBySide.Work<OptionalLong, RuntimeException>> work = new ArrayList<>();
      for (GoldModel model : wave) {
        work.add(() -> write(model, parameters));
      }
      List<OptionalLong> done = SideBySide.all("gold-model", atOnce, work);
      for (int i = 0; i < wave.size(); i++) {
        rows.put(wave.get(i), done.get(i));
      }
    }
    // Recorded in the models' order, whichever finished first.
    for (GoldModel model : GoldModels.ORDER) {
      rows.get(model).ifPresent(n -> written.put(model.target(), n));
    }
    return new GoldResult(runId, "SUCCESS", windowStart, windowEnd, rangeEnd, written, catchUp);
  }

  /** Writes one model; the rows written when its write reports them. */
  private OptionalLong write(GoldModel model, Map<String, Object> parameters) {
    long t0 = System.nanoTime();
    if (model.write() instanceof GoldModel.Write.Scd2) {
      // Every state silver held since the last run, in order: two changes between runs are two
      // versions.
      for (long state : customerStates) {
        Map<String, Object> asOf = new HashMap<>(parameters);
        asOf.put(
            "silver_customers",
            SqlTemplate.tableAt(Tables.qualified(Tables.SILVER_CUSTOMERS), state));
        ModelWriter.write(spark, model, asOf);
      }
      LOG.info(
          "Gold model {} written from {} silver state(s) in {} ms.",
          model.name(),
          customerStates.size(),
          (System.nanoTime() - t0) / 1_000_000);
      return OptionalLong.empty();
    }
    OptionalLong rows = ModelWriter.write(spark, model, parameters);
    LOG.info("Gold model {} written in {} ms.", model.name(), (System.nanoTime() - t0) / 1_000_000);
    return rows;
  }

  private static String fingerprintOf(String parameters) {
    if (parameters == null) {
      return null;
    }
    try {
      JsonNode p = JSON.readTree(parameters);
      return p.hasNonNull("settings_fingerprint") ? p.get("settings_fingerprint").asText() : null;
    } catch (java.io.IOException e) {
      return null;
    }
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
            .window(windowStart, windowEnd)
            .parameters(parameters())
            .status(status)
            .startedAt(startedAt)
            .counts(new RunRecord.Counts(0, rows, 0, 0, 0))
            .inputSnapshots(inputs)
            .outputSnapshots(outputs)
            .error(error)
            .build());
  }

  private String parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("requested_start", start.toString());
    p.put("requested_end", end.toString());
    p.put("mode", mode);
    p.put("settings_fingerprint", fingerprint);
    if (catchUp != null) {
      p.put("catch_up", catchUp);
    }
    try {
      return JSON.writeValueAsString(p);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the run's parameters as JSON.", e);
    }
  }

  private long snapshot(String table) {
    return LakehouseSpark.currentSnapshotId(spark, table);
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
