package dev.lakehouse.ingest;

import static dev.lakehouse.ingest.FieldSpec.optional;
import static dev.lakehouse.ingest.FieldSpec.optionalRange;
import static dev.lakehouse.ingest.FieldSpec.required;
import static dev.lakehouse.ingest.FieldSpec.requiredEnum;
import static dev.lakehouse.ingest.FieldSpec.requiredRange;

import dev.lakehouse.common.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event contract of ../shared/DOMAIN.md: the fields of each topic, in the order bronze checks them.
 * Every message carries {@code schema_version} = 1; its Kafka key is the entity id.
 */
public final class EventContract {
  public static final int SCHEMA_VERSION = 1;
  public static final String SCHEMA_VERSION_FIELD = "schema_version";

  public static final Set<String> STATUSES = Set.of("PENDING", "SUCCESS", "FAILED", "REVERSED");
  public static final Set<String> TXN_TYPES =
      Set.of(
          "CARD_PAYMENT", "UPI_PAYMENT", "P2P_TRANSFER_OUT", "P2P_TRANSFER_IN", "DEPOSIT",
          "WITHDRAWAL", "LOAN_DISBURSEMENT", "LOAN_REPAYMENT", "INVESTMENT",
          "INVESTMENT_REDEMPTION", "FEE");
  public static final Set<String> CHANNELS = Set.of("APP", "WEB", "POS", "ATM", "BRANCH", "API");
  public static final Set<String> ACCOUNT_TYPES =
      Set.of("SAVINGS", "CURRENT", "CREDIT_CARD", "LOAN", "INVESTMENT");
  public static final Set<String> MERCHANT_CATEGORIES =
      Set.of(
          "GROCERY", "FOOD", "TRAVEL", "FUEL", "ELECTRONICS", "FASHION", "HEALTH", "UTILITIES",
          "ENTERTAINMENT", "EDUCATION");
  public static final Set<String> KYC_STATUSES = Set.of("PENDING", "VERIFIED", "REJECTED");

  private static final List<FieldSpec> TRANSACTION_FIELDS =
      List.of(
          required("event_id", FieldType.STRING),
          required("transaction_id", FieldType.STRING),
          requiredRange("sequence", FieldType.INT, 1, Integer.MAX_VALUE),
          requiredEnum("status", STATUSES),
          requiredEnum("txn_type", TXN_TYPES),
          required("account_id", FieldType.STRING),
          required("customer_id", FieldType.STRING),
          required("amount", FieldType.POSITIVE_MONEY),
          required("currency", FieldType.CURRENCY),
          requiredEnum("channel", CHANNELS),
          required("event_ts", FieldType.TIMESTAMP),
          required("status_ts", FieldType.TIMESTAMP),
          optional("merchant_id", FieldType.STRING),
          optional("counterparty_account_id", FieldType.STRING),
          optional("device_id", FieldType.STRING),
          optional("city", FieldType.STRING),
          optionalRange("latitude", FieldType.DOUBLE, -90, 90),
          optionalRange("longitude", FieldType.DOUBLE, -180, 180),
          optional("failure_reason", FieldType.STRING));

  private static final List<FieldSpec> CUSTOMER_FIELDS =
      List.of(
          required("customer_id", FieldType.STRING),
          required("full_name", FieldType.STRING),
          required("email", FieldType.STRING),
          required("phone", FieldType.STRING),
          required("date_of_birth", FieldType.DATE),
          required("city", FieldType.STRING),
          required("state", FieldType.STRING),
          requiredRange("city_tier", FieldType.INT, 1, 3),
          required("signup_ts", FieldType.TIMESTAMP),
          requiredEnum("kyc_status", KYC_STATUSES),
          required("updated_at", FieldType.TIMESTAMP));

  private static final List<FieldSpec> ACCOUNT_FIELDS =
      List.of(
          required("account_id", FieldType.STRING),
          required("customer_id", FieldType.STRING),
          requiredEnum("account_type", ACCOUNT_TYPES),
          required("opened_at", FieldType.TIMESTAMP),
          required("opening_balance", FieldType.MONEY),
          requiredRange("overdraft_limit", FieldType.MONEY, 0, Double.POSITIVE_INFINITY),
          required("updated_at", FieldType.TIMESTAMP));

  private static final List<FieldSpec> MERCHANT_FIELDS =
      List.of(
          required("merchant_id", FieldType.STRING),
          required("name", FieldType.STRING),
          requiredEnum("category", MERCHANT_CATEGORIES),
          required("city", FieldType.STRING),
          required("updated_at", FieldType.TIMESTAMP),
          optional("attributes", FieldType.OBJECT));

  private static final Map<String, List<FieldSpec>> BY_TOPIC =
      Map.of(
          Topics.TRANSACTIONS, TRANSACTION_FIELDS,
          Topics.CUSTOMERS, CUSTOMER_FIELDS,
          Topics.ACCOUNTS, ACCOUNT_FIELDS,
          Topics.MERCHANTS, MERCHANT_FIELDS);

  private static final Map<String, String> KEY_FIELD =
      Map.of(
          Topics.TRANSACTIONS, "transaction_id",
          Topics.CUSTOMERS, "customer_id",
          Topics.ACCOUNTS, "account_id",
          Topics.MERCHANTS, "merchant_id");

  private static final Map<String, String> PARTITION_FIELD =
      Map.of(
          Topics.TRANSACTIONS, "event_ts",
          Topics.CUSTOMERS, "updated_at",
          Topics.ACCOUNTS, "updated_at",
          Topics.MERCHANTS, "updated_at");

  private EventContract() {}

  /** The fields of a topic, in the order bronze checks and stores them. */
  public static List<FieldSpec> fields(String topic) {
    List<FieldSpec> fields = BY_TOPIC.get(topic);
    if (fields == null) {
      throw new IllegalArgumentException("No contract for topic " + topic);
    }
    return fields;
  }

  /** The business key of a topic's entity (also the Kafka message key). */
  public static String keyField(String topic) {
    return KEY_FIELD.get(topic);
  }

  /** The timestamp whose day partitions a topic's bronze table. */
  public static String partitionField(String topic) {
    return PARTITION_FIELD.get(topic);
  }
}
