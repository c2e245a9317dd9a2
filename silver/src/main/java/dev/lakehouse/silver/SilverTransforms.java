package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.repeat;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.year;

import dev.lakehouse.contract.Topic;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The pure transforms of the silver job: Dataset in, Dataset out; no reads, writes or
 * configuration.
 */
final class SilverTransforms {
  static final String KIND_STATE = "state";
  static final String KIND_REJECTED = "rejected";

  /** A legal event that a later one overtook: neither the current state nor rejected. */
  static final String KIND_SUPERSEDED = "superseded";

  static final String TXN_ID = Topic.TRANSACTIONS.keyField();
  static final String EVENT_TS = Topic.TRANSACTIONS.eventTimeColumn();
  // Foreign keys carry the name of the key they point at.
  static final String CUSTOMER_ID = Topic.CUSTOMERS.keyField();
  static final String ACCOUNT_ID = Topic.ACCOUNTS.keyField();
  static final String MERCHANT_ID = Topic.MERCHANTS.keyField();

  private SilverTransforms() {}

  /** Keeps the first delivery of each event_id (by arrival, then partition and offset). */
  static Dataset<Row> dedupeRedeliveries(Dataset<Row> events) {
    return events
        .withColumn(
            "_n",
            row_number()
                .over(
                    Window.partitionBy("event_id")
                        .orderBy(col("kafka_ts"), col("kafka_partition"), col("kafka_offset"))))
        .filter(col("_n").equalTo(1))
        .drop("_n");
  }

  /** Adds one boolean column per event rule, true where the row fails it. */
  static Dataset<Row> flagEventRules(Dataset<Row> events, FxRates rates, int toleranceMinutes) {
    return rates
        .withRate(events, EVENT_TS, "_fx_rate")
        .withColumn(
            Expectations.TXN_KEYS_NOT_NULL.name(),
            blank(TXN_ID).or(blank("event_id")).or(blank(ACCOUNT_ID)).or(blank(CUSTOMER_ID)))
        .withColumn(
            Expectations.TXN_AMOUNT_VALID.name(),
            coalesce(
                col("amount").leq(0).or(col("amount").notEqual(expr("round(amount, 2)"))),
                lit(true)))
        .withColumn(Expectations.TXN_KNOWN_CURRENCY.name(), col("_fx_rate").isNull())
        .drop("_fx_rate")
        .withColumn(
            Expectations.TXN_EVENT_TS_NOT_FUTURE.name(),
            coalesce(
                col(EVENT_TS)
                    .gt(col("kafka_ts").plus(expr("INTERVAL " + toleranceMinutes + " MINUTES"))),
                lit(true)));
  }

  /** True where the column is null or only blanks. */
  static Column blank(String column) {
    return col(column).isNull().or(trim(col(column)).equalTo(""));
  }

  static StructType resolvedSchema(StructType events) {
    return events
        .add("kind", DataTypes.StringType)
        .add("reason", DataTypes.StringType)
        .add("first_seen_at", DataTypes.TimestampType)
        .add("events_seen", DataTypes.IntegerType);
  }

  /**
   * Runs the state machine per transaction. Every event comes out once: the winning event as the
   * transaction's {@code state} row, each event that lost as {@code rejected} with a reason, and
   * legal events that a later one overtook as {@code superseded}, so that the rows are the events
   * checked.
   */
  static Dataset<Row> resolveStates(Dataset<Row> events) {
    StructType schema = resolvedSchema(events.schema());
    int seq = events.schema().fieldIndex("sequence");
    int status = events.schema().fieldIndex("status");
    int ts = events.schema().fieldIndex("kafka_ts");
    int partition = events.schema().fieldIndex("kafka_partition");
    int offset = events.schema().fieldIndex("kafka_offset");
    int txnId = events.schema().fieldIndex(TXN_ID);
    return events
        .groupByKey((MapFunction<Row, String>) r -> r.getString(txnId), Encoders.STRING())
        .flatMapGroups(
            (FlatMapGroupsFunction<String, Row, Row>)
                (key, rows) -> {
                  List<Row> list = new ArrayList<>();
                  rows.forEachRemaining(list::add);
                  list.sort(
                      Comparator.<Row>comparingInt(r -> r.getInt(seq))
                          .thenComparing(r -> r.getTimestamp(ts))
                          .thenComparingInt(r -> r.getInt(partition))
                          .thenComparingLong(r -> r.getLong(offset)));
                  Timestamp firstSeen =
                      list.stream()
                          .map(r -> r.getTimestamp(ts))
                          .min(Comparator.naturalOrder())
                          .orElse(null);
                  TransactionStateMachine.Outcome<Row> outcome =
                      TransactionStateMachine.resolve(
                          list, r -> r.getInt(seq), r -> r.getString(status));
                  Map<Row, String> reasons = new IdentityHashMap<>();
                  for (TransactionStateMachine.Rejected<Row> r : outcome.rejected()) {
                    reasons.put(r.event(), r.reason());
                  }
                  List<Row> out = new ArrayList<>();
                  out.add(extend(outcome.current(), KIND_STATE, null, firstSeen, list.size()));
                  for (TransactionStateMachine.Rejected<Row> r : outcome.rejected()) {
                    out.add(extend(r.event(), KIND_REJECTED, r.reason(), firstSeen, list.size()));
                  }
                  for (Row e : list) {
                    if (e != outcome.current() && !reasons.containsKey(e)) {
                      out.add(extend(e, KIND_SUPERSEDED, null, firstSeen, list.size()));
                    }
                  }
                  return out.iterator();
                },
            Encoders.row(schema));
  }

  private static Row extend(
      Row row, String kind, String reason, Timestamp firstSeen, int eventsSeen) {
    Object[] values = Arrays.copyOf(toArray(row), row.length() + 4);
    values[row.length()] = kind;
    values[row.length() + 1] = reason;
    values[row.length() + 2] = firstSeen;
    values[row.length() + 3] = eventsSeen;
    return RowFactory.create(values);
  }

  private static Object[] toArray(Row row) {
    Object[] values = new Object[row.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return values;
  }

  /** The silver.transactions rows from the winning events, with INR amounts and reference flags. */
  static Dataset<Row> currentTransactions(
      Dataset<Row> states, FxRates rates, Dataset<Row> accountIds, Dataset<Row> customerIds) {
    Dataset<Row> withFx =
        rates
            .withRate(states, EVENT_TS, "fx_rate")
            .withColumn("amount_inr", expr("CAST(round(amount * fx_rate, 2) AS DECIMAL(18,2))"));
    Dataset<Row> flagged =
        withFx
            .join(
                accountIds.select(col(ACCOUNT_ID).as("_known_account")).distinct(),
                col(ACCOUNT_ID).equalTo(col("_known_account")),
                "left")
            .join(
                customerIds.select(col(CUSTOMER_ID).as("_known_customer")).distinct(),
                col(CUSTOMER_ID).equalTo(col("_known_customer")),
                "left")
            .withColumn("is_account_known", col("_known_account").isNotNull())
            .withColumn("is_customer_known", col("_known_customer").isNotNull());
    Dataset<Row> silver =
        flagged.select(
            col(TXN_ID),
            col("event_id"),
            col("sequence"),
            col("status"),
            col("txn_type"),
            col(ACCOUNT_ID),
            col(CUSTOMER_ID),
            col("amount"),
            col("currency"),
            col("amount_inr"),
            col("fx_rate"),
            col("channel"),
            col(EVENT_TS),
            col("status_ts"),
            col(MERCHANT_ID),
            col("counterparty_account_id"),
            col("device_id"),
            col("city"),
            col("latitude"),
            col("longitude"),
            col("failure_reason"),
            col("events_seen"),
            col("first_seen_at"),
            col("kafka_ts").as("last_updated_at"),
            col("is_account_known"),
            col("is_customer_known"));
    return withRowHash(silver);
  }

  /** Latest row per key of a reference topic by its event time; ties go to the later arrival. */
  static Dataset<Row> latestByKey(Dataset<Row> rows, Topic topic) {
    return rows.withColumn(
            "_n",
            row_number()
                .over(
                    Window.partitionBy(topic.keyField())
                        .orderBy(
                            col(topic.eventTimeColumn()).desc(),
                            col("kafka_ts").desc(),
                            col("kafka_partition").desc(),
                            col("kafka_offset").desc())))
        .filter(col("_n").equalTo(1))
        .drop("_n");
  }

  /** silver.customers rows: PII masked or replaced by a keyed hash. */
  static Dataset<Row> customers(Dataset<Row> latest, UserDefinedFunction hmac) {
    return withRowHash(
        latest.select(
            col(CUSTOMER_ID),
            // "Asha Rao" -> "A*** R***": initials only.
            regexp_replace(col("full_name"), "(\\p{L})[\\p{L}\\p{M}.'-]*", "$1***")
                .as("full_name_masked"),
            hmac.apply(lower(trim(col("email")))).as("email_hmac"),
            lower(substring_index(col("email"), "@", -1)).as("email_domain"),
            hmac.apply(regexp_replace(col("phone"), "[^0-9+]", "")).as("phone_hmac"),
            concat(repeat(lit("*"), length(col("phone")).minus(4)), expr("right(phone, 4)"))
                .as("phone_masked"),
            year(col("date_of_birth")).as("birth_year"),
            col("city"),
            col("state"),
            col("city_tier"),
            col("signup_ts"),
            col("kyc_status"),
            col(Topic.CUSTOMERS.eventTimeColumn())));
  }

  static Dataset<Row> accounts(Dataset<Row> latest, Dataset<Row> customerIds) {
    Dataset<Row> flagged =
        latest
            .join(
                customerIds.select(col(CUSTOMER_ID).as("_known")).distinct(),
                col(CUSTOMER_ID).equalTo(col("_known")),
                "left")
            .withColumn("is_customer_known", col("_known").isNotNull());
    return withRowHash(
        flagged.select(
            col(ACCOUNT_ID),
            col(CUSTOMER_ID),
            col("account_type"),
            col("opened_at"),
            col("opening_balance"),
            col("overdraft_limit"),
            col(Topic.ACCOUNTS.eventTimeColumn()),
            col("is_customer_known")));
  }

  static Dataset<Row> merchants(Dataset<Row> latest) {
    return withRowHash(
        latest.select(
            col(MERCHANT_ID),
            col("name"),
            col("category"),
            col("city"),
            col("attributes"),
            col(Topic.MERCHANTS.eventTimeColumn())));
  }

  static Dataset<Row> withRowHash(Dataset<Row> rows) {
    return dev.lakehouse.common.LakehouseSpark.withRowHash(rows);
  }
}
