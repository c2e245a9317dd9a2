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
  Map<String, Object> txn(String eventId, String txnId, int seq, String status, String amount, String eventTs, String arrival) {
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

  Map<String, Object> customer(String id, String name, String email, String phone, String updatedAt) {
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

  /** Appends rows to a bronze table, each with the next Kafka offset of partition 0. */
  @SafeVarargs
  final void append(String table, Map<String, Object>... rows) {
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
    LakehouseSpark.append(spark.createDataFrame(out, schema), table);
  }
}
