package dev.lakehouse.gold;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The platform's fee per transaction: basis points of the INR amount plus a fixed INR part, by
 * txn_type and, for card payments, by merchant category. FEE transactions are revenue in full. Only
 * SUCCESS transactions earn a fee; a REVERSED one earns nothing.
 */
final class FeeSchedule {
  record Fee(BigDecimal basisPoints, BigDecimal fixed) {}

  private final Map<String, Fee> fees = new LinkedHashMap<>();

  FeeSchedule(String config) {
    for (String part : config.split(",")) {
      String[] kv = part.trim().split("=");
      String[] fee = kv[1].split("\\+");
      fees.put(kv[0].trim(), new Fee(new BigDecimal(fee[0]), new BigDecimal(fee[1])));
    }
  }

  /**
   * A SQL expression over txn_type, merchant_category, status and amount_inr giving the fee in INR.
   */
  String sql() {
    StringBuilder byCategory = new StringBuilder();
    StringBuilder byType = new StringBuilder();
    for (Map.Entry<String, Fee> e : fees.entrySet()) {
      String term =
          "amount_inr * "
              + e.getValue().basisPoints().toPlainString()
              + " / 10000 + "
              + e.getValue().fixed().toPlainString();
      if (e.getKey().contains(":")) {
        String[] tc = e.getKey().split(":");
        byCategory
            .append(" WHEN txn_type = '")
            .append(tc[0])
            .append("' AND merchant_category = '")
            .append(tc[1])
            .append("' THEN ")
            .append(term);
      } else {
        byType.append(" WHEN txn_type = '").append(e.getKey()).append("' THEN ").append(term);
      }
    }
    return "CAST(CASE WHEN status <> 'SUCCESS' THEN 0 WHEN txn_type = 'FEE' THEN amount_inr"
        + byCategory
        + byType
        + " ELSE 0 END AS DECIMAL(18,2))";
  }
}
