package dev.lakehouse.silver;

import static dev.lakehouse.silver.SilverTransforms.ACCOUNT_ID;
import static dev.lakehouse.silver.SilverTransforms.CUSTOMER_ID;
import static dev.lakehouse.silver.SilverTransforms.MERCHANT_ID;
import static dev.lakehouse.silver.SilverTransforms.TXN_ID;
import static dev.lakehouse.silver.SilverTransforms.blank;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.lakehouse.contract.Topic;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What a silver run derives from the bronze rows of its window before anything is written: the
 * MERGE source of each silver table (one row per key), the rows the rules quarantine, and per table
 * the rule rows that {@link RuleEvaluator} scores. Built by {@link #of}, a pure function: no reads,
 * no writes, no configuration lookups.
 *
 * @param transactions silver.transactions rows: the current legal state of each transaction
 * @param customers silver.customers rows, PII masked or keyed-hashed
 * @param accounts silver.accounts rows
 * @param merchants silver.merchants rows
 * @param quarantine silver.quarantine rows, one per (rule, bronze message)
 * @param ruleRows one entry per silver table
 */
public record SilverPlan(
    Dataset<Row> transactions,
    Dataset<Row> customers,
    Dataset<Row> accounts,
    Dataset<Row> merchants,
    Dataset<Row> quarantine,
    List<RuleEvaluator.RuleRows> ruleRows) {

  /** The key column of the rule rows. */
  static final String KEY = "business_key";

  static final List<Rule> EVENT_RULES =
      List.of(
          Expectations.TXN_KEYS_NOT_NULL,
          Expectations.TXN_AMOUNT_VALID,
          Expectations.TXN_KNOWN_CURRENCY,
          Expectations.TXN_EVENT_TS_NOT_FUTURE);

  static final StructType QUARANTINE_SCHEMA =
      StructType.fromDDL(
          "rule STRING, reason STRING, source_table STRING, business_key STRING, event_date DATE,"
              + " kafka_partition INT, kafka_offset BIGINT, original_row STRING, run_id STRING,"
              + " quarantined_at TIMESTAMP");

  private static final List<String> PII_COLUMNS =
      List.of("full_name", "email", "phone", "date_of_birth");

  public SilverPlan {
    ruleRows = List.copyOf(ruleRows);
  }

  /**
   * Everything a plan depends on.
   *
   * @param bronzeTransactions bronze.transactions rows of the window, redeliveries included
   * @param bronzeCustomers bronze.customers rows of the window (likewise accounts and merchants)
   * @param silverCustomerIds customer ids already in silver; with the window's customers, the known
   *     ones
   * @param silverAccountIds account ids already in silver
   * @param fxRates INR value of one unit of each accepted currency, by date
   * @param futureToleranceMinutes how far event time may lie after arrival
   * @param rules the rules with this run's severities
   * @param piiKey the secret of the keyed PII hashes
   * @param runId the run that quarantines rows
   * @param startedAt the quarantine time of this run's rows
   */
  public record Inputs(
      Dataset<Row> bronzeTransactions,
      Dataset<Row> bronzeCustomers,
      Dataset<Row> bronzeAccounts,
      Dataset<Row> bronzeMerchants,
      Dataset<Row> silverCustomerIds,
      Dataset<Row> silverAccountIds,
      FxRates fxRates,
      int futureToleranceMinutes,
      Expectations rules,
      String piiKey,
      String runId,
      Timestamp startedAt) {
    /** Without the PII key, so that logging the inputs never leaks it. */
    @Override
    public String toString() {
      return "SilverPlan.Inputs[runId="
          + runId
          + ", fxRates="
          + fxRates
          + ", futureToleranceMinutes="
          + futureToleranceMinutes
          + "]";
    }
  }

  /** The plan, with every intermediate result recomputed by each output that uses it. */
  public static SilverPlan of(Inputs in) {
    return of(in, UnaryOperator.identity());
  }

  /**
   * The plan.
   *
   * @param reuse applied to each intermediate result that several outputs share; the job persists
   *     them
   */
  public static SilverPlan of(Inputs in, UnaryOperator<Dataset<Row>> reuse) {
    return new Planner(in, reuse).plan();
  }

  /** Builds one plan; collects the quarantine and rule rows on the way. */
  private static final class Planner {
    private final Inputs in;
    private final UnaryOperator<Dataset<Row>> reuse;
    private final List<Dataset<Row>> quarantined = new ArrayList<>();
    private final List<RuleEvaluator.RuleRows> ruleRows = new ArrayList<>();

    Planner(Inputs in, UnaryOperator<Dataset<Row>> reuse) {
      this.in = in;
      this.reuse = reuse;
    }

    SilverPlan plan() {
      Dataset<Row> customers = customers();
      Dataset<Row> knownCustomers =
          customers.select(CUSTOMER_ID).union(in.silverCustomerIds().select(CUSTOMER_ID));
      Dataset<Row> accounts = accounts(knownCustomers);
      Dataset<Row> knownAccounts =
          accounts.select(ACCOUNT_ID).union(in.silverAccountIds().select(ACCOUNT_ID));
      Dataset<Row> merchants = merchants();
      Dataset<Row> transactions = transactions(knownAccounts, knownCustomers);
      Dataset<Row> quarantine =
          quarantined.stream()
              .reduce(Dataset::unionByName)
              .orElseGet(
                  () ->
                      in.bronzeTransactions()
                          .sparkSession()
                          .createDataFrame(List.of(), QUARANTINE_SCHEMA));
      return new SilverPlan(transactions, customers, accounts, merchants, quarantine, ruleRows);
    }

    /** The latest row per key of a reference topic, after its key rule. */
    private Dataset<Row> latest(Topic topic, Dataset<Row> bronze, Rule keys, Column keyless) {
      return SilverTransforms.latestByKey(keepOrQuarantine(keys, bronze, keyless, topic), topic);
    }

    private Dataset<Row> customers() {
      Rule keys = Expectations.CUSTOMER_KEYS_NOT_NULL;
      Rule unique = Expectations.CUSTOMER_UNIQUE_KEYS;
      Column keyless = blank(CUSTOMER_ID);
      Dataset<Row> bronze = in.bronzeCustomers();
      Dataset<Row> customers =
          reuse.apply(
              SilverTransforms.customers(
                  latest(Topic.CUSTOMERS, bronze, keys, keyless), Pii.hmacFunction(in.piiKey())));
      ruleRows.add(
          ruleRows(
              List.of(keys),
              unique,
              part(bronze, CUSTOMER_ID, Map.of(keys, keyless)),
              part(customers, CUSTOMER_ID, Map.of(unique, lit(true)))));
      return customers;
    }

    private Dataset<Row> accounts(Dataset<Row> knownCustomers) {
      Rule keys = Expectations.ACCOUNT_KEYS_NOT_NULL;
      Rule customerKnown = Expectations.ACCOUNT_CUSTOMER_KNOWN;
      Rule unique = Expectations.ACCOUNT_UNIQUE_KEYS;
      Column keyless = blank(ACCOUNT_ID).or(blank(CUSTOMER_ID));
      Dataset<Row> bronze = in.bronzeAccounts();
      Dataset<Row> flagged =
          reuse.apply(
              SilverTransforms.accounts(
                  latest(Topic.ACCOUNTS, bronze, keys, keyless), knownCustomers));
      Column unknownCustomer = not(col("is_customer_known"));
      Column inSource = stays(customerKnown, unknownCustomer);
      ruleRows.add(
          ruleRows(
              List.of(keys, customerKnown),
              unique,
              part(bronze, ACCOUNT_ID, Map.of(keys, keyless)),
              part(
                  flagged,
                  ACCOUNT_ID,
                  Map.of(customerKnown, unknownCustomer, unique, when(inSource, lit(true))))));
      return flagged.filter(inSource);
    }

    private Dataset<Row> merchants() {
      Rule keys = Expectations.MERCHANT_KEYS_NOT_NULL;
      Rule unique = Expectations.MERCHANT_UNIQUE_KEYS;
      Column keyless = blank(MERCHANT_ID);
      Dataset<Row> bronze = in.bronzeMerchants();
      Dataset<Row> merchants =
          reuse.apply(SilverTransforms.merchants(latest(Topic.MERCHANTS, bronze, keys, keyless)));
      ruleRows.add(
          ruleRows(
              List.of(keys),
              unique,
              part(bronze, MERCHANT_ID, Map.of(keys, keyless)),
              part(merchants, MERCHANT_ID, Map.of(unique, lit(true)))));
      return merchants;
    }

    /** Drops redeliveries, applies the event rules, resolves states, flags unknown references. */
    private Dataset<Row> transactions(Dataset<Row> knownAccounts, Dataset<Row> knownCustomers) {
      Dataset<Row> events =
          reuse.apply(
              SilverTransforms.flagEventRules(
                  SilverTransforms.dedupeRedeliveries(in.bronzeTransactions()),
                  in.fxRates(),
                  in.futureToleranceMinutes()));
      Map<Rule, Column> eventFlags = new LinkedHashMap<>();
      Column anyQuarantined = lit(false);
      for (Rule rule : EVENT_RULES) {
        Column failed = col(rule.name());
        eventFlags.put(rule, failed);
        if (quarantines(rule)) {
          quarantined.add(
              quarantineRows(
                  rule, events.filter(failed), lit(rule.description()), Topic.TRANSACTIONS));
          anyQuarantined = anyQuarantined.or(failed);
        }
      }
      Dataset<Row> candidates =
          events
              .filter(not(anyQuarantined))
              .drop(EVENT_RULES.stream().map(Rule::name).toArray(String[]::new));

      Rule legal = Expectations.TXN_LEGAL_TRANSITION;
      Dataset<Row> resolved = reuse.apply(SilverTransforms.resolveStates(candidates));
      Column rejected = col("kind").equalTo(SilverTransforms.KIND_REJECTED);
      if (quarantines(legal)) {
        quarantined.add(
            quarantineRows(
                legal,
                resolved.filter(rejected).drop("kind", "first_seen_at", "events_seen"),
                col("reason"),
                Topic.TRANSACTIONS));
      }

      Rule accountKnown = Expectations.TXN_ACCOUNT_KNOWN;
      Rule customerKnown = Expectations.TXN_CUSTOMER_KNOWN;
      Rule unique = Expectations.TXN_UNIQUE_KEYS;
      Dataset<Row> current =
          reuse.apply(
              SilverTransforms.currentTransactions(
                  resolved.filter(col("kind").equalTo(SilverTransforms.KIND_STATE)),
                  in.fxRates(),
                  knownAccounts,
                  knownCustomers));
      Column unknownAccount = not(col("is_account_known"));
      Column unknownCustomer = not(col("is_customer_known"));
      Column keptByAccount = stays(accountKnown, unknownAccount);
      Column inSource = keptByAccount.and(stays(customerKnown, unknownCustomer));
      List<Rule> rowRules = new ArrayList<>(EVENT_RULES);
      rowRules.addAll(List.of(legal, accountKnown, customerKnown));
      ruleRows.add(
          ruleRows(
              rowRules,
              unique,
              part(events, TXN_ID, eventFlags),
              part(resolved, TXN_ID, Map.of(legal, rejected)),
              part(
                  current,
                  TXN_ID,
                  Map.of(
                      accountKnown,
                      unknownAccount,
                      // A transaction dropped for its account is not checked for its customer.
                      customerKnown,
                      when(keptByAccount, unknownCustomer),
                      unique,
                      when(inSource, lit(true))))));
      return current.filter(inSource);
    }

    private boolean quarantines(Rule rule) {
      return in.rules().severity(rule) == Severity.QUARANTINE;
    }

    /**
     * True where a row stays in the MERGE source: a quarantine-severity rule on silver rows drops
     * it.
     */
    private Column stays(Rule rule, Column failed) {
      return quarantines(rule) ? not(failed) : lit(true);
    }

    /**
     * A rule on bronze rows: quarantines failing rows when its severity says so; returns the kept
     * rows.
     */
    private Dataset<Row> keepOrQuarantine(
        Rule rule, Dataset<Row> rows, Column failed, Topic topic) {
      if (!quarantines(rule)) {
        return rows;
      }
      quarantined.add(quarantineRows(rule, rows.filter(failed), lit(rule.description()), topic));
      return rows.filter(not(failed));
    }

    /**
     * silver.quarantine rows; the original row as JSON, without clear PII and without rule flags.
     */
    private Dataset<Row> quarantineRows(Rule rule, Dataset<Row> rows, Column reason, Topic topic) {
      Dataset<Row> original = rows.drop(PII_COLUMNS.toArray(String[]::new));
      Column[] originalColumns =
          Arrays.stream(original.columns())
              .filter(c -> !c.equals("reason") && !c.startsWith("txn_"))
              .map(c -> col(c))
              .toArray(Column[]::new);
      return original.select(
          lit(rule.name()).as("rule"),
          reason.as("reason"),
          lit(topic.bronzeTable()).as("source_table"),
          col(topic.keyField()).cast("string").as("business_key"),
          to_date(col(topic.eventTimeColumn())).as("event_date"),
          col("kafka_partition"),
          col("kafka_offset"),
          to_json(struct(originalColumns)).as("original_row"),
          lit(in.runId()).as("run_id"),
          lit(in.startedAt()).as("quarantined_at"));
    }
  }

  /** Rows of one stage of a table and the rule flags they carry. */
  private record Part(Dataset<Row> rows, String keyColumn, Map<Rule, Column> flags) {}

  private static Part part(Dataset<Row> rows, String keyColumn, Map<Rule, Column> flags) {
    return new Part(rows, keyColumn, flags);
  }

  /**
   * The union of the parts, each projected to the key and one column per rule (null where
   * unflagged).
   */
  private static RuleEvaluator.RuleRows ruleRows(
      List<Rule> rowRules, Rule uniqueKeys, Part... parts) {
    List<Rule> rules = new ArrayList<>(rowRules);
    rules.add(uniqueKeys);
    Dataset<Row> union = null;
    for (Part part : parts) {
      List<Column> columns = new ArrayList<>();
      columns.add(col(part.keyColumn()).cast("string").as(KEY));
      for (Rule r : rules) {
        columns.add(part.flags().getOrDefault(r, lit(null)).cast("boolean").as(r.name()));
      }
      Dataset<Row> projected = part.rows().select(columns.toArray(Column[]::new));
      union = union == null ? projected : union.union(projected);
    }
    return new RuleEvaluator.RuleRows(union, KEY, rowRules, uniqueKeys);
  }
}
