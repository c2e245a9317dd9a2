package dev.lakehouse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fraud patterns the generator injects, checked on its messages the way a rule would see them:
 * the creation events of the customer-initiated debits, in event-time order per customer.
 */
class EventGeneratorFraudTest {
  private static final LocalDate END = LocalDate.of(2026, 11, 1);
  private static final double RATE = 0.01;
  private static final long MINUTE = 60_000L;

  /** The outgoing payments, what the fraud rules score. */
  private static final Set<String> SCORED =
      Set.of("CARD_PAYMENT", "UPI_PAYMENT", "P2P_TRANSFER_OUT", "WITHDRAWAL");

  /** The default fx.inr-rates, how the rules value foreign amounts. */
  private static final Map<String, Double> INR_RATES =
      Map.of("INR", 1.0, "USD", 83.25, "EUR", 90.10, "GBP", 105.60, "AED", 22.67, "SGD", 61.90);

  /** A transaction's creation event (sequence 1), as read back from its message. */
  private record Creation(
      String transactionId,
      String customerId,
      String accountId,
      String type,
      String channel,
      String merchantId,
      double amountInr,
      long eventMs,
      String deviceId,
      double lat,
      double lon) {}

  private record Run(GenerationReport report, List<OutgoingMessage> messages) {}

  private static Run run;
  private static Map<String, Creation> creations;

  /** Every customer's creation events of scored debits, in event-time order. */
  private static Map<String, List<Creation>> scoredByCustomer;

  private static Map<String, FraudLabel> fraudLabels;

  private static GeneratorOptions options(double fraudRate) {
    // No malformed copies: every message on the transactions topic is a valid event.
    return new GeneratorOptions(
        20_000, 30, 7, END, 0.25, 0.02, 0.03, 0.02, 0, 0.06, 0.02, 0.002, fraudRate, 64 * 1024);
  }

  private static Run generate(GeneratorOptions options) {
    EventGenerator g = new EventGenerator(options);
    GenerationReport report = g.plan();
    List<OutgoingMessage> messages = new ArrayList<>();
    g.messages().forEach(messages::add);
    return new Run(report, messages);
  }

  @BeforeAll
  static void generateWithFraud() {
    run = generate(options(RATE));
    creations = creationEvents(run.messages());
    scoredByCustomer =
        creations.values().stream()
            .filter(c -> SCORED.contains(c.type()))
            .sorted(inEventTimeOrder())
            .collect(Collectors.groupingBy(Creation::customerId));
    fraudLabels =
        run.report().fraudLabels().stream()
            .filter(FraudLabel::fraud)
            .collect(Collectors.toMap(FraudLabel::transactionId, l -> l));
  }

  @Test
  void aboutTheFraudRateOfTheTransactionsAreLabelledFraud() {
    List<FraudLabel> labels = run.report().fraudLabels();
    Map<String, Object> summary = run.report().toMap();
    assertThat((long) labels.size()).isEqualTo(summary.get("transactions"));
    assertThat(labels.stream().map(FraudLabel::transactionId).distinct()).hasSize(labels.size());
    assertThat(labels).allSatisfy(l -> assertThat(l.source()).isEqualTo("generator"));
    assertThat(labels)
        .filteredOn(l -> !l.fraud())
        .allSatisfy(l -> assertThat(l.pattern()).isNull());
    double share = (double) fraudLabels.size() / labels.size();
    assertThat(share).isBetween(RATE * 0.75, RATE * 1.25);
    assertThat(summary.get("fraud_transactions")).isEqualTo((long) fraudLabels.size());
    // Existing keys stay as they were.
    assertThat(summary).containsKeys("topics", "messages", "late_settlements", "illegal_updates");
  }

  @Test
  void everyPatternTakesARoughlyEqualShareOfTheFraud() {
    Map<String, Long> byPattern =
        fraudLabels.values().stream()
            .collect(Collectors.groupingBy(FraudLabel::pattern, Collectors.counting()));
    assertThat(byPattern)
        .containsOnlyKeys(
            FraudLabel.CARD_TESTING, FraudLabel.SPIKE, FraudLabel.TRAVEL, FraudLabel.NEW_DEVICE);
    for (long count : byPattern.values()) {
      assertThat((double) count / fraudLabels.size()).isBetween(0.15, 0.35);
    }
    assertThat(run.report().toMap().get("fraud_by_pattern")).isEqualTo(byPattern);
  }

  @Test
  void fraudTransactionsAreOrdinaryTransactionsOfOpenAccountsInsideTheWindow() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> openedMs = new HashMap<>();
    for (OutgoingMessage m : run.messages()) {
      if (m.topic().equals(Topic.ACCOUNTS.topicName())) {
        JsonNode n = json.readTree(m.value());
        openedMs.put(n.get("account_id").asText(), millis(n.get("opened_at").asText()));
      }
    }
    long first = END.minusDays(29).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long cutoff = END.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    for (FraudLabel label : fraudLabels.values()) {
      Creation c = creations.get(label.transactionId());
      assertThat(c).as("the creation event of %s", label).isNotNull();
      assertThat(c.customerId()).isEqualTo(label.customerId());
      assertThat(SCORED).contains(c.type());
      assertThat(c.eventMs()).isBetween(first, cutoff - 1);
      assertThat(c.eventMs()).isGreaterThanOrEqualTo(openedMs.get(c.accountId()));
    }
  }

  @Test
  void cardTestingIsABurstOfSmallWebPaymentsAtDistinctMerchantsFromANewDevice() {
    Map<String, List<Creation>> bursts = fraudOf(FraudLabel.CARD_TESTING);
    assertThat(bursts).isNotEmpty();
    bursts.forEach(
        (customer, burst) -> {
          assertThat(burst).hasSizeBetween(6, 10);
          assertThat(burst)
              .allSatisfy(
                  c -> {
                    assertThat(c.type()).isEqualTo("CARD_PAYMENT");
                    assertThat(c.channel()).isEqualTo("WEB");
                    assertThat(c.amountInr()).isBetween(1.0, 200.0);
                    assertThat(c.deviceId()).isEqualTo(burst.get(0).deviceId());
                  });
          assertThat(burst.stream().map(Creation::merchantId).distinct()).hasSize(burst.size());
          // At least six creation events of the customer within ten minutes.
          List<Creation> all = scoredByCustomer.get(customer);
          long start = burst.get(0).eventMs();
          assertThat(all.stream().filter(c -> within(c, start, start + 10 * MINUTE)).count())
              .isGreaterThanOrEqualTo(6);
          assertThat(devicesBefore(customer, burst.get(0))).doesNotContain(burst.get(0).deviceId());
        });
  }

  @Test
  void aSpikeIsAtLeastTwentyTimesTheMedianOfTheCustomersEarlierPayments() {
    Map<String, List<Creation>> spikes = fraudOf(FraudLabel.SPIKE);
    assertThat(spikes).isNotEmpty();
    spikes.forEach(
        (customer, theirs) -> {
          assertThat(theirs).hasSize(1);
          Creation spike = theirs.get(0);
          assertThat(spike.type()).isIn("CARD_PAYMENT", "UPI_PAYMENT");
          List<Creation> all = scoredByCustomer.get(customer);
          double[] earlier =
              all.subList(0, all.indexOf(spike)).stream()
                  .filter(c -> c.type().equals("CARD_PAYMENT") || c.type().equals("UPI_PAYMENT"))
                  .mapToDouble(Creation::amountInr)
                  .sorted()
                  .toArray();
          assertThat(earlier.length).isGreaterThanOrEqualTo(15);
          double median = (earlier[(earlier.length - 1) / 2] + earlier[earlier.length / 2]) / 2;
          assertThat(spike.amountInr()).isGreaterThanOrEqualTo(Math.max(25_000, 20 * median));
        });
  }

  @Test
  void travelFraudComesMinutesAfterAPaymentAtLeastAThousandKilometresAway() {
    Map<String, List<Creation>> travels = fraudOf(FraudLabel.TRAVEL);
    assertThat(travels).isNotEmpty();
    travels.forEach(
        (customer, theirs) -> {
          assertThat(theirs).hasSize(1);
          Creation far = theirs.get(0);
          assertThat(far.type()).isEqualTo("CARD_PAYMENT");
          List<Creation> all = scoredByCustomer.get(customer);
          int i = all.indexOf(far);
          assertThat(i).isPositive();
          Creation before = all.get(i - 1);
          assertThat(fraudLabels).doesNotContainKey(before.transactionId());
          assertThat(far.eventMs() - before.eventMs()).isBetween(5 * MINUTE, 60 * MINUTE);
          assertThat(haversineKm(before.lat(), before.lon(), far.lat(), far.lon()))
              .isGreaterThanOrEqualTo(1_000);
        });
  }

  @Test
  void newDeviceFraudMovesMoneyFromADeviceTheCustomerNeverUsed() {
    Map<String, List<Creation>> takeovers = fraudOf(FraudLabel.NEW_DEVICE);
    assertThat(takeovers).isNotEmpty();
    takeovers.forEach(
        (customer, theirs) -> {
          assertThat(theirs).hasSize(1);
          Creation t = theirs.get(0);
          assertThat(t.type()).isIn("P2P_TRANSFER_OUT", "UPI_PAYMENT");
          assertThat(t.amountInr()).isBetween(5_000.0, 80_000.0);
          Set<String> known = devicesBefore(customer, t);
          assertThat(known).isNotEmpty().doesNotContain(t.deviceId());
        });
  }

  @Test
  void theSameSeedGivesTheSameLabelsAndMessages() {
    Run again = generate(options(RATE));
    assertThat(again.report().fraudLabels()).isEqualTo(run.report().fraudLabels());
    assertThat(again.messages()).hasSameSizeAs(run.messages());
    for (int i = 0; i < run.messages().size(); i++) {
      OutgoingMessage a = run.messages().get(i);
      OutgoingMessage b = again.messages().get(i);
      assertThat(b.key()).isEqualTo(a.key());
      assertThat(b.timestampMs()).isEqualTo(a.timestampMs());
      assertThat(Arrays.equals(b.value(), a.value())).as("message %d", i).isTrue();
    }
  }

  @Test
  void rateZeroLabelsEveryTransactionGenuineAndLeavesTheReferenceDataAlone() {
    Run genuine = generate(options(0));
    assertThat(genuine.report().fraudLabels())
        .hasSize(((Number) genuine.report().toMap().get("transactions")).intValue())
        .noneMatch(FraudLabel::fraud);
    assertThat(genuine.report().toMap().get("fraud_transactions")).isEqualTo(0L);
    assertThat(
            genuine.messages().stream()
                .filter(m -> m.topic().equals(Topic.TRANSACTIONS.topicName()))
                .count())
        .isEqualTo(20_000);
    // Fraud is planned after everything else and draws its decisions from its own Random.
    for (Topic topic : List.of(Topic.CUSTOMERS, Topic.ACCOUNTS, Topic.MERCHANTS)) {
      assertThat(values(genuine, topic)).containsExactlyElementsOf(values(run, topic));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<String, Creation> creationEvents(List<OutgoingMessage> messages) {
    ObjectMapper json = new ObjectMapper();
    Map<String, Creation> out = new HashMap<>();
    for (OutgoingMessage m : messages) {
      if (!m.topic().equals(Topic.TRANSACTIONS.topicName())) {
        continue;
      }
      JsonNode n = read(json, m.value());
      if (n.get("sequence").asInt() != 1) {
        continue;
      }
      out.put(
          n.get("transaction_id").asText(),
          new Creation(
              n.get("transaction_id").asText(),
              n.get("customer_id").asText(),
              n.get("account_id").asText(),
              n.get("txn_type").asText(),
              n.get("channel").asText(),
              n.path("merchant_id").asText(null),
              n.get("amount").asDouble() * INR_RATES.get(n.get("currency").asText()),
              millis(n.get("event_ts").asText()),
              n.get("device_id").asText(),
              n.get("latitude").asDouble(),
              n.get("longitude").asDouble()));
    }
    return out;
  }

  /** The fraud of one pattern per customer, in event-time order. */
  private static Map<String, List<Creation>> fraudOf(String pattern) {
    return fraudLabels.values().stream()
        .filter(l -> l.pattern().equals(pattern))
        .map(l -> creations.get(l.transactionId()))
        .sorted(inEventTimeOrder())
        .collect(Collectors.groupingBy(Creation::customerId));
  }

  /** The devices of the customer's transactions (of any type) before this one. */
  private static Set<String> devicesBefore(String customer, Creation t) {
    Set<String> out = new HashSet<>();
    for (Creation c : creations.values()) {
      if (c.customerId().equals(customer) && c.eventMs() < t.eventMs()) {
        out.add(c.deviceId());
      }
    }
    return out;
  }

  private static List<String> values(Run r, Topic topic) {
    return r.messages().stream()
        .filter(m -> m.topic().equals(topic.topicName()))
        .map(m -> new String(m.value(), java.nio.charset.StandardCharsets.UTF_8))
        .toList();
  }

  private static Comparator<Creation> inEventTimeOrder() {
    return Comparator.comparingLong(Creation::eventMs).thenComparing(Creation::transactionId);
  }

  private static boolean within(Creation c, long fromMs, long toMs) {
    return c.eventMs() >= fromMs && c.eventMs() <= toMs;
  }

  private static long millis(String timestamp) {
    return OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
  }

  private static JsonNode read(ObjectMapper json, byte[] value) {
    try {
      return json.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * 6371.0 * Math.asin(Math.sqrt(a));
  }
}
