package dev.lakehouse.fraud;

import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fraud rules as plain Java: one transaction and its customer's state in, the decision out, the
 * state updated. No Spark here, so each rule is tested on hand-built sequences.
 *
 * <p>Events may arrive out of order: velocity counts the window ending at the event whatever
 * arrived before; travel compares with the latest known place in event time and uses the absolute
 * time between the two; a device's last use only moves forward. State that no rule can use any more
 * (times older than the velocity window or the device TTL before the newest event) is dropped.
 */
public final class RuleEngine {
  private static final double EARTH_KM = 6371.0088;

  /**
   * Which running statistics a transaction is compared with by the spike rule: cash withdrawals are
   * large and regular next to card and UPI payments, and transfers to people sit in between, so
   * each is its own history.
   */
  static String spendingKind(String txnType) {
    return switch (txnType) {
      case "WITHDRAWAL" -> "withdrawal";
      case "P2P_TRANSFER_OUT" -> "transfer";
      default -> "payment";
    };
  }

  /** How long a scored transaction id is remembered to skip its redeliveries (event time). */
  static final long DEDUPE_MS = 7 * 86_400_000L;

  /** A score cap for an infinite speed (two places at the same instant). */
  static final double MAX_SCORE = 1_000;

  private final FraudRules rules;

  public RuleEngine(FraudRules rules) {
    this.rules = rules;
  }

  /**
   * Scores one transaction against the customer's state and updates the state; null when the
   * transaction was scored before (a redelivery).
   */
  public Decision decide(TxnEvent e, CustomerState s, long nowMs) {
    long at = e.getEventTs().getTime();
    if (s.seen.containsKey(e.getTransactionId())) {
      return null;
    }
    s.seen.put(e.getTransactionId(), at);
    s.newestMs = Math.max(s.newestMs, at);

    Decision d = new Decision();
    copy(e, d, nowMs);
    List<RuleHit> hits = new ArrayList<>();
    double amountInr = e.getAmountInr().doubleValue();

    // amount
    if (e.getAmountInr().compareTo(rules.amountThresholdInr()) > 0) {
      hit(
          hits,
          FraudRule.AMOUNT,
          e.getAmountInr()
              .divide(rules.amountThresholdInr(), 6, RoundingMode.HALF_UP)
              .doubleValue(),
          "INR " + e.getAmountInr().toPlainString() + " > " + rules.amountThresholdInr());
    }

    // velocity: the fullest window of M minutes that holds this transaction. In order, that is
    // the window ending here; a late transaction may complete a window ending after it.
    int position = Collections.binarySearch(s.recent, at);
    s.recent.add(position < 0 ? -position - 1 : position, at);
    int inWindow = 0;
    for (long end : s.recent) {
      if (end >= at && end < at + rules.velocityWindowMs()) {
        inWindow = Math.max(inWindow, countIn(s.recent, end - rules.velocityWindowMs(), end));
      }
    }
    d.setVelocityCount(inWindow);
    if (inWindow >= rules.velocityCount()) {
      hit(
          hits,
          FraudRule.VELOCITY,
          (double) inWindow / rules.velocityCount(),
          inWindow + " transactions within " + rules.velocityWindowMs() / 60_000 + " minutes");
    }

    // spike: against the history of the same kind of spending before this transaction
    String kind = spendingKind(e.getTxnType());
    CustomerStats st = s.spending.computeIfAbsent(kind, k -> new CustomerStats());
    long count = st.getCount();
    double mean = st.getMean();
    d.setHistoryCount(count);
    d.setMeanInr(count == 0 ? 0 : mean);
    if (count >= rules.spikeMinHistory()) {
      double sd = count > 1 ? Math.sqrt(st.getM2() / (count - 1)) : 0;
      double spread = Math.max(sd, mean / 10);
      double z = spread > 0 ? (amountInr - mean) / spread : 0;
      d.setZScore(z);
      if (z >= rules.spikeZ() && e.getAmountInr().compareTo(rules.spikeFloorInr()) >= 0) {
        hit(
            hits,
            FraudRule.SPIKE,
            z / rules.spikeZ(),
            String.format(
                "INR %s is %.1f deviations above the customer's mean %s of %.2f over %d",
                e.getAmountInr().toPlainString(), z, kind, mean, count));
      }
    }
    st.setCount(count + 1);
    double delta = amountInr - mean;
    st.setMean(mean + delta / (count + 1));
    st.setM2(st.getM2() + delta * (amountInr - st.getMean()));

    // travel
    if (e.getLatitude() != null && e.getLongitude() != null) {
      if (s.place != null) {
        double km =
            haversineKm(
                s.place.getLatitude(), s.place.getLongitude(), e.getLatitude(), e.getLongitude());
        double hours = Math.abs(at - s.place.getEventMs()) / 3_600_000.0;
        double kmh = hours == 0 ? (km == 0 ? 0 : Double.POSITIVE_INFINITY) : km / hours;
        d.setKmFromLast(km);
        d.setKmhFromLast(Double.isInfinite(kmh) ? null : kmh);
        if (km >= rules.travelMinKm() && kmh > rules.travelMaxKmh()) {
          hit(
              hits,
              FraudRule.TRAVEL,
              Math.min(kmh / rules.travelMaxKmh(), MAX_SCORE),
              String.format(
                  "%.0f km from the previous transaction in %.0f minutes", km, hours * 60));
        }
      }
      if (s.place == null || at >= s.place.getEventMs()) {
        LastPlace p = new LastPlace();
        p.setLatitude(e.getLatitude());
        p.setLongitude(e.getLongitude());
        p.setEventMs(at);
        s.place = p;
      }
    }

    // new device: unused within the TTL, while the customer has another device in use
    if (e.getDeviceId() != null) {
      Long lastUse = s.devices.get(e.getDeviceId());
      boolean fresh = lastUse == null || at - lastUse > rules.deviceTtlMs();
      boolean another = false;
      for (Map.Entry<String, Long> known : s.devices.entrySet()) {
        if (!known.getKey().equals(e.getDeviceId())
            && Math.abs(at - known.getValue()) <= rules.deviceTtlMs()) {
          another = true;
          break;
        }
      }
      d.setNewDevice(fresh && another);
      if (fresh && another) {
        hit(hits, FraudRule.NEW_DEVICE, 1.0, "device " + e.getDeviceId() + " not seen before");
      }
      s.devices.merge(e.getDeviceId(), at, Math::max);
    }

    d.setHits(hits);
    forget(s);
    return d;
  }

  /** How many of the ascending times lie in (from, to]. */
  private static int countIn(List<Long> times, long from, long to) {
    int n = 0;
    for (long t : times) {
      if (t > from && t <= to) {
        n++;
      }
    }
    return n;
  }

  private void hit(List<RuleHit> hits, FraudRule rule, double score, String reason) {
    if (rules.alerts(rule)) {
      hits.add(RuleHit.of(rule, score, reason));
    }
  }

  /** Drops what no rule can use any more, measured from the newest event. */
  private void forget(CustomerState s) {
    long newest = s.newestMs;
    // Two windows: a transaction up to one window late still finds the window it completes.
    s.recent.removeIf(t -> t <= newest - 2 * rules.velocityWindowMs());
    s.devices.values().removeIf(t -> t < newest - rules.deviceTtlMs());
    for (Iterator<Long> it = s.seen.values().iterator(); it.hasNext(); ) {
      if (it.next() < newest - DEDUPE_MS) {
        it.remove();
      }
    }
  }

  private static void copy(TxnEvent e, Decision d, long nowMs) {
    d.setTransactionId(e.getTransactionId());
    d.setCustomerId(e.getCustomerId());
    d.setAccountId(e.getAccountId());
    d.setTxnType(e.getTxnType());
    d.setAmount(e.getAmount());
    d.setCurrency(e.getCurrency());
    d.setAmountInr(e.getAmountInr());
    d.setEventTs(e.getEventTs());
    d.setDetectedTs(new Timestamp(nowMs));
    d.setHourOfDay(Instant.ofEpochMilli(e.getEventTs().getTime()).atZone(ZoneOffset.UTC).getHour());
    d.setKafkaTopic(e.getKafkaTopic());
    d.setKafkaPartition(e.getKafkaPartition());
    d.setKafkaOffset(e.getKafkaOffset());
    d.setKafkaTs(e.getKafkaTs());
  }

  /** Great-circle distance in km. */
  static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
