package dev.lakehouse.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.contract.Topic;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {
  private static final LocalDate END = LocalDate.of(2026, 11, 1);

  private static GeneratorOptions options(long seed) {
    return new GeneratorOptions(
        5_000, 10, seed, END, 0.25, 0.02, 0.03, 0.02, 0.02, 0.06, 0.02, 0.01, 0.01, 64 * 1024);
  }

  private static List<OutgoingMessage> generate(long seed) {
    EventGenerator g = new EventGenerator(options(seed));
    g.plan();
    List<OutgoingMessage> out = new ArrayList<>();
    g.messages().forEach(out::add);
    return out;
  }

  @Test
  void sameSeedGivesTheSameMessagesByteForByte() {
    List<OutgoingMessage> a = generate(9);
    List<OutgoingMessage> b = generate(9);
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).topic()).isEqualTo(b.get(i).topic());
      assertThat(a.get(i).key()).isEqualTo(b.get(i).key());
      assertThat(a.get(i).timestampMs()).isEqualTo(b.get(i).timestampMs());
      assertThat(Arrays.equals(a.get(i).value(), b.get(i).value())).as("message %d", i).isTrue();
    }
    List<OutgoingMessage> c = generate(10);
    assertThat(Arrays.equals(a.get(a.size() / 2).value(), c.get(a.size() / 2).value())).isFalse();
  }

  @Test
  void producesExactlyTheRequestedTransactionMessagesInArrivalOrderBeforeTheCutoff() {
    EventGenerator g = new EventGenerator(options(1));
    GenerationReport report = g.plan();
    List<OutgoingMessage> all = new ArrayList<>();
    g.messages().forEach(all::add);
    assertThat(all.stream().filter(m -> m.topic().equals(Topic.TRANSACTIONS.topicName())).count())
        .isEqualTo(5_000);
    assertThat(report.topic(Topic.TRANSACTIONS.topicName()).messages()).isEqualTo(5_000);
    assertThat(all).hasSize((int) report.totalMessages());
    long cutoff = END.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).timestampMs())
          .isGreaterThanOrEqualTo(all.get(i - 1).timestampMs())
          .isLessThan(cutoff);
    }
  }

  @Test
  void lifecyclesFollowTheStateMachineAndSettleAfterTheyHappen() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, List<JsonNode>> byTransaction = new HashMap<>();
    EventGenerator g = new EventGenerator(options(2).withRates(0, 0).withoutIllegalUpdates());
    GenerationReport report = g.plan();
    for (OutgoingMessage m : g.messages()) {
      if (m.topic().equals(Topic.TRANSACTIONS.topicName())) {
        JsonNode n = json.readTree(m.value());
        byTransaction
            .computeIfAbsent(n.get("transaction_id").asText(), k -> new ArrayList<>())
            .add(n);
      }
    }
    int outOfOrder = 0;
    int lateSettlements = 0;
    for (List<JsonNode> events : byTransaction.values()) {
      if (events.get(0).get("sequence").asInt() != 1) {
        outOfOrder++;
      }
      events.sort((x, y) -> Integer.compare(x.get("sequence").asInt(), y.get("sequence").asInt()));
      for (int i = 0; i < events.size(); i++) {
        JsonNode e = events.get(i);
        assertThat(e.get("sequence").asInt()).isEqualTo(i + 1);
        assertThat(e.get("amount").decimalValue().signum()).isPositive();
        OffsetDateTime eventTs = OffsetDateTime.parse(e.get("event_ts").asText());
        OffsetDateTime statusTs = OffsetDateTime.parse(e.get("status_ts").asText());
        assertThat(statusTs).isAfterOrEqualTo(eventTs);
        String status = e.get("status").asText();
        String previous = i == 0 ? null : events.get(i - 1).get("status").asText();
        if (previous != null) {
          assertThat(previous + "->" + status)
              .isIn("PENDING->SUCCESS", "PENDING->FAILED", "SUCCESS->REVERSED");
          if (!status.equals("REVERSED")
              && !statusTs.toLocalDate().equals(eventTs.toLocalDate())
              && statusTs.toInstant().toEpochMilli() - eventTs.toInstant().toEpochMilli()
                  > 86_400_000L) {
            lateSettlements++;
          }
        }
      }
    }
    // Every delayed creation event shows up as a lifecycle whose first delivery is not sequence 1.
    assertThat((long) outOfOrder)
        .isEqualTo((long) report.toMap().get("out_of_order_deliveries"))
        .isPositive();
    assertThat(lateSettlements).isPositive();
    assertThat((long) report.toMap().get("reversals")).isPositive();
  }

  @Test
  void someCustomersSignUpDuringTheGeneratedDaysAndTransactOnlyOnceTheirAccountsAreOpen()
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    EventGenerator g = new EventGenerator(options(4).withRates(0, 0).withoutIllegalUpdates());
    g.plan();
    OffsetDateTime firstDay = END.minusDays(9).atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
    Map<String, OffsetDateTime> newcomers = new HashMap<>(); // customer -> signup
    Map<String, OffsetDateTime> opened = new HashMap<>(); // account -> opened_at
    Map<String, String> owner = new HashMap<>();
    List<JsonNode> transactions = new ArrayList<>();
    int customers = 0;
    for (OutgoingMessage m : g.messages()) {
      JsonNode n = json.readTree(m.value());
      if (m.topic().equals(Topic.CUSTOMERS.topicName())) {
        customers++;
        OffsetDateTime signup = OffsetDateTime.parse(n.get("signup_ts").asText());
        if (!signup.isBefore(firstDay)) {
          newcomers.put(n.get("customer_id").asText(), signup);
        }
      } else if (m.topic().equals(Topic.ACCOUNTS.topicName())) {
        opened.put(n.get("account_id").asText(), OffsetDateTime.parse(n.get("opened_at").asText()));
        owner.put(n.get("account_id").asText(), n.get("customer_id").asText());
      } else if (m.topic().equals(Topic.TRANSACTIONS.topicName())) {
        transactions.add(n);
      }
    }
    // About one in ten (of the first records and updates), so new_customers is not always zero.
    assertThat(newcomers).isNotEmpty();
    assertThat(newcomers.size()).isLessThan(customers / 4);
    int theirs = 0;
    for (JsonNode t : transactions) {
      String account = t.get("account_id").asText();
      if (newcomers.containsKey(owner.get(account))) {
        theirs++;
        assertThat(OffsetDateTime.parse(t.get("event_ts").asText()))
            .as("a newcomer's transaction %s", t.get("transaction_id").asText())
            .isAfterOrEqualTo(opened.get(account));
      }
    }
    assertThat(theirs).isPositive();
    // And an older customer whose accounts were recorded as opened after its first transactions.
    assertThat(transactions)
        .anySatisfy(
            t ->
                assertThat(OffsetDateTime.parse(t.get("event_ts").asText()))
                    .isBefore(opened.get(t.get("account_id").asText())));
  }
}
