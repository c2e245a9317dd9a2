package dev.lakehouse.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule on hand-built sequences, with the alerts expected worked out by hand. */
class RuleEngineTest {
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  static final double[] MUMBAI = {19.0760, 72.8777};
  static final double[] DELHI = {28.7041, 77.1025};

  /** The defaults of the fraud.* settings. */
  static FraudRules defaults(EnumSet<FraudRule> enabled) {
    return new FraudRules(
        enabled,
        new BigDecimal("200000"),
        5,
        Duration.ofMinutes(10).toMillis(),
        10,
        4,
        new BigDecimal("10000"),
        900,
        100,
        Duration.ofDays(90).toMillis());
  }

  final RuleEngine engine = new RuleEngine(defaults(EnumSet.allOf(FraudRule.class)));
  final CustomerState state = CustomerState.empty();
  int ids;

  TxnEvent txn(String amountInr, Instant at) {
    TxnEvent e = new TxnEvent();
    e.setTransactionId("T" + ++ids);
    e.setCustomerId("C1");
    e.setAccountId("A1");
    e.setTxnType("CARD_PAYMENT");
    e.setAmount(new BigDecimal(amountInr));
    e.setCurrency("INR");
    e.setAmountInr(new BigDecimal(amountInr));
    e.setEventTs(Timestamp.from(at));
    e.setKafkaTopic("transactions");
    e.setKafkaOffset(ids);
    return e;
  }

  TxnEvent at(double[] place, Instant at) {
    TxnEvent e = txn("500.00", at);
    e.setLatitude(place[0]);
    e.setLongitude(place[1]);
    return e;
  }

  TxnEvent device(String id, Instant at) {
    TxnEvent e = txn("500.00", at);
    e.setDeviceId(id);
    return e;
  }

  List<String> rules(Decision d) {
    List<String> out = new ArrayList<>();
    d.getHits().forEach(h -> out.add(h.getRule()));
    return out;
  }

  Decision decide(TxnEvent e) {
    return engine.decide(e, state, 0);
  }

  static Instant minutes(double m) {
    return T0.plusMillis((long) (m * 60_000));
  }

  @Test
  void amountAlertsAboveTheThresholdNotAtIt() {
    assertThat(rules(decide(txn("200000.00", T0)))).isEmpty();
    Decision above = decide(txn("200000.01", minutes(60)));
    assertThat(rules(above)).containsExactly("amount");
    assertThat(above.getHits().get(0).getScore()).isCloseTo(1.00000005, within(1e-6));
  }

  @Test
  void velocityAlertsFromTheFifthTransactionWithinTenMinutes() {
    List<List<String>> alerts = new ArrayList<>();
    // 0, 2, 4, 6: four; 8: the fifth within (-2, 8]; 12: (2, 12] holds 4, 6, 8, 9.5, 12.
    for (double m : new double[] {0, 2, 4, 6, 8, 9.5, 12}) {
      alerts.add(rules(decide(txn("100.00", minutes(m)))));
    }
    assertThat(alerts)
        .containsExactly(
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of("velocity"),
            List.of("velocity"),
            List.of("velocity"));
  }

  @Test
  void aWindowIncludesItsEndButNotItsStart() {
    for (double m : new double[] {0, 2, 4, 6}) {
      decide(txn("100.00", minutes(m)));
    }
    // (0, 10] holds 2, 4, 6 and 10: four.
    Decision tenth = decide(txn("100.00", minutes(10)));
    assertThat(tenth.getVelocityCount()).isEqualTo(4);
    assertThat(rules(tenth)).isEmpty();
  }

  @Test
  void aLateTransactionThatCompletesABurstAlerts() {
    // Arrival order 8, 0, 6, 2, 4: only the last arrival completes the five within (-2, 8].
    List<List<String>> alerts = new ArrayList<>();
    for (double m : new double[] {8, 0, 6, 2, 4}) {
      alerts.add(rules(decide(txn("100.00", minutes(m)))));
    }
    assertThat(alerts)
        .containsExactly(List.of(), List.of(), List.of(), List.of(), List.of("velocity"));
  }

  @Test
  void spikeNeedsTheMinimumHistoryAndTheFloor() {
    // Nine transactions of 1,000: below the minimum history of 10, whatever comes next.
    for (int i = 0; i < 9; i++) {
      decide(txn("1000.00", T0.plus(Duration.ofHours(i))));
    }
    Decision early = decide(txn("100000.00", T0.plus(Duration.ofHours(9))));
    assertThat(early.getZScore()).isNull();
    assertThat(early.getHistoryCount()).isEqualTo(9);
    assertThat(rules(early)).isEmpty();
  }

  @Test
  void spikeAlertsFarAboveTheRunningMeanAndAboveTheFloor() {
    // Ten of 2,000: mean 2,000, deviation 0, taken as a tenth of the mean: 200.
    for (int i = 0; i < 10; i++) {
      decide(txn("2000.00", T0.plus(Duration.ofHours(i))));
    }
    // 2,800 is (2,800 - 2,000) / 200 = 4 deviations up, but below the floor of 10,000.
    Decision below = decide(txn("2800.00", T0.plus(Duration.ofHours(10))));
    assertThat(below.getZScore()).isCloseTo(4.0, within(1e-9));
    assertThat(rules(below)).isEmpty();
    // Now 11 amounts: ten of 2,000 and one of 2,800. Mean 2,072.7272...; sample variance
    // (10 x 72.7272...^2 + 727.2727...^2) / 10 = 58,181.8181..., deviation 241.2091...
    // 10,000 is (10,000 - 2,072.7272) / 241.2091 = 32.8647 deviations up, at the floor.
    Decision spike = decide(txn("10000.00", T0.plus(Duration.ofHours(11))));
    assertThat(spike.getMeanInr()).isCloseTo(2072.7272727, within(1e-6));
    assertThat(spike.getZScore()).isCloseTo(32.8647, within(1e-3));
    assertThat(rules(spike)).containsExactly("spike");
    assertThat(spike.getHits().get(0).getScore()).isCloseTo(32.8647 / 4, within(1e-3));
  }

  @Test
  void spikeComparesWithdrawalsWithWithdrawalsAndPaymentsWithPayments() {
    // Ten card payments of 500 and ten cash withdrawals of 10,000, alternating.
    for (int i = 0; i < 10; i++) {
      decide(txn("500.00", T0.plus(Duration.ofHours(2 * i))));
      TxnEvent cash = txn("10000.00", T0.plus(Duration.ofHours(2 * i + 1)));
      cash.setTxnType("WITHDRAWAL");
      decide(cash);
    }
    // A withdrawal of 12,000: mean 10,000, deviation 0 taken as 1,000, so 2 deviations: usual.
    TxnEvent cash = txn("12000.00", T0.plus(Duration.ofHours(20)));
    cash.setTxnType("WITHDRAWAL");
    Decision usual = decide(cash);
    assertThat(usual.getHistoryCount()).isEqualTo(10);
    assertThat(usual.getMeanInr()).isCloseTo(10_000, within(1e-9));
    assertThat(usual.getZScore()).isCloseTo(2.0, within(1e-9));
    assertThat(rules(usual)).isEmpty();
    // A payment of 12,000 against payments of 500 (deviation 50): 230 deviations up.
    Decision spike = decide(txn("12000.00", T0.plus(Duration.ofHours(21))));
    assertThat(spike.getHistoryCount()).isEqualTo(10);
    assertThat(spike.getZScore()).isCloseTo(230.0, within(1e-9));
    assertThat(rules(spike)).containsExactly("spike");
  }

  @Test
  void travelAlertsFasterThanAPlaneOverAtLeastTheMinimumDistance() {
    decide(at(MUMBAI, T0));
    // Mumbai to Delhi is about 1,150 km: in 30 minutes, about 2,300 km/h.
    Decision flight = decide(at(DELHI, minutes(30)));
    assertThat(flight.getKmFromLast()).isBetween(1140.0, 1160.0);
    assertThat(flight.getKmhFromLast()).isBetween(2280.0, 2320.0);
    assertThat(rules(flight)).containsExactly("travel");
    // Back in Mumbai four hours later: about 290 km/h, possible.
    Decision back = decide(at(MUMBAI, minutes(270)));
    assertThat(rules(back)).isEmpty();
    // 0.5 degrees of latitude (about 56 km) in one minute: fast, but too short to count.
    Decision near = decide(at(new double[] {MUMBAI[0] + 0.5, MUMBAI[1]}, minutes(271)));
    assertThat(near.getKmFromLast()).isBetween(55.0, 57.0);
    assertThat(near.getKmhFromLast()).isGreaterThan(900);
    assertThat(rules(near)).isEmpty();
  }

  @Test
  void aNewDeviceAlertsOnlyBesideAnotherOneInUseAndDevicesExpireAfterTheirTtl() {
    List<List<String>> alerts = new ArrayList<>();
    alerts.add(rules(decide(device("D1", T0)))); // the first device: nothing to compare with
    alerts.add(rules(decide(device("D1", minutes(60)))));
    alerts.add(rules(decide(device("D2", minutes(120))))); // new beside D1
    alerts.add(rules(decide(device("D2", minutes(180)))));
    // 91 days on: D1 and D2 are older than the 90-day TTL, so D3 has nothing to compare with.
    Instant later = minutes(180).plus(Duration.ofDays(91));
    alerts.add(rules(decide(device("D3", later))));
    assertThat(state.devices()).containsOnlyKeys("D3");
    // D1 is new again, beside D3.
    alerts.add(rules(decide(device("D1", later.plus(Duration.ofHours(1))))));
    assertThat(alerts)
        .containsExactly(
            List.of(),
            List.of(),
            List.of("new-device"),
            List.of(),
            List.of(),
            List.of("new-device"));
  }

  @Test
  void aRedeliveredTransactionIsScoredOnce() {
    TxnEvent e = txn("500.00", T0);
    assertThat(decide(e)).isNotNull();
    assertThat(decide(e)).isNull();
    assertThat(state.count()).isEqualTo(1);
  }

  @Test
  void aDisabledRuleStillComputesItsFeatureButDoesNotAlert() {
    RuleEngine noVelocity =
        new RuleEngine(defaults(EnumSet.complementOf(EnumSet.of(FraudRule.VELOCITY))));
    Decision last = null;
    for (int m = 0; m < 5; m++) {
      last = noVelocity.decide(txn("100.00", minutes(m)), state, 0);
    }
    assertThat(last.getVelocityCount()).isEqualTo(5);
    assertThat(rules(last)).isEmpty();
  }
}
