package dev.lakehouse.common;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/** The fixed INR value of one unit of each accepted currency: the {@code fx.inr-rates} setting. */
public final class FixedInrRates {
  /** Rates at or above this are refused: INR amounts must fit DECIMAL(18,2). */
  public static final BigDecimal MAX_RATE = new BigDecimal("10000");

  private FixedInrRates() {}

  /**
   * Parses {@code fx.inr-rates} ({@code INR=1,USD=83.25,...}); a ConfigException naming the entry
   * that is not CODE=positive number.
   */
  public static Map<String, BigDecimal> parse(String setting) {
    Map<String, BigDecimal> rates = new TreeMap<>();
    for (String part : setting.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2 || !kv[0].trim().matches("[A-Z]{3}")) {
        throw new ConfigException(
            "fx.inr-rates: '" + part.trim() + "' is not CODE=RATE (for example USD=83.25).");
      }
      try {
        BigDecimal rate = new BigDecimal(kv[1].trim());
        if (rate.signum() <= 0 || rate.scale() > 6 || rate.compareTo(MAX_RATE) >= 0) {
          throw new NumberFormatException();
        }
        rates.put(kv[0].trim(), rate.setScale(6));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "fx.inr-rates: the rate of "
                + kv[0].trim()
                + " ('"
                + kv[1].trim()
                + "') is not a number above 0 and below 10000 with at most 6 decimals.");
      }
    }
    return rates;
  }
}
