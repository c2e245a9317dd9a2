package dev.lakehouse.contract;

import static dev.lakehouse.contract.FieldSpec.optional;
import static dev.lakehouse.contract.FieldSpec.optionalRange;
import static dev.lakehouse.contract.FieldSpec.required;
import static dev.lakehouse.contract.FieldSpec.requiredEnum;
import static dev.lakehouse.contract.FieldSpec.requiredRange;

import dev.lakehouse.contract.Vocabulary.AccountType;
import dev.lakehouse.contract.Vocabulary.BalanceEffect;
import dev.lakehouse.contract.Vocabulary.Channel;
import dev.lakehouse.contract.Vocabulary.Exchange;
import dev.lakehouse.contract.Vocabulary.KycStatus;
import dev.lakehouse.contract.Vocabulary.MerchantCategory;
import dev.lakehouse.contract.Vocabulary.OrderStatus;
import dev.lakehouse.contract.Vocabulary.OrderType;
import dev.lakehouse.contract.Vocabulary.PriceSource;
import dev.lakehouse.contract.Vocabulary.Sector;
import dev.lakehouse.contract.Vocabulary.Side;
import dev.lakehouse.contract.Vocabulary.TradingAccountType;
import dev.lakehouse.contract.Vocabulary.TxnStatus;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The event contract of ../shared/DOMAIN.md, one constant per Kafka topic: its name, the business
 * key (also the message key), the event-time column that partitions its bronze table by day, the
 * grain of its tables, and its fields in the order bronze checks and stores them. Every message
 * carries {@code schema_version} = {@link #SCHEMA_VERSION}. This is the only place these facts are
 * declared.
 */
public enum Topic {
  TRANSACTIONS(
      Domain.PAYMENTS,
      "transactions",
      "transaction_id",
      "event_ts",
      "one lifecycle event of a transaction (creation or a later status change)",
      List.of(
          required(
              "event_id",
              FieldType.STRING,
              "Identifies this event; the same event_id twice is a redelivery of one event."),
          required(
              "transaction_id",
              FieldType.STRING,
              "The transaction this event belongs to; also the Kafka message key."),
          requiredRange(
              "sequence",
              FieldType.INT,
              1,
              Integer.MAX_VALUE,
              "1 for the creation, then 2, 3 ... per transaction; the current state is the"
                  + " highest sequence among legal status transitions."),
          requiredEnum(
              "status",
              TxnStatus.class,
              "The transaction's status after this event: PENDING -> SUCCESS -> REVERSED or"
                  + " PENDING -> FAILED; a creation may also arrive directly as SUCCESS or"
                  + " FAILED."),
          requiredEnum("txn_type", TxnType.class, "The kind of transaction. " + balanceEffects()),
          required("account_id", FieldType.STRING, "The account the transaction books on."),
          required("customer_id", FieldType.STRING, "The customer who holds the account."),
          required(
              "amount",
              FieldType.POSITIVE_MONEY,
              "The amount in the transaction's currency, greater than 0."),
          required(
              "currency",
              FieldType.CURRENCY,
              "The ISO 4217 code of the amount's currency (INR is the home currency)."),
          requiredEnum("channel", Channel.class, "Where the transaction was initiated."),
          required("event_ts", FieldType.TIMESTAMP, "When the transaction happened."),
          required("status_ts", FieldType.TIMESTAMP, "When this event's status was set."),
          optional(
              "merchant_id", FieldType.STRING, "The merchant paid, for card and UPI payments."),
          optional(
              "counterparty_account_id",
              FieldType.STRING,
              "The account of the other leg of a P2P transfer."),
          optional("device_id", FieldType.STRING, "The device that initiated the transaction."),
          optional("city", FieldType.STRING, "The city where the transaction was initiated."),
          optionalRange(
              "latitude",
              FieldType.DOUBLE,
              -90,
              90,
              "Where the transaction was initiated, in decimal degrees."),
          optionalRange(
              "longitude",
              FieldType.DOUBLE,
              -180,
              180,
              "Where the transaction was initiated, in decimal degrees."),
          optional("failure_reason", FieldType.STRING, "Why the transaction failed."))),
  CUSTOMERS(
      Domain.PAYMENTS,
      "customers",
      "customer_id",
      "updated_at",
      "the current profile of a customer (upsert)",
      List.of(
          required(
              "customer_id",
              FieldType.STRING,
              "Identifies the customer; also the Kafka message key."),
          required("full_name", FieldType.STRING, "PII: kept in clear in bronze only."),
          required("email", FieldType.STRING, "PII: kept in clear in bronze only."),
          required("phone", FieldType.STRING, "PII: kept in clear in bronze only."),
          required("date_of_birth", FieldType.DATE, "PII: kept in clear in bronze only."),
          required("city", FieldType.STRING, "The city the customer lives in."),
          required("state", FieldType.STRING, "The state the customer lives in."),
          requiredRange(
              "city_tier",
              FieldType.INT,
              1,
              3,
              "The tier of the customer's city, 1 to 3; revenue is reported per tier."),
          required(
              "signup_ts",
              FieldType.TIMESTAMP,
              "When the customer signed up; decides the month the customer counts as new."),
          requiredEnum("kyc_status", KycStatus.class, "The customer's KYC verification status."),
          required(
              "updated_at",
              FieldType.TIMESTAMP,
              "When this version of the profile was written; the latest one wins."))),
  ACCOUNTS(
      Domain.PAYMENTS,
      "accounts",
      "account_id",
      "updated_at",
      "the current state of an account (upsert)",
      List.of(
          required(
              "account_id",
              FieldType.STRING,
              "Identifies the account; also the Kafka message key."),
          required("customer_id", FieldType.STRING, "The customer who holds the account."),
          requiredEnum("account_type", AccountType.class, "The kind of account."),
          required("opened_at", FieldType.TIMESTAMP, "When the account was opened."),
          required(
              "opening_balance",
              FieldType.MONEY,
              "The balance when the account was opened; balances are computed from it."),
          requiredRange(
              "overdraft_limit",
              FieldType.MONEY,
              0,
              Double.POSITIVE_INFINITY,
              "How far the balance may go below zero; 0 or more."),
          required(
              "updated_at",
              FieldType.TIMESTAMP,
              "When this version of the account was written; the latest one wins."))),
  MERCHANTS(
      Domain.PAYMENTS,
      "merchants",
      "merchant_id",
      "updated_at",
      "the current profile of a merchant (upsert)",
      List.of(
          required(
              "merchant_id",
              FieldType.STRING,
              "Identifies the merchant; also the Kafka message key."),
          required("name", FieldType.STRING, "The merchant's trading name."),
          requiredEnum(
              "category",
              MerchantCategory.class,
              "The merchant's category; card payment fees may depend on it."),
          required("city", FieldType.STRING, "The city the merchant trades in."),
          required(
              "updated_at",
              FieldType.TIMESTAMP,
              "When this version of the profile was written; the latest one wins."),
          optional(
              "attributes",
              FieldType.OBJECT,
              "Free-form semi-structured merchant data, kept as JSON text."))),
  STOCKS(
      Domain.TRADING,
      "stocks",
      "symbol",
      "updated_at",
      "the reference data of a listed stock (upsert); a new sector is a new version",
      List.of(
          required("symbol", FieldType.STRING, "The ticker; also the Kafka message key."),
          required("name", FieldType.STRING, "The company's name."),
          requiredEnum(
              "sector", Sector.class, "The stock's sector; its history is kept (SCD2) in gold."),
          requiredEnum("exchange", Exchange.class, "The exchange the stock is listed on."),
          required("currency", FieldType.CURRENCY, "The currency the stock is quoted in."),
          required(
              "updated_at",
              FieldType.TIMESTAMP,
              "When this version was written; the latest one wins."))),
  TRADING_ACCOUNTS(
      Domain.TRADING,
      "trading_accounts",
      "trading_account_id",
      "updated_at",
      "the current state of a trading account (upsert)",
      List.of(
          required(
              "trading_account_id",
              FieldType.STRING,
              "Identifies the trading account; also the Kafka message key."),
          requiredEnum("account_type", TradingAccountType.class, "Who holds the account."),
          required("holder_name", FieldType.STRING, "PII: kept in clear in bronze only."),
          optional(
              "customer_id",
              FieldType.STRING,
              "The bank customer who holds the account, when the holder banks with us."),
          required("opened_at", FieldType.TIMESTAMP, "When the account was opened."),
          required("currency", FieldType.CURRENCY, "The currency the account is valued in."),
          required(
              "updated_at",
              FieldType.TIMESTAMP,
              "When this version was written; the latest one wins."))),
  ORDERS(
      Domain.TRADING,
      "orders",
      "order_id",
      "placed_at",
      "the state of an order after an event (placement, execution, cancellation)",
      List.of(
          required("order_id", FieldType.STRING, "Identifies the order; also the Kafka key."),
          required("trading_account_id", FieldType.STRING, "The account that placed the order."),
          required("symbol", FieldType.STRING, "The stock ordered."),
          requiredEnum("side", Side.class, "Buy or sell."),
          requiredEnum("order_type", OrderType.class, "Market or limit."),
          requiredRange(
              "quantity", FieldType.INT, 1, Integer.MAX_VALUE, "Shares ordered, at least 1."),
          optional(
              "limit_price",
              FieldType.PRICE,
              "The worst price accepted, for limit orders, in the stock's currency."),
          requiredRange(
              "filled_quantity",
              FieldType.INT,
              0,
              Integer.MAX_VALUE,
              "Shares executed so far; silver checks it never exceeds the quantity."),
          requiredEnum("status", OrderStatus.class, "Where the order stands."),
          required("placed_at", FieldType.TIMESTAMP, "When the order was placed."),
          required(
              "updated_at", FieldType.TIMESTAMP, "When this state was set; the latest one wins."))),
  TRADES(
      Domain.TRADING,
      "trades",
      "trade_id",
      "executed_at",
      "one execution of an order, or a correction of it (a higher version)",
      List.of(
          required("trade_id", FieldType.STRING, "Identifies the execution; also the Kafka key."),
          requiredRange(
              "version",
              FieldType.INT,
              1,
              Integer.MAX_VALUE,
              "1 for the execution; a correction re-sends the trade with the next version, and"
                  + " the highest version wins."),
          required("order_id", FieldType.STRING, "The order executed."),
          required("trading_account_id", FieldType.STRING, "The account that traded."),
          required("symbol", FieldType.STRING, "The stock traded."),
          requiredEnum("side", Side.class, "Buy or sell."),
          requiredRange(
              "quantity", FieldType.INT, 1, Integer.MAX_VALUE, "Shares executed, at least 1."),
          required("price", FieldType.PRICE, "The execution price per share."),
          requiredRange(
              "fees",
              FieldType.MONEY,
              0,
              Double.POSITIVE_INFINITY,
              "Commission and charges of this execution, 0 or more."),
          required("currency", FieldType.CURRENCY, "The currency of price and fees."),
          required("executed_at", FieldType.TIMESTAMP, "When the execution happened."))),
  DAILY_PRICES(
      Domain.TRADING,
      "daily_prices",
      "symbol",
      "trade_date",
      "one day's open, high, low, close and volume of a stock, from the market-data feed",
      List.of(
          required("symbol", FieldType.STRING, "The ticker; also the Kafka message key."),
          required("trade_date", FieldType.DATE, "The trading day."),
          required("open", FieldType.PRICE, "The first price of the day."),
          required("high", FieldType.PRICE, "The highest price of the day."),
          required("low", FieldType.PRICE, "The lowest price of the day."),
          required("close", FieldType.PRICE, "The last price of the day."),
          requiredRange(
              "volume",
              FieldType.LONG,
              0,
              Double.POSITIVE_INFINITY,
              "Shares traded on the exchange that day, 0 or more."),
          requiredEnum(
              "source",
              PriceSource.class,
              "API when read from a fresh response, ARCHIVE when recovered from an archived one."),
          required(
              "fetched_at",
              FieldType.TIMESTAMP,
              "When the response these values came from was fetched.")));

  /** Which part of the platform a topic feeds. */
  public enum Domain {
    /** Payment and banking events: the payments silver and gold. */
    PAYMENTS,
    /** Market data and trading: the trading warehouse. */
    TRADING
  }

  public static final int SCHEMA_VERSION = 1;
  public static final String SCHEMA_VERSION_FIELD = "schema_version";

  private final Domain domain;
  private final String topicName;
  private final String keyField;
  private final String eventTimeColumn;
  private final String message;
  private final List<FieldSpec> fields;

  Topic(
      Domain domain,
      String topicName,
      String keyField,
      String eventTimeColumn,
      String message,
      List<FieldSpec> fields) {
    this.domain = domain;
    this.topicName = topicName;
    this.keyField = keyField;
    this.eventTimeColumn = eventTimeColumn;
    this.message = message;
    this.fields = fields;
  }

  /** The part of the platform the topic feeds. */
  public Domain domain() {
    return domain;
  }

  /** The topics of one domain, in contract order. */
  public static List<Topic> of(Domain domain) {
    return Arrays.stream(values()).filter(t -> t.domain == domain).toList();
  }

  /** The payment and banking topics, which the payments silver and gold read. */
  public static List<Topic> payments() {
    return of(Domain.PAYMENTS);
  }

  /** The market-data and trading topics. */
  public static List<Topic> trading() {
    return of(Domain.TRADING);
  }

  /** The Kafka topic's name. */
  public String topicName() {
    return topicName;
  }

  /** The business key of the topic's entity (also the Kafka message key). */
  public String keyField() {
    return keyField;
  }

  /**
   * The timestamp that dates a message: its day partitions bronze and decides the lookback window.
   */
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
    if (this == DAILY_PRICES) {
      return "One row per symbol and trade_date.";
    }
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

  /**
   * The dead-letter reasons a message of this topic can get, in the order the checks run; and
   * PARSER_ERROR, for a failure none of them describes, which no known message causes.
   */
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
        case STRING -> reasons.add(DeadLetterReason.INVALID_TEXT);
        case ENUM, CURRENCY -> reasons.add(DeadLetterReason.UNKNOWN_ENUM);
        case TIMESTAMP, DATE -> {
          reasons.add(DeadLetterReason.BAD_TIMESTAMP);
          reasons.add(DeadLetterReason.OUT_OF_RANGE); // outside the plausible range
        }
        case POSITIVE_MONEY -> {
          reasons.add(DeadLetterReason.NON_POSITIVE_AMOUNT);
          reasons.add(DeadLetterReason.BAD_AMOUNT_PRECISION);
          reasons.add(DeadLetterReason.OUT_OF_RANGE); // beyond contract.max-amount
        }
        case MONEY -> {
          reasons.add(DeadLetterReason.BAD_AMOUNT_PRECISION);
          reasons.add(DeadLetterReason.OUT_OF_RANGE);
        }
        case PRICE -> {
          reasons.add(DeadLetterReason.NON_POSITIVE_AMOUNT);
          reasons.add(DeadLetterReason.BAD_AMOUNT_PRECISION);
          reasons.add(DeadLetterReason.OUT_OF_RANGE); // beyond contract.max-amount
        }
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

  private static String balanceEffects() {
    StringBuilder credits = new StringBuilder();
    StringBuilder debits = new StringBuilder();
    for (TxnType t : TxnType.values()) {
      StringBuilder list = t.effect() == BalanceEffect.CREDIT ? credits : debits;
      list.append(list.length() == 0 ? "" : ", ").append(t.name());
    }
    return "A SUCCESS credits the account for "
        + credits
        + " and debits it for "
        + debits
        + "; a REVERSED one no longer counts.";
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
