package dev.lakehouse.contract;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The bounds a message must stay within beyond its types: its size, a plausible range of
 * timestamps, and a business maximum for money. Values outside them are dead letters ({@code
 * OVERSIZED}, {@code OUT_OF_RANGE}) instead of numbers that overflow a later step.
 *
 * @param maxMessageBytes larger messages are OVERSIZED
 * @param earliest the earliest timestamp accepted (dates: {@link #EARLIEST_DATE})
 * @param latest timestamps and dates must be before this
 * @param maxAmount the largest absolute money value accepted
 */
public record ContractLimits(
    int maxMessageBytes, Instant earliest, Instant latest, BigDecimal maxAmount)
    implements Serializable {
  /** Dates (a date of birth) may be older than any event. */
  public static final LocalDate EARLIEST_DATE = LocalDate.of(1900, 1, 1);

  public static final Instant DEFAULT_EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  public static final Instant DEFAULT_LATEST = Instant.parse("2100-01-01T00:00:00Z");
  public static final BigDecimal DEFAULT_MAX_AMOUNT = new BigDecimal("1000000000");

  public ContractLimits {
    if (!earliest.isBefore(latest)) {
      throw new IllegalArgumentException("earliest " + earliest + " is not before " + latest);
    }
    if (maxAmount.signum() <= 0) {
      throw new IllegalArgumentException("maxAmount must be positive: " + maxAmount);
    }
  }

  /** The default bounds with this message size limit. */
  public static ContractLimits defaults(int maxMessageBytes) {
    return new ContractLimits(
        maxMessageBytes, DEFAULT_EARLIEST, DEFAULT_LATEST, DEFAULT_MAX_AMOUNT);
  }

  LocalDate latestDate() {
    return latest.atOffset(ZoneOffset.UTC).toLocalDate();
  }
}
