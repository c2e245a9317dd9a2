package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silver job for one window of event dates: reads bronze as of one snapshot per table, validates,
 * deduplicates, resolves transaction states, and MERGEs into silver with the window's dates as literals.
 * Every run writes a row to ops.runs, failed runs included.
 */
public final class SilverJob {
  private static final Logger LOG = LoggerFactory.getLogger(SilverJob.class);
  static final String JOB = "silver";

  /** daily: business date D with its lookback window; backfill: an explicit range. */
  public enum Mode { DAILY, BACKFILL }

  /** One run: the business date and the window of event dates it reprocesses. */
  public record Request(LocalDate businessDate, LocalDate windowStart, LocalDate windowEnd, Mode mode, boolean force) {
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

  private static final String[] BRONZE_TABLES = {
    Tables.BRONZE_CUSTOMERS, Tables.BRONZE_ACCOUNTS, Tables.BRONZE_MERCHANTS, Tables.BRONZE_TRANSACTIONS
  };

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

  private SilverJob(SparkSession spark, LakehouseConfig config, Request request) {
    this.spark = spark;
    this.config = config;
    this.request = request;
    this.rules = Expectations.withOverrides(config.get(Settings.SILVER_SEVERITY_OVERRIDES));
  }

  /**
   * The daily run for a business date, after the missed dates if the previous one was never processed
   * and silver.on-gap=process.
   */
  public static List<SilverResult> runDaily(SparkSession spark, LakehouseConfig config, LocalDate date, boolean force) {
    SilverTables.createIfMissing(spark);
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    List<LocalDate> missed = SilverHistory.missedDates(spark, JOB, date);
    List<SilverResult> results = new ArrayList<>();
    if (!missed.isEmpty()) {
      String range = missed.get(0) + (missed.size() > 1 ? " to " + missed.get(missed.size() - 1) : "");
      if ("stop".equals(config.get(Settings.SILVER_ON_GAP))) {
        throw new ConfigException(
            "Cannot run silver for " + date + ": the previous date was never processed (missed: " + range + ")."
                + " Run 'lakehouse silver --from " + missed.get(0) + " --to " + date + "', or set silver.on-gap=process.");
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

  private SilverResult run() {
    String key = Pii.key(config);
    requireBronze();
    for (String t : BRONZE_TABLES) {
      inputSnapshots.put(t, currentSnapshot(t));
    }
    boolean rerun = SilverHistory.hasSucceeded(spark, JOB, request.mode().name(), request.windowStart(), request.windowEnd());
    if (!request.force() && RunLedger.succeededWithInputs(
        spark, JOB, request.mode().name(), request.windowStart(), request.windowEnd(), inputSnapshots)) {
      String message = "Already processed with the same bronze snapshots; nothing to do (use --force to reprocess).";
      ledger("NOOP", 0, 0, 0, 0, 0, Map.of(), true, false, message, null);
      LOG.info("Silver {} {}: {}", request.mode().name().toLowerCase(), window(), message);
      return new SilverResult(runId, "NOOP", request.businessDate(), request.windowStart(), request.windowEnd(),
          0, 0, 0, 0, 0, SilverHistory.outstandingLate(spark), true, false, message, Map.of());
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

  private SilverResult process(String key, boolean rerun, List<Dataset<Row>> persisted) {
    Map<String, BigDecimal> rates = rates();
    int tolerance = config.intValue(Settings.SILVER_FUTURE_TOLERANCE_MINUTES);
    Dataset<Row> bronzeTxn = persist(persisted, read(Topic.TRANSACTIONS));
    Dataset<Row> bronzeCustomers = persist(persisted, read(Topic.CUSTOMERS));
    Dataset<Row> bronzeAccounts = persist(persisted, read(Topic.ACCOUNTS));
    Dataset<Row> bronzeMerchants = persist(persisted, read(Topic.MERCHANTS));
    long rowsRead = bronzeTxn.count() + bronzeCustomers.count() + bronzeAccounts.count() + bronzeMerchants.count();
    for (String t : BRONZE_TABLES) {
      watermarks.put(t, watermark(t));
    }

    // Reference data: quarantine keyless rows, keep the latest state per key.
    List<Dataset<Row>> quarantine = new ArrayList<>();
    Dataset<Row> customersIn = rowRule(Expectations.CUSTOMER_KEYS_NOT_NULL, bronzeCustomers,
        blank("customer_id"), "customer_id", Tables.BRONZE_CUSTOMERS, quarantine, true);
    Dataset<Row> accountsIn = rowRule(Expectations.ACCOUNT_KEYS_NOT_NULL, bronzeAccounts,
        blank("account_id").or(blank("customer_id")), "account_id", Tables.BRONZE_ACCOUNTS, quarantine, false);
    Dataset<Row> merchantsIn = rowRule(Expectations.MERCHANT_KEYS_NOT_NULL, bronzeMerchants,
        blank("merchant_id"), "merchant_id", Tables.BRONZE_MERCHANTS, quarantine, false);
    Dataset<Row> customers = persist(persisted,
        SilverTransforms.customers(SilverTransforms.latestByKey(customersIn, "customer_id"), Pii.hmacFunction(key)));
    Dataset<Row> knownCustomers = customers.select("customer_id")
        .union(spark.table(Tables.SILVER_CUSTOMERS).select("customer_id"));
    Dataset<Row> accounts0 = persist(persisted,
        SilverTransforms.accounts(SilverTransforms.latestByKey(accountsIn, "account_id"), knownCustomers));
    Dataset<Row> accounts = stateRule(Expectations.ACCOUNT_CUSTOMER_KNOWN, accounts0,
        col("is_customer_known").equalTo(false), "account_id");
    Dataset<Row> knownAccounts = accounts.select("account_id")
        .union(spark.table(Tables.SILVER_ACCOUNTS).select("account_id"));
    Dataset<Row> merchants = persist(persisted,
        SilverTransforms.merchants(SilverTransforms.latestByKey(merchantsIn, "merchant_id")));

    // Transactions: drop redeliveries, apply the event rules, resolve states.
    Dataset<Row> events = persist(persisted,
        SilverTransforms.flagEventRules(SilverTransforms.dedupeRedeliveries(bronzeTxn), rates, tolerance));
    Column anyQuarantined = lit(false);
    for (Rule r : List.of(Expectations.TXN_KEYS_NOT_NULL, Expectations.TXN_AMOUNT_VALID,
        Expectations.TXN_KNOWN_CURRENCY, Expectations.TXN_EVENT_TS_NOT_FUTURE)) {
      Column failed = col(r.name());
      record(r, events, failed, "transaction_id");
      if (rules.severity(r) == Severity.QUARANTINE) {
        quarantine.add(quarantineRows(r, events.filter(failed), lit(r.description()), "transaction_id",
            Tables.BRONZE_TRANSACTIONS, "event_ts", false));
        anyQuarantined = anyQuarantined.or(failed);
      }
    }
    Dataset<Row> legalCandidates = events.filter(anyQuarantined.unary_$bang())
        .drop(Expectations.TXN_KEYS_NOT_NULL.name(), Expectations.TXN_AMOUNT_VALID.name(),
            Expectations.TXN_KNOWN_CURRENCY.name(), Expectations.TXN_EVENT_TS_NOT_FUTURE.name());
    Dataset<Row> resolved = persist(persisted, SilverTransforms.resolveStates(legalCandidates));
    Dataset<Row> rejected = resolved.filter(col("kind").equalTo(SilverTransforms.KIND_REJECTED));
    long candidates = legalCandidates.count();
    recordCounts(Expectations.TXN_LEGAL_TRANSITION, candidates, rejected, "transaction_id");
    if (rules.severity(Expectations.TXN_LEGAL_TRANSITION) == Severity.QUARANTINE) {
      quarantine.add(quarantineRows(Expectations.TXN_LEGAL_TRANSITION,
          rejected.drop("kind", "first_seen_at", "events_seen"), col("reason"), "transaction_id",
          Tables.BRONZE_TRANSACTIONS, "event_ts", false));
    }
    Dataset<Row> states = resolved.filter(col("kind").equalTo(SilverTransforms.KIND_STATE));
    Dataset<Row> transactions0 = persist(persisted,
        SilverTransforms.currentTransactions(states, rates, knownAccounts, knownCustomers));
    Dataset<Row> transactions = stateRule(Expectations.TXN_ACCOUNT_KNOWN, transactions0,
        col("is_account_known").equalTo(false), "transaction_id");
    transactions = stateRule(Expectations.TXN_CUSTOMER_KNOWN, transactions,
        col("is_customer_known").equalTo(false), "transaction_id");

    uniqueRule(Expectations.TXN_UNIQUE_KEYS, transactions, "transaction_id");
    uniqueRule(Expectations.CUSTOMER_UNIQUE_KEYS, customers, "customer_id");
    uniqueRule(Expectations.ACCOUNT_UNIQUE_KEYS, accounts, "account_id");
    uniqueRule(Expectations.MERCHANT_UNIQUE_KEYS, merchants, "merchant_id");

    Dataset<Row> quarantined = persist(persisted, quarantine.stream().reduce(Dataset::unionByName)
        .orElseGet(() -> spark.table(Tables.SILVER_QUARANTINE).limit(0)));
    long rowsQuarantined = quarantined.count();
    Dataset<Row> late = persist(persisted, SilverHistory.lateArrivals(spark, request, inputSnapshots, runId));
    long lateDetected = late.count();

    writeDqResults();
    List<String> failing = new ArrayList<>();
    for (Rule r : Expectations.ALL) {
      if (rules.severity(r) == Severity.FAIL && dqFailures.getOrDefault(r.name(), 0L) > 0) {
        failing.add(r.name() + " (" + dqFailures.get(r.name()) + " rows)");
      }
    }
    if (!failing.isEmpty()) {
      String message = "Data-quality rules with severity fail did not pass: " + String.join(", ", failing)
          + ". Nothing was committed to silver; see ops.dq_results for run " + runId + ".";
      ledger("FAILED", rowsRead, 0, 0, rowsQuarantined, lateDetected, Map.of(), rerun, false, null, message);
      throw new DataQualityException(message);
    }

    // Side effects, in an order that a rerun can always repeat: every write is a MERGE or keyed.
    long inserted = 0;
    long updated = 0;
    long[] c = SilverMerges.mergeReference(spark, Tables.SILVER_CUSTOMERS, "customer_id", customers);
    inserted += c[0];
    updated += c[1];
    c = SilverMerges.mergeReference(spark, Tables.SILVER_ACCOUNTS, "account_id", accounts);
    inserted += c[0];
    updated += c[1];
    c = SilverMerges.mergeReference(spark, Tables.SILVER_MERCHANTS, "merchant_id", merchants);
    inserted += c[0];
    updated += c[1];
    c = SilverMerges.mergeTransactions(spark, transactions, request.windowStart(), request.windowEnd(),
        config.boolValue(Settings.SILVER_MERGE_PRUNING));
    inserted += c[0];
    updated += c[1];
    SilverMerges.mergeQuarantine(spark, quarantined);
    SilverMerges.mergeLateArrivals(spark, late);
    SilverMerges.markLateApplied(spark, runId, request.windowStart(), request.windowEnd(), watermarks);

    boolean suspicious = rowsRead == 0 && bronzeHasDataNow();
    String message = suspicious
        ? "Suspicious: read 0 rows although bronze now holds data for " + window() + "."
        : lateDetected > 0
            ? lateDetected + " late arrival(s) for dates before " + request.windowStart()
                + " recorded in ops.late_arrivals; apply them with lakehouse backfill."
            : null;
    Map<String, Long> outputs = new TreeMap<>();
    for (String t : List.of(Tables.SILVER_TRANSACTIONS, Tables.SILVER_CUSTOMERS, Tables.SILVER_ACCOUNTS,
        Tables.SILVER_MERCHANTS, Tables.SILVER_QUARANTINE)) {
      outputs.put(t, currentSnapshot(t));
    }
    ledger("SUCCESS", rowsRead, inserted, updated, rowsQuarantined, lateDetected, outputs, rerun, suspicious, message, null);
    long outstanding = SilverHistory.outstandingLate(spark);
    LOG.info("Silver {} {} committed: {} bronze rows read, {} inserted, {} updated, {} quarantined, {} late arrivals{}.",
        request.mode().name().toLowerCase(), window(), rowsRead, inserted, updated, rowsQuarantined, lateDetected,
        rerun ? " (a rerun)" : "");
    return new SilverResult(runId, "SUCCESS", request.businessDate(), request.windowStart(), request.windowEnd(),
        rowsRead, inserted, updated, rowsQuarantined, lateDetected, outstanding, rerun, suspicious, message,
        Map.copyOf(dqFailures));
  }

  // ----------------------------------------------------------------------------------------------

  private String window() {
    return request.windowStart() + ".." + request.windowEnd();
  }

  private static Dataset<Row> persist(List<Dataset<Row>> persisted, Dataset<Row> ds) {
    Dataset<Row> p = ds.persist(StorageLevel.MEMORY_AND_DISK());
    persisted.add(p);
    return p;
  }

  private static Column blank(String column) {
    return col(column).isNull().or(org.apache.spark.sql.functions.trim(col(column)).equalTo(""));
  }

  /** Bronze rows of the window, as of the snapshot recorded for this run. */
  private Dataset<Row> read(Topic topic) {
    String table = topic.bronzeTable();
    String partitionColumn = topic.eventTimeColumn();
    long snapshot = inputSnapshots.get(table);
    Dataset<Row> all = snapshot < 0
        ? spark.table(Tables.qualified(table)).limit(0)
        : spark.read().option("snapshot-id", snapshot).table(Tables.qualified(table));
    return all.filter(SilverMerges.windowPredicate(partitionColumn, request.windowStart(), request.windowEnd()));
  }

  private Timestamp watermark(String table) {
    long snapshot = inputSnapshots.get(table);
    if (snapshot < 0) {
      return null;
    }
    Row r = spark.read().option("snapshot-id", snapshot).table(Tables.qualified(table))
        .agg(org.apache.spark.sql.functions.max("ingested_at")).first();
    return r.isNullAt(0) ? null : r.getTimestamp(0);
  }

  private boolean bronzeHasDataNow() {
    return spark.table(Tables.qualified(Tables.BRONZE_TRANSACTIONS))
        .filter(SilverMerges.windowPredicate(
            Topic.TRANSACTIONS.eventTimeColumn(), request.windowStart(), request.windowEnd()))
        .limit(1).count() > 0;
  }

  private void requireBronze() {
    for (String t : BRONZE_TABLES) {
      if (!spark.catalog().tableExists(Tables.qualified(t))) {
        throw new ConfigException("Cannot run silver: " + t + " does not exist yet; run 'lakehouse bronze' first.");
      }
    }
  }

  long currentSnapshot(String table) {
    return LakehouseSpark.currentSnapshotId(spark, table);
  }


  private Map<String, BigDecimal> rates() {
    Map<String, BigDecimal> rates = new TreeMap<>();
    for (String part : config.get(Settings.FX_INR_RATES).split(",")) {
      String[] kv = part.trim().split("=");
      rates.put(kv[0].trim(), new BigDecimal(kv[1].trim()));
    }
    return rates;
  }

  // ----------------------------------------------------------------------------------------------
  // Rules

  /** Evaluates a row rule; quarantines failing rows when its severity says so; returns the kept rows. */
  private Dataset<Row> rowRule(Rule rule, Dataset<Row> rows, Column failed, String keyColumn, String source,
      List<Dataset<Row>> quarantine, boolean hasPii) {
    record(rule, rows, failed, keyColumn);
    if (rules.severity(rule) != Severity.QUARANTINE) {
      return rows;
    }
    quarantine.add(quarantineRows(rule, rows.filter(failed), lit(rule.description()), keyColumn, source, "updated_at", hasPii));
    return rows.filter(failed.unary_$bang());
  }

  /** A rule on silver rows (reference flags): warn keeps them flagged, quarantine drops them from the MERGE. */
  private Dataset<Row> stateRule(Rule rule, Dataset<Row> rows, Column failed, String keyColumn) {
    record(rule, rows, failed, keyColumn);
    return rules.severity(rule) == Severity.QUARANTINE ? rows.filter(failed.unary_$bang()) : rows;
  }

  private void uniqueRule(Rule rule, Dataset<Row> rows, String keyColumn) {
    SilverTransforms.KeyCheck check = SilverTransforms.duplicateKeys(rows, keyColumn);
    addDq(rule, check.rows(), check.duplicates(), check.samples());
  }

  private void record(Rule rule, Dataset<Row> rows, Column failed, String keyColumn) {
    Row r = rows.agg(count(lit(1)), sum(when(failed, 1).otherwise(0)),
        slice(collect_list(when(failed, col(keyColumn).cast("string"))), 1, 5)).first();
    long checked = r.getLong(0);
    long fails = r.isNullAt(1) ? 0 : r.getLong(1);
    addDq(rule, checked, fails, r.getList(2));
  }

  private void recordCounts(Rule rule, long checked, Dataset<Row> failedRows, String keyColumn) {
    Row r = failedRows.agg(count(lit(1)), slice(collect_list(col(keyColumn)), 1, 5)).first();
    addDq(rule, checked, r.getLong(0), r.getList(1));
  }

  private void addDq(Rule rule, long checked, long failed, List<String> samples) {
    dqFailures.put(rule.name(), failed);
    dqRows.add(org.apache.spark.sql.RowFactory.create(runId, rule.table(), rule.name(),
        rules.severity(rule).name().toLowerCase(), checked, failed,
        scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<>(samples)).toSeq(), rule.description(), now()));
    if (failed > 0) {
      LOG.info("Rule {} ({}): {} of {} rows failed, e.g. {}.", rule.name(), rules.severity(rule).name().toLowerCase(),
          failed, checked, samples);
    }
  }

  private void writeDqResults() {
    Dataset<Row> rows = spark.createDataFrame(dqRows, spark.table(Tables.OPS_DQ_RESULTS).schema());
    LakehouseSpark.append(rows, Tables.OPS_DQ_RESULTS);
  }

  private Dataset<Row> quarantineRows(Rule rule, Dataset<Row> rows, Column reason, String keyColumn, String source,
      String dateColumn, boolean hasPii) {
    Dataset<Row> original = hasPii ? rows.drop("full_name", "email", "phone", "date_of_birth") : rows;
    Column[] originalColumns = java.util.Arrays.stream(original.columns())
        .filter(c -> !c.equals("reason") && !c.startsWith("txn_")).map(c -> col(c)).toArray(Column[]::new);
    return original.select(
        lit(rule.name()).as("rule"), reason.as("reason"), lit(source).as("source_table"),
        col(keyColumn).cast("string").as("business_key"), to_date(col(dateColumn)).as("event_date"),
        col("kafka_partition"), col("kafka_offset"), to_json(struct(originalColumns)).as("original_row"),
        lit(runId).as("run_id"), lit(startedAt).as("quarantined_at"));
  }

  // ----------------------------------------------------------------------------------------------
  // Ledger

  private void ledgerFailure(RuntimeException e) {
    try {
      ledger("FAILED", 0, 0, 0, 0, 0, Map.of(), false, false, null, String.valueOf(e.getMessage()));
    } catch (RuntimeException second) {
      LOG.error("Cannot record the failed run {} in {}: {}", runId, Tables.OPS_RUNS, second.getMessage());
    }
  }

  private void ledger(String status, long read, long inserted, long updated, long quarantined, long late,
      Map<String, Long> outputs, boolean rerun, boolean suspicious, String message, String error) {
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
