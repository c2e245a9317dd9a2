package dev.lakehouse.silver;

import dev.lakehouse.common.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every validation rule of silver, declared in one place. Severities can be changed per run with
 * {@code silver.severity-overrides}.
 */
public final class Expectations {
  static final String TXN = "silver.transactions";
  static final String CUSTOMERS = "silver.customers";
  static final String ACCOUNTS = "silver.accounts";
  static final String MERCHANTS = "silver.merchants";

  public static final Rule TXN_KEYS_NOT_NULL =
      new Rule(
          "txn_keys_not_null",
          TXN,
          Severity.QUARANTINE,
          "transaction_id, event_id, account_id and customer_id are present and not blank");
  public static final Rule TXN_AMOUNT_VALID =
      new Rule(
          "txn_amount_positive_2dp",
          TXN,
          Severity.QUARANTINE,
          "amount is greater than 0 and has at most 2 decimals");
  public static final Rule TXN_KNOWN_CURRENCY =
      new Rule(
          "txn_known_currency",
          TXN,
          Severity.QUARANTINE,
          "currency has an INR rate in fx.inr-rates");
  public static final Rule TXN_EVENT_TS_NOT_FUTURE =
      new Rule(
          "txn_event_ts_not_future",
          TXN,
          Severity.QUARANTINE,
          "event_ts is not later than the message's arrival plus silver.future-tolerance-minutes");
  public static final Rule TXN_LEGAL_TRANSITION =
      new Rule(
          "txn_legal_transition",
          TXN,
          Severity.QUARANTINE,
          "a status update follows PENDING->SUCCESS|FAILED, SUCCESS->REVERSED; regressive or"
              + " illegal updates never win");
  public static final Rule TXN_ACCOUNT_KNOWN =
      new Rule(
          "txn_account_known",
          TXN,
          Severity.WARN,
          "account_id exists in silver.accounts (the transaction is kept and flagged"
              + " is_account_known=false)");
  public static final Rule TXN_CUSTOMER_KNOWN =
      new Rule(
          "txn_customer_known",
          TXN,
          Severity.WARN,
          "customer_id exists in silver.customers (kept and flagged is_customer_known=false)");
  public static final Rule TXN_UNIQUE_KEYS =
      new Rule(
          "txn_merge_source_unique",
          TXN,
          Severity.FAIL,
          "the MERGE source holds one row per transaction_id");
  public static final Rule CUSTOMER_KEYS_NOT_NULL =
      new Rule("customer_keys_not_null", CUSTOMERS, Severity.QUARANTINE, "customer_id is present");
  public static final Rule CUSTOMER_UNIQUE_KEYS =
      new Rule(
          "customer_merge_source_unique",
          CUSTOMERS,
          Severity.FAIL,
          "the MERGE source holds one row per customer_id");
  public static final Rule ACCOUNT_KEYS_NOT_NULL =
      new Rule(
          "account_keys_not_null",
          ACCOUNTS,
          Severity.QUARANTINE,
          "account_id and customer_id are present");
  public static final Rule ACCOUNT_CUSTOMER_KNOWN =
      new Rule(
          "account_customer_known",
          ACCOUNTS,
          Severity.WARN,
          "the account's customer_id exists in silver.customers");
  public static final Rule ACCOUNT_UNIQUE_KEYS =
      new Rule(
          "account_merge_source_unique",
          ACCOUNTS,
          Severity.FAIL,
          "the MERGE source holds one row per account_id");
  public static final Rule MERCHANT_KEYS_NOT_NULL =
      new Rule("merchant_keys_not_null", MERCHANTS, Severity.QUARANTINE, "merchant_id is present");
  public static final Rule MERCHANT_UNIQUE_KEYS =
      new Rule(
          "merchant_merge_source_unique",
          MERCHANTS,
          Severity.FAIL,
          "the MERGE source holds one row per merchant_id");

  public static final List<Rule> ALL =
      List.of(
          TXN_KEYS_NOT_NULL,
          TXN_AMOUNT_VALID,
          TXN_KNOWN_CURRENCY,
          TXN_EVENT_TS_NOT_FUTURE,
          TXN_LEGAL_TRANSITION,
          TXN_ACCOUNT_KNOWN,
          TXN_CUSTOMER_KNOWN,
          TXN_UNIQUE_KEYS,
          CUSTOMER_KEYS_NOT_NULL,
          CUSTOMER_UNIQUE_KEYS,
          ACCOUNT_KEYS_NOT_NULL,
          ACCOUNT_CUSTOMER_KNOWN,
          ACCOUNT_UNIQUE_KEYS,
          MERCHANT_KEYS_NOT_NULL,
          MERCHANT_UNIQUE_KEYS);

  private final Map<String, Severity> severities = new LinkedHashMap<>();

  private Expectations(Map<String, Severity> severities) {
    this.severities.putAll(severities);
  }

  /** The rules with the severities of {@code silver.severity-overrides} applied. */
  public static Expectations withOverrides(String overrides) {
    Map<String, Severity> s = new LinkedHashMap<>();
    for (Rule r : ALL) {
      s.put(r.name(), r.defaultSeverity());
    }
    if (overrides != null && !overrides.isBlank()) {
      for (String part : overrides.split(",")) {
        String[] kv = part.trim().split("=");
        if (!s.containsKey(kv[0].trim())) {
          throw new ConfigException(
              "Unknown rule '"
                  + kv[0].trim()
                  + "' in silver.severity-overrides; the rules are "
                  + String.join(", ", s.keySet())
                  + ".");
        }
        s.put(kv[0].trim(), Severity.parse(kv[1]));
      }
    }
    return new Expectations(s);
  }

  public Severity severity(Rule rule) {
    return severities.get(rule.name());
  }
}
