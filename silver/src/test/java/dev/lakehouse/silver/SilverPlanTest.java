package dev.lakehouse.silver;

import static dev.lakehouse.silver.BronzeFixture.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeTables;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan on inline bronze rows: what it would MERGE, quarantine and score. The bronze tables
 * exist only to lend their schemas to the inline rows; nothing is written.
 */
class SilverPlanTest {
  static final Timestamp STARTED = BronzeFixture.ts("2026-11-11T12:00:00Z");
  static final FxRates RATES =
      FxRates.of(Map.of("INR", BigDecimal.ONE, "USD", new BigDecimal("83.25")), List.of());
  @TempDir static Path dataDir;
  static SparkSession spark;
  BronzeFixture bronze;
  List<Map<String, Object>> transactions;
  List<Map<String, Object>> customers;
  List<Map<String, Object>> accounts;
  List<Map<String, Object>> merchants;
  List<String> silverAccounts;

  @BeforeAll
  static void start() {
    spark = TestLake.spark(TestLake.config(dataDir));
    BronzeTables.createIfMissing(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @BeforeEach
  void noRows() {
    bronze = new BronzeFixture(spark);
    transactions = new ArrayList<>();
    customers = new ArrayList<>();
    accounts = new ArrayList<>();
    merchants = new ArrayList<>();
    silverAccounts = new ArrayList<>();
  }

  /** Customer C1 and its account A1, whom the fixture's transactions belong to. */
  void customerC1WithAccountA1(String updatedAt) {
    customers.add(
        bronze.customer("C1", "Asha Rao", "asha.rao@example.in", "+919812345678", updatedAt));
    accounts.add(bronze.account("A1", "C1", updatedAt));
  }

  /**
   * Six events of 11-11: four that the event rules catch, one for an unknown account, one in USD.
   */
  void validationCases() {
    transactions.addAll(
        List.of(
            // unknown currency
            with(
                bronze.txn(
                    "v1",
                    "V1",
                    1,
                    "SUCCESS",
                    "10.00",
                    "2026-11-11T10:00:00Z",
                    "2026-11-11T10:00:01Z"),
                "currency",
                "XYZ"),
            // event_ts two hours after its arrival
            bronze.txn(
                "v2", "V2", 1, "SUCCESS", "10.00", "2026-11-11T12:00:00Z", "2026-11-11T10:00:00Z"),
            // negative amount
            bronze.txn(
                "v3", "V3", 1, "SUCCESS", "-5.00", "2026-11-11T10:00:00Z", "2026-11-11T10:00:01Z"),
            // blank account
            with(
                bronze.txn(
                    "v4",
                    "V4",
                    1,
                    "SUCCESS",
                    "10.00",
                    "2026-11-11T10:00:00Z",
                    "2026-11-11T10:00:01Z"),
                "account_id",
                " "),
            // account not known
            with(
                bronze.txn(
                    "v5",
                    "V5",
                    1,
                    "SUCCESS",
                    "10.00",
                    "2026-11-11T10:00:00Z",
                    "2026-11-11T10:00:01Z"),
                "account_id",
                "A404"),
            // a USD card payment: INR at 83.25
            with(
                bronze.txn(
                    "v6",
                    "V6",
                    1,
                    "SUCCESS",
                    "12.34",
                    "2026-11-11T10:00:00Z",
                    "2026-11-11T10:00:01Z"),
                "currency",
                "USD")));
  }

  SilverPlan.Inputs inputs(String severityOverrides) {
    return new SilverPlan.Inputs(
        bronze.rows(Tables.BRONZE_TRANSACTIONS, transactions),
        bronze.rows(Tables.BRONZE_CUSTOMERS, customers),
        bronze.rows(Tables.BRONZE_ACCOUNTS, accounts),
        bronze.rows(Tables.BRONZE_MERCHANTS, merchants),
        ids("customer_id", List.of()),
        ids("account_id", silverAccounts),
        RATES,
        10,
        Expectations.withOverrides(severityOverrides),
        Pii.DEVELOPMENT_KEY,
        "run-1",
        STARTED);
  }

  static Dataset<Row> ids(String column, List<String> ids) {
    List<Row> rows = new ArrayList<>();
    ids.forEach(id -> rows.add(RowFactory.create(id)));
    return spark.createDataFrame(rows, new StructType().add(column, DataTypes.StringType));
  }

  /** Every rule's result, by rule name. */
  static Map<String, RuleEvaluator.Result> scores(SilverPlan plan) {
    Map<String, RuleEvaluator.Result> m = new HashMap<>();
    for (RuleEvaluator.RuleRows table : plan.ruleRows()) {
      RuleEvaluator.evaluate(table).forEach(r -> m.put(r.rule().name(), r));
    }
    return m;
  }

  static Map<String, String> statuses(SilverPlan plan) {
    Map<String, String> m = new HashMap<>();
    for (Row r : plan.transactions().select("transaction_id", "status").collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  /** business_key -> rule of the quarantined rows from one bronze table. */
  static Map<String, String> quarantined(SilverPlan plan, String source) {
    Map<String, String> m = new HashMap<>();
    for (Row r :
        plan.quarantine()
            .filter("source_table = '" + source + "'")
            .select("business_key", "rule")
            .collectAsList()) {
      m.put(r.getString(0), r.getString(1));
    }
    return m;
  }

  static String checkedFailedSamples(RuleEvaluator.Result r) {
    return r.checked() + "/" + r.failed() + "/" + r.samples().stream().sorted().toList();
  }

  @Test
  void stateMachineCasesGiveOneCurrentRowPerTransaction() {
    customerC1WithAccountA1("2026-11-07T01:00:00Z");
    transactions.addAll(bronze.stateMachineCases());

    SilverPlan plan = SilverPlan.of(inputs(""));

    assertThat(statuses(plan))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "T1",
                "SUCCESS",
                "T2",
                "SUCCESS",
                "T3",
                "SUCCESS",
                "T4",
                "FAILED",
                "T5",
                "REVERSED"));
    assertThat(
            plan.transactions()
                .filter("transaction_id = 'T5'")
                .select("events_seen")
                .first()
                .getInt(0))
        .as("redeliveries removed")
        .isEqualTo(2);
    List<Row> q =
        plan.quarantine()
            .orderBy("business_key")
            .select("rule", "business_key", "reason", "run_id", "quarantined_at")
            .collectAsList();
    assertThat(q)
        .extracting(r -> r.getString(0) + " " + r.getString(1) + ": " + r.getString(2))
        .containsExactly(
            "txn_legal_transition T3: regressive update SUCCESS -> PENDING (sequence 2)",
            "txn_legal_transition T4: illegal transition FAILED -> SUCCESS (sequence 3)");
    assertThat(q)
        .allSatisfy(
            r -> {
              assertThat(r.getString(3)).isEqualTo("run-1");
              assertThat(r.getTimestamp(4)).isEqualTo(STARTED);
            });
    Map<String, RuleEvaluator.Result> scores = scores(plan);
    assertThat(scores.keySet())
        .containsExactlyInAnyOrderElementsOf(Expectations.ALL.stream().map(Rule::name).toList());
    // 13 events, 2 redeliveries removed: 11 checked by the event rules and the state machine
    assertThat(checkedFailedSamples(scores.get("txn_keys_not_null"))).isEqualTo("11/0/[]");
    assertThat(checkedFailedSamples(scores.get("txn_legal_transition"))).isEqualTo("11/2/[T3, T4]");
    // one current row per transaction, all on the window's account A1
    assertThat(checkedFailedSamples(scores.get("txn_account_known"))).isEqualTo("5/0/[]");
    assertThat(checkedFailedSamples(scores.get("txn_merge_source_unique"))).isEqualTo("5/0/[]");
    assertThat(checkedFailedSamples(scores.get("customer_keys_not_null"))).isEqualTo("1/0/[]");
    assertThat(checkedFailedSamples(scores.get("merchant_keys_not_null"))).isEqualTo("0/0/[]");
  }

  @Test
  void validationRulesQuarantineOrFlagWithoutDroppingTransactions() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    validationCases();
    accounts.addAll(
        List.of(
            // an account whose customer is not known: kept, flagged, warned
            bronze.account("A2", "C404", "2026-11-11T01:00:00Z"),
            // an account without a customer: quarantined
            bronze.account("A3", "", "2026-11-11T01:00:00Z")));
    Map<String, Object> merchant = new HashMap<>();
    merchant.put("merchant_id", null); // no key: quarantined
    merchant.put("name", "Chai Point");
    merchant.put("updated_at", BronzeFixture.ts("2026-11-11T01:00:00Z"));
    merchant.put("kafka_ts", BronzeFixture.ts("2026-11-11T01:00:00Z"));
    merchants.add(merchant);

    SilverPlan plan = SilverPlan.of(inputs(""));

    assertThat(quarantined(plan, "bronze.transactions"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "V1",
                "txn_known_currency",
                "V2",
                "txn_event_ts_not_future",
                "V3",
                "txn_amount_positive_2dp",
                "V4",
                "txn_keys_not_null"));
    assertThat(quarantined(plan, "bronze.accounts"))
        .containsExactlyEntriesOf(Map.of("A3", "account_keys_not_null"));
    assertThat(
            plan.quarantine()
                .filter("source_table = 'bronze.merchants'")
                .select("rule", "business_key")
                .collectAsList()
                .toString())
        .isEqualTo("[[merchant_keys_not_null,null]]");
    assertThat(statuses(plan)).containsOnlyKeys("V5", "V6");
    Row v5 =
        plan.transactions()
            .filter("transaction_id = 'V5'")
            .select("is_account_known", "is_customer_known")
            .first();
    assertThat(v5.getBoolean(0)).isFalse();
    assertThat(v5.getBoolean(1)).isTrue();
    assertThat(
            plan.transactions()
                .filter("transaction_id = 'V6'")
                .select("amount_inr")
                .first()
                .getDecimal(0))
        .isEqualByComparingTo("1027.31"); // 12.34 * 83.25 = 1027.305, rounded half up
    assertThat(
            plan.accounts()
                .orderBy("account_id")
                .select("account_id", "is_customer_known")
                .collectAsList()
                .toString())
        .isEqualTo("[[A1,true], [A2,false]]");
    Map<String, RuleEvaluator.Result> scores = scores(plan);
    assertThat(checkedFailedSamples(scores.get("txn_event_ts_not_future"))).isEqualTo("6/1/[V2]");
    assertThat(checkedFailedSamples(scores.get("txn_legal_transition"))).isEqualTo("2/0/[]");
    assertThat(checkedFailedSamples(scores.get("txn_account_known"))).isEqualTo("2/1/[V5]");
    assertThat(checkedFailedSamples(scores.get("account_keys_not_null"))).isEqualTo("3/1/[A3]");
    assertThat(checkedFailedSamples(scores.get("account_customer_known"))).isEqualTo("2/1/[A2]");
    // the keyless merchant fails without a sample key
    assertThat(checkedFailedSamples(scores.get("merchant_keys_not_null"))).isEqualTo("1/1/[]");
  }

  @Test
  void severityOverridesDecideWhatIsKeptDroppedOrQuarantined() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    validationCases();

    SilverPlan plan = SilverPlan.of(inputs("txn_known_currency=warn,txn_account_known=quarantine"));

    // V1 (unknown currency) is only warned about; V5 (unknown account) leaves the MERGE source.
    assertThat(statuses(plan)).containsOnlyKeys("V1", "V6");
    assertThat(
            plan.transactions()
                .filter("transaction_id = 'V1'")
                .select("amount_inr")
                .first()
                .isNullAt(0))
        .isTrue();
    assertThat(quarantined(plan, "bronze.transactions")).containsOnlyKeys("V2", "V3", "V4");
    Map<String, RuleEvaluator.Result> scores = scores(plan);
    assertThat(checkedFailedSamples(scores.get("txn_known_currency"))).isEqualTo("6/1/[V1]");
    // candidates V1, V5, V6
    assertThat(checkedFailedSamples(scores.get("txn_legal_transition"))).isEqualTo("3/0/[]");
    assertThat(checkedFailedSamples(scores.get("txn_account_known"))).isEqualTo("3/1/[V5]");
    // what the account rule kept: V1, V6
    assertThat(checkedFailedSamples(scores.get("txn_customer_known"))).isEqualTo("2/0/[]");
    assertThat(checkedFailedSamples(scores.get("txn_merge_source_unique"))).isEqualTo("2/0/[]");
  }

  @Test
  void accountsAlreadyInSilverAreKnown() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    validationCases();
    silverAccounts.add("A404");

    SilverPlan plan = SilverPlan.of(inputs(""));

    assertThat(
            plan.transactions()
                .filter("transaction_id = 'V5'")
                .select("is_account_known")
                .first()
                .getBoolean(0))
        .isTrue();
    assertThat(checkedFailedSamples(scores(plan).get("txn_account_known"))).isEqualTo("2/0/[]");
  }

  @Test
  void withEveryRuleAtWarnNothingIsQuarantined() {
    customerC1WithAccountA1("2026-11-11T01:00:00Z");
    validationCases();
    String allWarn =
        String.join(
            ",",
            Expectations.ALL.stream()
                .filter(r -> r.defaultSeverity() == Severity.QUARANTINE)
                .map(r -> r.name() + "=warn")
                .toList());

    SilverPlan plan = SilverPlan.of(inputs(allWarn));

    assertThat(plan.quarantine().count()).isZero();
    assertThat(plan.quarantine().columns())
        .containsExactly(
            "rule",
            "reason",
            "source_table",
            "business_key",
            "event_date",
            "kafka_partition",
            "kafka_offset",
            "original_row",
            "run_id",
            "quarantined_at");
    assertThat(statuses(plan)).containsOnlyKeys("V1", "V2", "V3", "V4", "V5", "V6");
    assertThat(checkedFailedSamples(scores(plan).get("txn_keys_not_null"))).isEqualTo("6/1/[V4]");
  }

  @Test
  void piiStaysOutOfTheCustomersAndTheQuarantine() {
    customerC1WithAccountA1("2026-11-13T01:00:00Z");
    // a customer whose id is blank: quarantined without its PII
    customers.add(
        bronze.customer(
            " ", "Vikram Seth", "vikram@example.in", "+919900011122", "2026-11-13T01:00:00Z"));
    SilverPlan.Inputs in = inputs("");

    SilverPlan plan = SilverPlan.of(in);

    Row c1 =
        plan.customers()
            .select(
                "customer_id",
                "full_name_masked",
                "email_hmac",
                "email_domain",
                "phone_masked",
                "birth_year")
            .first();
    assertThat(c1.getString(0)).isEqualTo("C1");
    assertThat(c1.getString(1)).isEqualTo("A*** R***");
    assertThat(c1.getString(2)).isEqualTo(Pii.hmac(Pii.DEVELOPMENT_KEY, "asha.rao@example.in"));
    assertThat(c1.getString(3)).isEqualTo("example.in");
    assertThat(c1.getString(4)).isEqualTo("*********5678");
    assertThat(c1.getInt(5)).isEqualTo(1990);
    assertThat(plan.customers().count()).isEqualTo(1);
    String everything =
        plan.customers().toJSON().collectAsList().toString()
            + plan.quarantine().toJSON().collectAsList();
    for (String clear :
        List.of(
            "Asha", "asha.rao", "9812345678", "1990-04-17", "Vikram", "vikram@", "9900011122")) {
      assertThat(everything).doesNotContain(clear);
    }
    assertThat(plan.quarantine().select("rule").as(Encoders.STRING()).collectAsList())
        .containsExactly("customer_keys_not_null");
    assertThat(checkedFailedSamples(scores(plan).get("customer_keys_not_null")))
        .isEqualTo("2/1/[ ]");
    assertThat(in.toString()).doesNotContain(Pii.DEVELOPMENT_KEY);
  }
}
