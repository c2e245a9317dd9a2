package dev.lakehouse.web;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An account's monthly statement as the marts hold it: the header of {@code
 * marts.monthly_statement} and the month's transactions from {@code marts.fct_transactions}, each
 * with the balance after it (the opening balance plus the effects so far, so the last one is the
 * closing balance).
 */
record Statement(
    String accountId,
    String customerId,
    YearMonth month,
    BigDecimal openingBalance,
    BigDecimal credits,
    BigDecimal debits,
    BigDecimal fees,
    BigDecimal closingBalance,
    long successCount,
    List<Line> lines) {

  /** One transaction of the month, in time order. */
  record Line(
      String eventTs,
      String transactionId,
      String txnType,
      String status,
      String merchant,
      String merchantCity,
      BigDecimal amount,
      String currency,
      BigDecimal amountInr,
      BigDecimal balanceEffect,
      BigDecimal balanceAfter) {}

  static Optional<Statement> load(Connection c, String account, YearMonth month)
      throws SQLException {
    List<Map<String, Object>> header =
        MartsDatabase.rows(
            c,
            "SELECT customer_id, opening_balance_inr, credits_inr, debits_inr, fees_inr,"
                + " closing_balance_inr, txn_count FROM marts.monthly_statement"
                + " WHERE account_id = ? AND month_start = ?",
            account,
            java.sql.Date.valueOf(month.atDay(1)));
    if (header.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> h = header.get(0);
    OffsetDateTime from = month.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    List<Map<String, Object>> rows =
        MartsDatabase.rows(
            c,
            "SELECT t.event_ts, t.transaction_id, t.txn_type, t.status, m.name AS merchant,"
                + " m.city AS merchant_city, t.amount, t.currency, t.amount_inr,"
                + " t.balance_effect_inr FROM marts.fct_transactions t"
                + " LEFT JOIN marts.dim_merchant m ON m.merchant_key = t.merchant_key"
                + " AND t.merchant_key NOT IN ('NONE', 'UNKNOWN')"
                + " WHERE t.account_key = ? AND t.event_ts >= ? AND t.event_ts < ?"
                + " ORDER BY t.event_ts, t.transaction_id",
            account,
            from,
            from.plusMonths(1));
    BigDecimal balance = (BigDecimal) h.get("opening_balance_inr");
    List<Line> lines = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      BigDecimal effect = (BigDecimal) r.get("balance_effect_inr");
      balance = balance.add(effect);
      lines.add(
          new Line(
              (String) r.get("event_ts"),
              (String) r.get("transaction_id"),
              (String) r.get("txn_type"),
              (String) r.get("status"),
              (String) r.get("merchant"),
              (String) r.get("merchant_city"),
              (BigDecimal) r.get("amount"),
              (String) r.get("currency"),
              (BigDecimal) r.get("amount_inr"),
              effect,
              balance));
    }
    return Optional.of(
        new Statement(
            account,
            (String) h.get("customer_id"),
            month,
            (BigDecimal) h.get("opening_balance_inr"),
            (BigDecimal) h.get("credits_inr"),
            (BigDecimal) h.get("debits_inr"),
            (BigDecimal) h.get("fees_inr"),
            (BigDecimal) h.get("closing_balance_inr"),
            ((Number) h.get("txn_count")).longValue(),
            lines));
  }

  /** The statement as the JSON endpoint returns it. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_id", accountId);
    m.put("customer_id", customerId);
    m.put("month", month.toString());
    m.put("opening_balance_inr", openingBalance);
    m.put("credits_inr", credits);
    m.put("debits_inr", debits);
    m.put("fees_inr", fees);
    m.put("closing_balance_inr", closingBalance);
    m.put("txn_count", successCount);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Line l : lines) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("event_ts", l.eventTs());
      r.put("transaction_id", l.transactionId());
      r.put("txn_type", l.txnType());
      r.put("status", l.status());
      r.put("merchant", l.merchant());
      r.put("merchant_city", l.merchantCity());
      r.put("amount", l.amount());
      r.put("currency", l.currency());
      r.put("amount_inr", l.amountInr());
      r.put("balance_effect_inr", l.balanceEffect());
      r.put("balance_after_inr", l.balanceAfter());
      out.add(r);
    }
    m.put("lines", out);
    return m;
  }
}
