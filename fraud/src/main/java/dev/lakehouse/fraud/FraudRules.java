package dev.lakehouse.fraud;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;

/**
 * The rules' thresholds and which rules alert, from the fraud.* settings.
 *
 * @param enabled the rules that raise alerts (every rule's feature is computed regardless)
 * @param amountThresholdInr rule amount: alert above this many INR
 * @param velocityCount rule velocity: at least this many transactions ...
 * @param velocityWindowMs ... within this much event time, the current one included
 * @param spikeMinHistory rule spike: earlier transactions the customer needs first
 * @param spikeZ rule spike: deviations above the running mean
 * @param spikeFloorInr rule spike: amounts below this never count
 * @param travelMaxKmh rule travel: the speed above which travel is impossible
 * @param travelMinKm rule travel: distances below this never count
 * @param deviceTtlMs rule new-device: a device unused this long (event time) is new again
 */
public record FraudRules(
    Set<FraudRule> enabled,
    BigDecimal amountThresholdInr,
    int velocityCount,
    long velocityWindowMs,
    long spikeMinHistory,
    double spikeZ,
    BigDecimal spikeFloorInr,
    double travelMaxKmh,
    double travelMinKm,
    long deviceTtlMs)
    implements Serializable {

  public FraudRules {
    enabled = enabled.isEmpty() ? EnumSet.noneOf(FraudRule.class) : EnumSet.copyOf(enabled);
  }

  public static FraudRules from(LakehouseConfig config) {
    Set<FraudRule> enabled = EnumSet.noneOf(FraudRule.class);
    for (String name : config.get(Settings.FRAUD_RULES).split(",")) {
      if (!name.isBlank()) {
        enabled.add(FraudRule.of(name));
      }
    }
    return new FraudRules(
        enabled,
        new BigDecimal(config.get(Settings.FRAUD_AMOUNT_THRESHOLD_INR).trim()),
        config.intValue(Settings.FRAUD_VELOCITY_COUNT),
        config.longValue(Settings.FRAUD_VELOCITY_MINUTES) * 60_000L,
        config.longValue(Settings.FRAUD_SPIKE_MIN_HISTORY),
        config.doubleValue(Settings.FRAUD_SPIKE_Z),
        new BigDecimal(config.get(Settings.FRAUD_SPIKE_FLOOR_INR).trim()),
        config.doubleValue(Settings.FRAUD_TRAVEL_MAX_KMH),
        config.doubleValue(Settings.FRAUD_TRAVEL_MIN_KM),
        config.longValue(Settings.FRAUD_DEVICE_TTL_DAYS) * 86_400_000L);
  }

  public boolean alerts(FraudRule rule) {
    return enabled.contains(rule);
  }
}
