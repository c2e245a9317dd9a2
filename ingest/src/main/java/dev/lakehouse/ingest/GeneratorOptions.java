package dev.lakehouse.ingest;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.time.LocalDate;

/**
 * What {@code lakehouse generate} produces: {@code events} messages on the transactions topic
 * (every kind included) over the {@code days} days ending with {@code endDate} (UTC), plus the
 * reference data they need. About {@code fraudRate} of the transactions belong to a labelled fraud
 * pattern.
 */
public record GeneratorOptions(
    long events,
    int days,
    long seed,
    LocalDate endDate,
    double lateSettlementRate,
    double veryLateSettlementRate,
    double outOfOrderRate,
    double duplicateRate,
    double malformedRate,
    double failureRate,
    double reversalRate,
    double illegalUpdateRate,
    double fraudRate,
    int maxMessageBytes,
    Faults faults) {

  /** Options without faults. */
  public GeneratorOptions(
      long events,
      int days,
      long seed,
      LocalDate endDate,
      double lateSettlementRate,
      double veryLateSettlementRate,
      double outOfOrderRate,
      double duplicateRate,
      double malformedRate,
      double failureRate,
      double reversalRate,
      double illegalUpdateRate,
      double fraudRate,
      int maxMessageBytes) {
    this(
        events,
        days,
        seed,
        endDate,
        lateSettlementRate,
        veryLateSettlementRate,
        outOfOrderRate,
        duplicateRate,
        malformedRate,
        failureRate,
        reversalRate,
        illegalUpdateRate,
        fraudRate,
        maxMessageBytes,
        Faults.NONE);
  }

  /** The same options with these faults injected. */
  public GeneratorOptions withFaults(Faults injected) {
    return new GeneratorOptions(
        events,
        days,
        seed,
        endDate,
        lateSettlementRate,
        veryLateSettlementRate,
        outOfOrderRate,
        duplicateRate,
        malformedRate,
        failureRate,
        reversalRate,
        illegalUpdateRate,
        fraudRate,
        maxMessageBytes,
        injected);
  }

  public GeneratorOptions {
    faults = faults == null ? Faults.NONE : faults;
    if (events < 1) {
      throw new IllegalArgumentException("--events must be at least 1, got " + events);
    }
    if (days < 1 || days > 3660) {
      throw new IllegalArgumentException("--days must be between 1 and 3660, got " + days);
    }
    if (!(fraudRate >= 0 && fraudRate <= 1)) {
      throw new IllegalArgumentException(
          "The fraud rate must be a fraction between 0 and 1, got " + fraudRate);
    }
  }

  /** Options with the rates of the configuration. */
  public static GeneratorOptions from(
      LakehouseConfig config, long events, int days, long seed, LocalDate endDate) {
    return new GeneratorOptions(
        events,
        days,
        seed,
        endDate,
        config.doubleValue(Settings.GEN_LATE_RATE),
        config.doubleValue(Settings.GEN_VERY_LATE_RATE),
        config.doubleValue(Settings.GEN_OUT_OF_ORDER_RATE),
        config.doubleValue(Settings.GEN_DUPLICATE_RATE),
        config.doubleValue(Settings.GEN_MALFORMED_RATE),
        config.doubleValue(Settings.GEN_FAILURE_RATE),
        config.doubleValue(Settings.GEN_REVERSAL_RATE),
        config.doubleValue(Settings.GEN_ILLEGAL_UPDATE_RATE),
        config.doubleValue(Settings.GEN_FRAUD_RATE),
        config.intValue(Settings.BRONZE_MAX_MESSAGE_KB) * 1024);
  }

  /**
   * The same options without illegal status updates (every lifecycle follows the state machine).
   */
  public GeneratorOptions withoutIllegalUpdates() {
    return new GeneratorOptions(
        events,
        days,
        seed,
        endDate,
        lateSettlementRate,
        veryLateSettlementRate,
        outOfOrderRate,
        duplicateRate,
        malformedRate,
        failureRate,
        reversalRate,
        0,
        fraudRate,
        maxMessageBytes,
        faults);
  }

  public GeneratorOptions withRates(double malformed, double duplicate) {
    return new GeneratorOptions(
        events,
        days,
        seed,
        endDate,
        lateSettlementRate,
        veryLateSettlementRate,
        outOfOrderRate,
        duplicate,
        malformed,
        failureRate,
        reversalRate,
        illegalUpdateRate,
        fraudRate,
        maxMessageBytes);
  }

  /** The same options with another share of transactions in fraud patterns. */
  public GeneratorOptions withFraudRate(double rate) {
    return new GeneratorOptions(
        events,
        days,
        seed,
        endDate,
        lateSettlementRate,
        veryLateSettlementRate,
        outOfOrderRate,
        duplicateRate,
        malformedRate,
        failureRate,
        reversalRate,
        illegalUpdateRate,
        rate,
        maxMessageBytes);
  }
}
