package dev.lakehouse.contract;

import static dev.lakehouse.contract.FieldSpec.optional;
import static dev.lakehouse.contract.FieldSpec.optionalRange;
import static dev.lakehouse.contract.FieldSpec.required;
import static dev.lakehouse.contract.FieldSpec.requiredEnum;
import static dev.lakehouse.contract.FieldSpec.requiredRange;

import dev.lakehouse.contract.Vocabulary.AccountType;
import dev.lakehouse.contract.Vocabulary.Channel;
import dev.lakehouse.contract.Vocabulary.KycStatus;
import dev.lakehouse.contract.Vocabulary.MerchantCategory;
import dev.lakehouse.contract.Vocabulary.TxnStatus;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The event contract of ../shared/DOMAIN.md, one constant per Kafka topic: its name, the business key
 * (also the message key), the event-time column that partitions its bronze table by day, the grain of
 * its tables, and its fields in the order bronze checks and stores them. Every message carries {@code
 * schema_version} = {@link #SCHEMA_VERSION}. This is the only place these facts are declared.
 */
public enum Topic {
  TRANSACTIONS(
      "transactions",
      "transaction_id",
      "event_ts",
      "one lifecycle event of a transaction (creation or a later status change)",
      List.of(
          required("event_id", FieldType.STRING),
          required("transaction_id", FieldType.STRING),
          requiredRange("sequence", FieldType.INT, 1, Integer.MAX_VALUE),
          requiredEnum("status", TxnStatus.class),
          requiredEnum("txn_type", TxnType.class),
          required("account_id", FieldType.STRING),
          required("customer_id", FieldType.STRING),
          required("amount", FieldType.POSITIVE_MONEY),
          required("currency", FieldType.CURRENCY),
          requiredEnum("channel", Channel.class),
          required("event_ts", FieldType.TIMESTAMP),
          required("status_ts", FieldType.TIMESTAMP),
          optional("merchant_id", FieldType.STRING),
          optional("counterparty_account_id", FieldType.STRING),
          optional("device_id", FieldType.STRING),
          optional("city", FieldType.STRING),
          optionalRange("latitude", FieldType.DOUBLE, -90, 90),
          optionalRange("longitude", FieldType.DOUBLE, -180, 180),
          optional("failure_reason", FieldType.STRING))),
  CUSTOMERS(
      "customers",
      "customer_id",
      "updated_at",
      "the current profile of a customer (upsert)",
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
          requiredEnum("kyc_status", KycStatus.class),
          required("updated_at", FieldType.TIMESTAMP))),
  ACCOUNTS(
      "accounts",
      "account_id",
      "updated_at",
      "the current state of an account (upsert)",
      List.of(
          required("account_id", FieldType.STRING),
          required("customer_id", FieldType.STRING),
          requiredEnum("account_type", AccountType.class),
          required("opened_at", FieldType.TIMESTAMP),
          required("opening_balance", FieldType.MONEY),
          requiredRange("overdraft_limit", FieldType.MONEY, 0, Double.POSITIVE_INFINITY),
          required("updated_at", FieldType.TIMESTAMP))),
  MERCHANTS(
      "merchants",
      "merchant_id",
      "updated_at",
      "the current profile of a merchant (upsert)",
      List.of(
          required("merchant_id", FieldType.STRING),
          required("name", FieldType.STRING),
          requiredEnum("category", MerchantCategory.class),
          required("city", FieldType.STRING),
          required("updated_at", FieldType.TIMESTAMP),
          optional("attributes", FieldType.OBJECT)));

  public static final int SCHEMA_VERSION = 1;
  public static final String SCHEMA_VERSION_FIELD = "schema_version";

  private final String topicName;
  private final String keyField;
  private final String eventTimeColumn;
  private final String message;
  private final List<FieldSpec> fields;

  Topic(
      String topicName,
      String keyField,
      String eventTimeColumn,
      String message,
      List<FieldSpec> fields) {
    this.topicName = topicName;
    this.keyField = keyField;
    this.eventTimeColumn = eventTimeColumn;
    this.message = message;
    this.fields = fields;
  }

  /** The Kafka topic's name. */
  public String topicName() {
    return topicName;
  }

  /** The business key of the topic's entity (also the Kafka message key). */
  public String keyField() {
    return keyField;
  }

  /** The timestamp that dates a message: its day partitions bronze and decides the lookback window. */
  public String eventTimeColumn() {
    return eventTimeColumn;
  }

  /** The Iceberg partition transform of the topic's bronze table. */
  public String partitionTransform() {
    return "days(" + eventTimeColumn + ")";
  }

  /** What one message is. */
  public String message() {
    return message;
  }

  /** The grain of the topic's bronze table. */
  public String bronzeGrain() {
    return "One row per delivered message: " + message + "; redeliveries included.";
  }

  /** The grain of the topic's silver table. */
  public String silverGrain() {
    return "One row per " + keyField + " in its current state.";
  }

  /** The fields, in the order bronze checks and stores them. */
  public List<FieldSpec> fields() {
    return fields;
  }

  /** The field with this name. */
  public FieldSpec field(String name) {
    return fields.stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(topicName + " has no field " + name));
  }

  /** The bronze table the topic lands in ({@code bronze.<topic>}). */
  public String bronzeTable() {
    return "bronze." + topicName;
  }

  /** The silver table holding the current state per key ({@code silver.<topic>}). */
  public String silverTable() {
    return "silver." + topicName;
  }

  /** The dead-letter reasons a message of this topic can get, in the order the checks run. */
  public Set<DeadLetterReason> deadLetterReasons() {
    EnumSet<DeadLetterReason> reasons =
        EnumSet.of(
            DeadLetterReason.OVERSIZED,
            DeadLetterReason.INVALID_UTF8,
            DeadLetterReason.MALFORMED_JSON,
            DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.NULL_OR_EMPTY,
            DeadLetterReason.WRONG_TYPE);
    for (FieldSpec f : fields) {
      switch (f.type()) {
        case ENUM, CURRENCY -> reasons.add(DeadLetterReason.UNKNOWN_ENUM);
        case TIMESTAMP, DATE -> reasons.add(DeadLetterReason.BAD_TIMESTAMP);
        case POSITIVE_MONEY -> {
          reasons.add(DeadLetterReason.NON_POSITIVE_AMOUNT);
          reasons.add(DeadLetterReason.BAD_AMOUNT_PRECISION);
        }
        case MONEY -> reasons.add(DeadLetterReason.BAD_AMOUNT_PRECISION);
        default -> {}
      }
      if (f.min() != Double.NEGATIVE_INFINITY || f.max() != Double.POSITIVE_INFINITY) {
        if (f.type() != FieldType.ENUM) {
          reasons.add(DeadLetterReason.OUT_OF_RANGE);
        }
      }
    }
    return reasons;
  }

  /** The topic with this Kafka name. */
  public static Topic of(String topicName) {
    for (Topic t : values()) {
      if (t.topicName.equals(topicName)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "Unknown topic '" + topicName + "'; the topics are " + String.join(", ", names()) + ".");
  }

  /** Every topic's Kafka name, in contract order. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    Arrays.stream(values()).forEach(t -> names.add(t.topicName));
    return List.copyOf(names);
  }
}
