package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.DataQualityException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silver job for one window of event dates: reads bronze as of one snapshot per table, builds
 * the {@link SilverPlan} (validation, deduplication, transaction states), scores the rules with
 * {@link RuleEvaluator}, and MERGEs into silver with the window's dates as literals. Every run
 * writes a row to ops.runs, failed runs included.
 */
public final class SilverJob {
  private static final Logger LOG = LoggerFactory.getLogger(SilverJob.class);
  static final String JOB = "silver";

  /** daily: business date D with its lookback window; backfill: an explicit range. */
  public enum Mode {
    DAILY,
    BACKFILL
  }

  /** One run: the business date and the window of event dates it reprocesses. */
  public record Request(
      LocalDate businessDate,
      LocalDate windowStart,
      LocalDate windowEnd,
      Mode mode,
      boolean force) {
    public static Request daily(LocalDate date, int lookbackDays, boolean force) {
      return new Request(date, date.minusDays(lookbackDays), date, Mode.DAILY, force);
    }

    public static Request backfill(LocalDate from, LocalDate to, boolean force) {
      if (to.isBefore(from)) {
        throw new ConfigException("--to " + to + " is before --from " + from + ".");
      }
      return new Request(to, from, to, Mode.BACKFILL, force);
    }
  }

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final Request request;
  private final Expectations rules;
  private final String runId = UUID.randomUUID().toString();
  private final Timestamp startedAt = now();
  private final Map<String, Long> dqFailures = new TreeMap<>();
  private final List<Row> dqRows = new ArrayList<>();
  private final Map<String, Long> inputSnapshots = new TreeMap<>();
  private final Map<String, Timestamp> watermarks = new TreeMap<>();
  private final AuditBranch branch;
  private String verdict;
  private FxRates fx;
  private long fxSnapshot;

  private SilverJob(SparkSession spark, LakehouseConfig config, Request request) {
    this.spark = spark;
    this.config = config;
    this.request = request;
    this.rules = Expectations.withOverrides(config.get(Settings.SILVER_SEVERITY_OVERRIDES));
    this.branch = new AuditBranch(spark, runId);
  }

  /**
   * The daily run for a business date, after the missed dates if the previous one was never
   * processed and silver.on-gap=process.
   */
  public static List<SilverResult> runDaily(
      SparkSession spark, LakehouseConfig config, LocalDate date, boolean force) {
    SilverTables.createIfMissing(spark);
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    List<LocalDate> missed = SilverHistory.missedDates(spark, JOB, date);
    List<SilverResult> results = new ArrayList<>();
    if (!missed.isEmpty()) {
      String range =
          missed.get(0) + (missed.size() > 1 ? " to " + missed.get(missed.size() - 1) : "");
      if ("stop".equals(config.get(Settings.SILVER_ON_GAP))) {
        throw new ConfigException(
            "Cannot run silver for "
                + date
                + ": the previous date was never processed (missed: "
                + range
                + ")."
                + " Run 'lakehouse silver --from "
                + missed.get(0)
                + " --to "
                + date
                + "', or set silver.on-gap=process.");
      }
      LOG.warn("Silver was never run for {}; processing the missed dates first.", range);
      for (LocalDate d : missed) {
        results.add(run(spark, config, Request.daily(d, lookback, force)));
      }
    }
    results.add(run(spark, config, Request.daily(date, lookback, force)));
    return results;
  }

  public static SilverResult run(SparkSession spark, LakehouseConfig config, Request request) {
    SilverTables.createIfMissing(spark);
    return new SilverJob(spark, config, request).run();
  }

  /**
   * The plan a run for this request would build from bronze as it is now, without scoring,
   * committing or recording anything: for tools that time or compare silver's MERGE (the
   * benchmark).
   */
  public static SilverPlan plan(SparkSession spark, LakehouseConfig config, Request request) {
    SilverTables.createIfMissing(spark);
    SilverJob job = new SilverJob(spark, config, request);
    String key = Pii.key(config);
    job.recordInputSnapshots();
    return SilverPlan.of(job.inputs(key, UnaryOperator.identity()));
  }

  private void recordInputSnapshots() {
    requireBronze();
    for (Topic topic : Topic.payments()) {
      inputSnapshots.put(topic.bronzeTable(), currentSnapshot(topic.bronzeTable()));
    }
    // The rates are an input too: a new or corrected rate makes the same window worth rerunning.
    fxSnapshot = currentSnapshot(Tables.SILVER_FX_RATES);
    fx = FxRates.asOf(spark, fxDefaults(), fxSnapshot).orElseThrow();
    inputSnapshots.put(FX_INPUT, fx.digest());
  }

  /** The input_snapshots key of the rates' digest (fx.inr-rates and silver.fx_rates together). */
  static final String FX_INPUT = "fx_rates_digest";

  private Map<String, BigDecimal> fxDefaults() {
    return FxRates.parseDefaults(config.get(Settings.FX_INR_RATES));
  }

  /**
   * Where today's rates value dates differently from the rates the last published run used (its
   * recorded fx.inr-rates and silver.fx_rates snapshot). Every date of every currency when that
   * snapshot is gone; nothing when no run was published yet.
   */
  private List<FxRates.Change> fxChanges() {
    Optional<RunLedger.PastRun> last = RunLedger.latestSucceeded(spark, JOB);
    if (last.isEmpty()
        || Long.valueOf(fx.digest()).equals(last.get().inputSnapshots().get(FX_INPUT))) {
      return List.of();
    }
    Map<String, BigDecimal> defaults = fxDefaults();
    long snapshot = -1;
    Optional<FxRates> before;
    try {
      JsonNode p = new ObjectMapper().readTree(last.get().parameters());
      if (p.hasNonNull("fx_inr_rates")) {
        defaults = FxRates.parseDefaults(p.get("fx_inr_rates").asText());
      }
      if (p.hasNonNull("fx_rates_snapshot")) {
        snapshot = p.get("fx_rates_snapshot").asLong();
      }
      before = FxRates.asOf(spark, defaults, snapshot);
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("Cannot read the rates of run {}: {}", last.get().runId(), e.getMessage());
      before = Optional.empty();
    }
    if (before.isPresent()) {
      return fx.changesSince(before.get());
    }
    LOG.warn(
        "The rates of the last published silver run ({} snapshot {}) are gone; every non-INR"
            + " transaction is checked against today's rates.",
        Tables.SILVER_FX_RATES,
        snapshot);
    return fx.currencies().stream().map(c -> new FxRates.Change(c, null, null)).toList();
  }

  /**
   * The plan's inputs. Known keys are read from silver's main: the plan adds the window's own
   * customers and accounts to them, which is all this run's branch could add.
   */
  private SilverPlan.Inputs inputs(String piiKey, UnaryOperator<Dataset<Row>> reuse) {
    return new SilverPlan.Inputs(
        reuse.apply(read(Topic.TRANSACTIONS)),
        reuse.apply(read(Topic.CUSTOMERS)),
        reuse.apply(read(Topic.ACCOUNTS)),
        reuse.apply(read(Topic.MERCHANTS)),
        spark
            .table(Tables.qualified(Topic.CUSTOMERS.silverTable()))
            .select(Topic.CUSTOMERS.keyField()),
        spark
            .table(Tables.qualified(Topic.ACCOUNTS.silverTable()))
            .select(Topic.ACCOUNTS.keyField()),
        fx,
        config.intValue(Settings.SILVER_FUTURE_TOLERANCE_MINUTES),
        rules,
        piiKey,
        runId,
        startedAt);
  }

  private SilverResult run() {
    String key = Pii.key(config);
    recordInputSnapshots();
    boolean rerun =
        SilverHistory.hasSucceeded(
            spark, JOB, request.mode().name(), request.windowStart(), request.windowEnd());
    if (!request.force()
        && RunLedger.succeededWithInputs(
            spark,
            JOB,
            request.mode().name(),
            request.windowStart(),
            request.windowEnd(),
            inputSnapshots)) {
      String message =
          "Already processed with the same bronze snapshots; nothing to do (use --force to"
              + " reprocess).";
      ledger("NOOP", 0, 0, 0, 0, 0, Map.of(), true, false, message, null);
      LOG.info("Silver {} {}: {}", request.mode().name().toLowerCase(), window(), message);
      return new SilverResult(
          runId,
          "NOOP",
          request.businessDate(),
          request.windowStart(),
          request.windowEnd(),
          0,
          0,
          0,
          0,
          0,
          SilverHistory.outstandingLate(spark),
          true,
          false,
          message,
          Map.of());
    }
    List<Dataset<Row>> persisted = new ArrayList<>();
    try {
      return process(key, rerun, persisted);
    } catch (DataQualityException e) {
      throw e;
    } catch (RuntimeException e) {
      ledgerFailure(e);
      throw e;
    } finally {
      persisted.forEach(Dataset::unpersist);
    }
  }

  /**
   * The row count of each dataset, in one Spark job (which also fills the caches of persisted
   * ones).
   */
  @SafeVarargs
  private static long[] counts(Dataset<Row>... sets) {
    Dataset<Row> tagged = null;
    for (int i = 0; i < sets.length; i++) {
      Dataset<Row> t = sets[i].select(lit(i).as("set"));
      tagged = tagged == null ? t : tagged.union(t);
    }
    long[] out = new long[sets.length];
    for (Row r : tagged.groupBy("set").count().collectAsList()) {
      out[r.getInt(0)] = r.getLong(1);
    }
    return out;
  }

  private SilverResult process(String key, boolean rerun, List<Dataset<Row>> persisted) {
    UnaryOperator<Dataset<Row>> keep = ds -> persist(persisted, ds);
    SilverPlan.Inputs in = inputs(key, keep);
    long rowsRead =
        LongStream.of(
                counts(
                    in.bronzeTransactions(),
                    in.bronzeCustomers(),
                    in.bronzeAccounts(),
                    in.bronzeMerchants()))
            .sum();
    for (Topic topic : Topic.payments()) {
      watermarks.put(topic.bronzeTable(), watermark(topic.bronzeTable()));
    }
    SilverPlan plan = SilverPlan.of(in, keep);
    RuleEvaluator.evaluateAll(plan.ruleRows()).forEach(this::addDq);
    Dataset<Row> quarantined = persist(persisted, plan.quarantine());
    Dataset<Row> late =
        persist(persisted, SilverHistory.lateArrivals(spark, request, inputSnapshots, runId));
    long[] found = counts(quarantined, late);
    long rowsQuarantined = found[0];
    long lateDetected = found[1];

    writeDqResults();
    List<String> failing = new ArrayList<>();
    for (Rule r : Expectations.ALL) {
      if (rules.severity(r) == Severity.FAIL && dqFailures.getOrDefault(r.name(), 0L) > 0) {
        failing.add(r.name() + " (" + dqFailures.get(r.name()) + " rows)");
      }
    }
    if (!failing.isEmpty()) {
      String message =
          "Data-quality rules with severity fail did not pass: "
              + String.join(", ", failing)
              + ". Nothing was committed to silver; see ops.dq_results for run "
              + runId
              + ".";
      branch.discard();
      throw reject(
          String.join(", ", failing), message, rowsRead, rowsQuarantined, lateDetected, rerun);
    }

    // Side effects, in an order that a rerun can always repeat: every write is a MERGE or keyed.
    long inserted = 0;
    long updated = 0;
    long[][] merged =
        SilverMerges.insertedAndUpdated(
            List.of(
                SilverMerges.referenceChange(spark, branch, Topic.CUSTOMERS, plan.customers()),
                SilverMerges.referenceChange(spark, branch, Topic.ACCOUNTS, plan.accounts()),
                SilverMerges.referenceChange(spark, branch, Topic.MERCHANTS, plan.merchants()),
                SilverMerges.transactionChange(
                    spark,
                    branch,
                    plan.transactions(),
                    request.windowStart(),
                    request.windowEnd())));
    SilverMerges.mergeReference(spark, branch, Topic.CUSTOMERS, plan.customers(), merged[0]);
    SilverMerges.mergeReference(spark, branch, Topic.ACCOUNTS, plan.accounts(), merged[1]);
    SilverMerges.mergeReference(spark, branch, Topic.MERCHANTS, plan.merchants(), merged[2]);
    SilverMerges.mergeTransactions(
        spark, branch, plan.transactions(), request.windowStart(), request.windowEnd(), merged[3]);
    for (long[] c : merged) {
      inserted += c[0];
      updated += c[1];
    }
    FxRevaluation.Result revalued = FxRevaluation.apply(spark, branch, fx, fxChanges());
    updated += revalued.revalued();
    if (revalued.describe() != null) {
      LOG.info("Silver {}: {}", window(), revalued.describe());
    }
    if (rowsQuarantined > 0) {
      SilverMerges.mergeQuarantine(spark, branch, quarantined);
    }
    if (lateDetected > 0) {
      SilverMerges.mergeLateArrivals(spark, late);
    }

    // Audit the branch; only a passing run reaches main, where gold and analysts read.
    List<String> problems =
        SilverAudit.problems(
            spark,
            branch,
            in,
            quarantined,
            rowsQuarantined,
            new BigDecimal(config.get(Settings.DQ_MAX_QUARANTINE_RATIO)),
            request.windowStart(),
            request.windowEnd());
    if (!problems.isEmpty()) {
      String message =
          "The audit of branch "
              + branch.name()
              + " failed, so nothing was published to silver: "
              + String.join("; ", problems)
              + ". The branch is kept for inspection. Repair the data and rerun, or accept it"
              + " with --conf "
              + Settings.DQ_MAX_QUARANTINE_RATIO
              + "=<higher> for this run.";
      throw reject(
          String.join("; ", problems), message, rowsRead, rowsQuarantined, lateDetected, rerun);
    }
    branch.publish();
    verdict = "published";
    SilverMerges.markLateApplied(spark, runId, request.windowStart(), request.windowEnd());

    boolean suspicious = rowsRead == 0 && bronzeHasDataNow();
    List<String> notes = new ArrayList<>();
    if (suspicious) {
      notes.add("Suspicious: read 0 rows although bronze now holds data for " + window() + ".");
    } else if (lateDetected > 0) {
      notes.add(
          lateDetected
              + " late arrival(s) for dates before "
              + request.windowStart()
              + " recorded in ops.late_arrivals; apply them with lakehouse backfill.");
    }
    if (revalued.describe() != null) {
      notes.add(revalued.describe());
    }
    String message = notes.isEmpty() ? null : String.join(" ", notes);
    Map<String, Long> outputs = new TreeMap<>();
    for (String t : SilverTables.ALL) {
      outputs.put(t, currentSnapshot(t));
    }
    ledger(
        "SUCCESS",
        rowsRead,
        inserted,
        updated,
        rowsQuarantined,
        lateDetected,
        outputs,
        rerun,
        suspicious,
        message,
        null);
    long outstanding = SilverHistory.outstandingLate(spark);
    LOG.info(
        "Silver {} {} committed: {} bronze rows read, {} inserted, {} updated, {} quarantined, {}"
            + " late arrivals{}.",
        request.mode().name().toLowerCase(),
        window(),
        rowsRead,
        inserted,
        updated,
        rowsQuarantined,
        lateDetected,
        rerun ? " (a rerun)" : "");
    return new SilverResult(
        runId,
        "SUCCESS",
        request.businessDate(),
        request.windowStart(),
        request.windowEnd(),
        rowsRead,
        inserted,
        updated,
        rowsQuarantined,
        lateDetected,
        outstanding,
        rerun,
        suspicious,
        message,
        Map.copyOf(dqFailures));
  }

  // ----------------------------------------------------------------------------------------------

  /** Records a run that publishes nothing, and the exception that ends it (exit code 3). */
  private DataQualityException reject(
      String why, String message, long read, long quarantined, long late, boolean rerun) {
    verdict = "rejected: " + why;
    ledger("FAILED", read, 0, 0, quarantined, late, Map.of(), rerun, false, null, message);
    return new DataQualityException(message);
  }

  private String window() {
    return request.windowStart() + ".." + request.windowEnd();
  }

  private static Dataset<Row> persist(List<Dataset<Row>> persisted, Dataset<Row> ds) {
    Dataset<Row> p = ds.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(p);
    return p;
  }

  /** Bronze rows of the window, as of the snapshot recorded for this run. */
  private Dataset<Row> read(Topic topic) {
    String table = topic.bronzeTable();
    String partitionColumn = topic.eventTimeColumn();
    long snapshot = inputSnapshots.get(table);
    Dataset<Row> all =
        snapshot < 0
            ? spark.table(Tables.qualified(table)).limit(0)
            : spark.read().option("snapshot-id", snapshot).table(Tables.qualified(table));
    return all.filter(
        SilverMerges.windowPredicate(partitionColumn, request.windowStart(), request.windowEnd()));
  }

  /**
   * The newest ingested_at in the table as of the run's snapshot, from the upper bounds Iceberg
   * keeps per data file (its manifests), so no Spark job reads the data; a scan only when a file
   * lacks that bound.
   */
  private Timestamp watermark(String table) {
    long snapshot = inputSnapshots.get(table);
    if (snapshot < 0) {
      return null;
    }
    org.apache.iceberg.Table t = LakehouseSpark.icebergTable(spark, table);
    int field = t.schema().findField("ingested_at").fieldId();
    org.apache.iceberg.types.Type type = t.schema().findType(field);
    Long newest = null;
    try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.FileScanTask> tasks =
        t.newScan().useSnapshot(snapshot).includeColumnStats().planFiles()) {
      for (org.apache.iceberg.FileScanTask task : tasks) {
        java.util.Map<Integer, java.nio.ByteBuffer> bounds = task.file().upperBounds();
        java.nio.ByteBuffer bound = bounds == null ? null : bounds.get(field);
        if (bound == null) {
          return watermarkByScan(table, snapshot);
        }
        long micros = org.apache.iceberg.types.Conversions.<Long>fromByteBuffer(type, bound);
        newest = newest == null ? micros : Math.max(newest, micros);
      }
    } catch (java.io.IOException e) {
      return watermarkByScan(table, snapshot);
    }
    return newest == null ? null : Timestamp.from(Instant.EPOCH.plus(newest, ChronoUnit.MICROS));
  }

  private Timestamp watermarkByScan(String table, long snapshot) {
    Row r =
        spark
            .read()
            .option("snapshot-id", snapshot)
            .table(Tables.qualified(table))
            .agg(functions.max("ingested_at"))
            .first();
    return r.isNullAt(0) ? null : r.getTimestamp(0);
  }

  private boolean bronzeHasDataNow() {
    return spark
            .table(Tables.qualified(Tables.BRONZE_TRANSACTIONS))
            .filter(
                SilverMerges.windowPredicate(
                    Topic.TRANSACTIONS.eventTimeColumn(),
                    request.windowStart(),
                    request.windowEnd()))
            .limit(1)
            .count()
        > 0;
  }

  private void requireBronze() {
    for (Topic topic : Topic.payments()) {
      String t = topic.bronzeTable();
      if (!spark.catalog().tableExists(Tables.qualified(t))) {
        throw new ConfigException(
            "Cannot run silver: " + t + " does not exist yet; run 'lakehouse bronze' first.");
      }
    }
  }

  long currentSnapshot(String table) {
    return LakehouseSpark.currentSnapshotId(spark, table);
  }

  // ----------------------------------------------------------------------------------------------
  // Data-quality results

  private void addDq(RuleEvaluator.Result result) {
    Rule rule = result.rule();
    String severity = rules.severity(rule).name().toLowerCase();
    dqFailures.put(rule.name(), result.failed());
    dqRows.add(
        RowFactory.create(
            runId,
            rule.table(),
            rule.name(),
            severity,
            result.checked(),
            result.failed(),
            scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<>(result.samples()))
                .toSeq(),
            rule.description(),
            now()));
    if (result.failed() > 0) {
      LOG.info(
          "Rule {} ({}): {} of {} rows failed, e.g. {}.",
          rule.name(),
          severity,
          result.failed(),
          result.checked(),
          result.samples());
    }
  }

  private void writeDqResults() {
    Dataset<Row> rows = spark.createDataFrame(dqRows, spark.table(Tables.OPS_DQ_RESULTS).schema());
    LakehouseSpark.append(rows, Tables.OPS_DQ_RESULTS);
  }

  // ----------------------------------------------------------------------------------------------
  // Ledger

  private void ledgerFailure(RuntimeException e) {
    if (verdict == null && branch.isOpenAny()) {
      verdict = "not published: the run failed before its audit";
    }
    try {
      ledger("FAILED", 0, 0, 0, 0, 0, Map.of(), false, false, null, String.valueOf(e.getMessage()));
    } catch (RuntimeException second) {
      LOG.error(
          "Cannot record the failed run {} in {}: {}", runId, Tables.OPS_RUNS, second.getMessage());
    }
  }

  private void ledger(
      String status,
      long read,
      long inserted,
      long updated,
      long quarantined,
      long late,
      Map<String, Long> outputs,
      boolean rerun,
      boolean suspicious,
      String message,
      String error) {
    RunLedger.append(
        spark,
        RunRecord.builder(runId, JOB, request.mode().name().toLowerCase())
            .businessDate(request.businessDate())
            .window(request.windowStart(), request.windowEnd())
            .parameters(parameters())
            .status(status)
            .startedAt(startedAt)
            .counts(new RunRecord.Counts(read, inserted, updated, quarantined, late))
            .inputSnapshots(inputSnapshots)
            .inputWatermarks(watermarks)
            .outputSnapshots(outputs)
            .rerun(rerun)
            .suspicious(suspicious)
            .message(message)
            .error(error)
            .audit(branch.isOpenAny() ? branch.name() : null, verdict)
            .build());
  }

  private String parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("business_date", request.businessDate().toString());
    p.put("window_start", request.windowStart().toString());
    p.put("window_end", request.windowEnd().toString());
    p.put("mode", request.mode().name().toLowerCase());
    p.put("force", request.force());
    p.put("lookback_days", config.intValue(Settings.SILVER_LOOKBACK_DAYS));
    p.put("severity_overrides", config.get(Settings.SILVER_SEVERITY_OVERRIDES));
    p.put("fx_inr_rates", config.get(Settings.FX_INR_RATES));
    p.put("fx_rates_snapshot", fxSnapshot);
    try {
      return new ObjectMapper().writeValueAsString(p);
    } catch (JsonProcessingException e) {
      return p.toString();
    }
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
