package dev.lakehouse.silver;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Writes hand-built rows straight into the bronze tables, with provenance the test controls. */
final class BronzeFixture {
  private final SparkSession spark;
  private long offset;

  BronzeFixture(SparkSession spark) {
    this.spark = spark;
  }

  static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  /** A transaction event; arrival is the Kafka timestamp, which is also the ingestion time. */
  Map<String, Object> txn(
      String eventId,
      String txnId,
      int seq,
      String status,
      String amount,
      String eventTs,
      String arrival) {
    Map<String, Object> m = new HashMap<>();
    m.put("event_id", eventId);
    m.put("transaction_id", txnId);
    m.put("sequence", seq);
    m.put("status", status);
    m.put("txn_type", "CARD_PAYMENT");
    m.put("account_id", "A1");
    m.put("customer_id", "C1");
    m.put("amount", new BigDecimal(amount));
    m.put("currency", "INR");
    m.put("channel", "POS");
    m.put("event_ts", ts(eventTs));
    m.put("status_ts", ts(arrival));
    m.put("merchant_id", "M1");
    m.put("kafka_ts", ts(arrival));
    m.put("ingested_at", ts(arrival));
    return m;
  }

  Map<String, Object> customer(
      String id, String name, String email, String phone, String updatedAt) {
    Map<String, Object> m = new HashMap<>();
    m.put("customer_id", id);
    m.put("full_name", name);
    m.put("email", email);
    m.put("phone", phone);
    m.put("date_of_birth", Date.valueOf("1990-04-17"));
    m.put("city", "Pune");
    m.put("state", "Maharashtra");
    m.put("city_tier", 1);
    m.put("signup_ts", ts("2025-01-01T00:00:00Z"));
    m.put("kyc_status", "VERIFIED");
    m.put("updated_at", ts(updatedAt));
    m.put("kafka_ts", ts(updatedAt));
    m.put("ingested_at", ts(updatedAt));
    return m;
  }

  Map<String, Object> account(String id, String customerId, String updatedAt) {
    Map<String, Object> m = new HashMap<>();
    m.put("account_id", id);
    m.put("customer_id", customerId);
    m.put("account_type", "SAVINGS");
    m.put("opened_at", ts("2025-01-02T00:00:00Z"));
    m.put("opening_balance", new BigDecimal("1000.00"));
    m.put("overdraft_limit", new BigDecimal("0.00"));
    m.put("updated_at", ts(updatedAt));
    m.put("kafka_ts", ts(updatedAt));
    m.put("ingested_at", ts(updatedAt));
    return m;
  }

  /**
   * Five lifecycles on 11-07..11-10 for C1's account A1: 13 events, 2 redeliveries, 2 that must
   * lose.
   */
  List<Map<String, Object>> stateMachineCases() {
    return List.of(
        // T1: PENDING on 11-08, its SUCCESS arrives on 11-10 (late, but inside a 3-day lookback)
        txn("e1a", "T1", 1, "PENDING", "100.00", "2026-11-08T10:00:00Z", "2026-11-08T10:00:01Z"),
        txn("e1b", "T1", 2, "SUCCESS", "100.00", "2026-11-08T10:00:00Z", "2026-11-10T09:00:00Z"),
        // T2: SUCCESS delivered before its PENDING
        txn("e2b", "T2", 2, "SUCCESS", "200.00", "2026-11-09T10:00:00Z", "2026-11-09T10:05:00Z"),
        txn("e2a", "T2", 1, "PENDING", "200.00", "2026-11-09T10:00:00Z", "2026-11-09T10:09:00Z"),
        // T3: SUCCESS, then a regressive PENDING with a higher sequence
        txn("e3a", "T3", 1, "SUCCESS", "300.00", "2026-11-09T11:00:00Z", "2026-11-09T11:00:01Z"),
        txn("e3b", "T3", 2, "PENDING", "300.00", "2026-11-09T11:00:00Z", "2026-11-09T12:00:00Z"),
        // T4: FAILED, then an illegal SUCCESS
        txn("e4a", "T4", 1, "PENDING", "400.00", "2026-11-10T08:00:00Z", "2026-11-10T08:00:01Z"),
        txn("e4b", "T4", 2, "FAILED", "400.00", "2026-11-10T08:00:00Z", "2026-11-10T08:01:00Z"),
        txn("e4c", "T4", 3, "SUCCESS", "400.00", "2026-11-10T08:00:00Z", "2026-11-10T08:02:00Z"),
        // T5: SUCCESS then REVERSED, the SUCCESS redelivered twice
        txn("e5a", "T5", 1, "SUCCESS", "500.00", "2026-11-07T09:00:00Z", "2026-11-07T09:00:01Z"),
        txn("e5a", "T5", 1, "SUCCESS", "500.00", "2026-11-07T09:00:00Z", "2026-11-07T09:03:00Z"),
        txn("e5a", "T5", 1, "SUCCESS", "500.00", "2026-11-07T09:00:00Z", "2026-11-07T09:04:00Z"),
        txn("e5b", "T5", 2, "REVERSED", "500.00", "2026-11-07T09:00:00Z", "2026-11-09T09:00:00Z"));
  }

  /** Appends rows to a bronze table, each with the next Kafka offset of partition 0. */
  @SafeVarargs
  final void append(String table, Map<String, Object>... rows) {
    append(table, List.of(rows));
  }

  void append(String table, List<Map<String, Object>> rows) {
    LakehouseSpark.append(rows(table, rows), table);
  }

  /**
   * Rows with a bronze table's schema, each with the next Kafka offset of partition 0; not written.
   */
  @SafeVarargs
  final Dataset<Row> rows(String table, Map<String, Object>... rows) {
    return rows(table, List.of(rows));
  }

  Dataset<Row> rows(String table, List<Map<String, Object>> rows) {
    StructType schema = spark.table(Tables.qualified(table)).schema();
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      Map<String, Object> values = new HashMap<>(m);
      values.putIfAbsent("schema_version", 1);
      values.putIfAbsent("kafka_topic", table.substring(table.indexOf('.') + 1));
      values.putIfAbsent("kafka_partition", 0);
      values.putIfAbsent("kafka_offset", offset++);
      Object[] row = new Object[schema.size()];
      int i = 0;
      for (StructField f : schema.fields()) {
        row[i++] = values.get(f.name());
      }
      out.add(RowFactory.create(row));
    }
    return spark.createDataFrame(out, schema);
  }

  /** The row with one value replaced. */
  static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
    row.put(column, value);
    return row;
  }
}
