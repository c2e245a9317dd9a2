package dev.lakehouse.gold;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-built silver rows for gold's tests (and the export's): a customer, an account, a merchant
 * and a transaction with sensible defaults, appended to the silver tables by column name.
 */
public final class SilverRows {
  private static final AtomicInteger TXN = new AtomicInteger();

  private SilverRows() {}

  public static Timestamp ts(String date) {
    return Timestamp.from(Instant.parse(date + "T06:00:00Z"));
  }

  public static Map<String, Object> customer(String id) {
    Map<String, Object> m = new HashMap<>();
    m.put("customer_id", id);
    m.put("full_name_masked", "X***");
    m.put("city", "Pune");
    m.put("state", "Maharashtra");
    m.put("city_tier", 1);
    m.put("signup_ts", ts("2025-12-01"));
    m.put("kyc_status", "VERIFIED");
    m.put("updated_at", ts("2025-12-01"));
    return m;
  }

  public static Map<String, Object> account(String id, String customer, String opening) {
    Map<String, Object> m = new HashMap<>();
    m.put("account_id", id);
    m.put("customer_id", customer);
    m.put("account_type", "SAVINGS");
    m.put("opened_at", ts("2025-12-01"));
    m.put("opening_balance", new BigDecimal(opening));
    m.put("overdraft_limit", new BigDecimal("0.00"));
    m.put("updated_at", ts("2025-12-01"));
    m.put("is_customer_known", true);
    return m;
  }

  public static Map<String, Object> merchant(String id, String category) {
    Map<String, Object> m = new HashMap<>();
    m.put("merchant_id", id);
    m.put("name", id + " Ltd");
    m.put("category", category);
    m.put("city", "Pune");
    m.put("updated_at", ts("2025-12-01"));
    return m;
  }

  public static Map<String, Object> tx(
      String account, String type, String amount, String status, String date, String merchant) {
    Map<String, Object> m = new HashMap<>();
    m.put("transaction_id", "T" + TXN.incrementAndGet());
    m.put("event_id", "E" + TXN.get());
    m.put("sequence", 2);
    m.put("status", status);
    m.put("txn_type", type);
    m.put("account_id", account);
    m.put("customer_id", "C" + account.substring(1));
    m.put("amount", new BigDecimal(amount));
    m.put("currency", "INR");
    m.put("amount_inr", new BigDecimal(amount));
    m.put("fx_rate", new BigDecimal("1.000000"));
    m.put("channel", "APP");
    m.put("event_ts", ts(date));
    m.put("status_ts", ts(date));
    m.put("merchant_id", merchant);
    return m;
  }

  /** A transaction as {@link #tx(String, String, String, String, String, String)}, with its id. */
  public static Map<String, Object> tx(
      String id,
      String account,
      String type,
      String amount,
      String status,
      String date,
      String merchant) {
    Map<String, Object> m = tx(account, type, amount, status, date, merchant);
    m.put("transaction_id", id);
    return m;
  }

  public static void append(SparkSession spark, String table, List<Map<String, Object>> rows) {
    StructType schema = spark.table(Tables.qualified(table)).schema();
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> m : rows) {
      Object[] values = new Object[schema.size()];
      int i = 0;
      for (StructField f : schema.fields()) {
        values[i++] = m.get(f.name());
      }
      out.add(RowFactory.create(values));
    }
    LakehouseSpark.append(spark.createDataFrame(out, schema), table);
  }
}
