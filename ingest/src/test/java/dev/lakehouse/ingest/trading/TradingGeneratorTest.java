package dev.lakehouse.ingest.trading;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.contract.ContractParser;
import dev.lakehouse.contract.ParsedMessage;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.OutgoingMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trading generator's messages against the contract, the simulated prices and each other. */
class TradingGeneratorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static PriceModel prices;
  static TradingGenerator.Summary summary;
  static Map<String, List<JsonNode>> byTopic = new HashMap<>();
  static List<OutgoingMessage> messages;

  @BeforeAll
  static void generate() throws Exception {
    prices = new PriceModel(42, TradingCalendar.parse("2026-11-26"));
    TradingGenerator g =
        new TradingGenerator(
            new TradingGenerator.Options(
                42, LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 27), 50, 40, 0.05, prices));
    summary = g.generate();
    messages = g.messages();
    for (OutgoingMessage m : messages) {
      byTopic.computeIfAbsent(m.topic(), t -> new ArrayList<>()).add(JSON.readTree(m.value()));
    }
  }

  @Test
  void everyMessageSatisfiesTheContract() {
    ContractParser parser = new ContractParser(64 * 1024);
    for (OutgoingMessage m : messages) {
      ParsedMessage p = parser.parse(m.topic(), m.value());
      assertThat(p.isDeadLetter()).as(new String(m.value())).isFalse();
    }
    // 15 stocks and one new version of TSLA; 50 accounts; 19 trading days x 40 orders.
    assertThat(summary.messagesPerTopic().get("stocks")).isEqualTo(16);
    assertThat(summary.messagesPerTopic().get("trading_accounts")).isEqualTo(50);
    assertThat(summary.messagesPerTopic().get("orders")).isEqualTo(19 * 40);
    assertThat(messages)
        .isSortedAccordingTo(Comparator.comparingLong(OutgoingMessage::timestampMs));
  }

  @Test
  void tradesLieWithinTheirDaysRangeAndTheirLimits() {
    Map<String, JsonNode> orders = new HashMap<>();
    byTopic.get("orders").forEach(o -> orders.put(o.get("order_id").asText(), o));
    for (JsonNode t : byTopic.get("trades")) {
      LocalDate day =
          Instant.parse(t.get("executed_at").asText())
              .atZone(java.time.ZoneOffset.UTC)
              .toLocalDate();
      PriceModel.Bar bar = prices.bar(Listing.find(t.get("symbol").asText()).orElseThrow(), day);
      BigDecimal price = t.get("price").decimalValue();
      assertThat(price).isBetween(bar.low(), bar.high());
      JsonNode order = orders.get(t.get("order_id").asText());
      if (order.has("limit_price")) {
        BigDecimal limit = order.get("limit_price").decimalValue();
        if (t.get("side").asText().equals("BUY")) {
          assertThat(price).isLessThanOrEqualTo(limit);
        } else {
          assertThat(price).isGreaterThanOrEqualTo(limit);
        }
      }
      assertThat(t.get("fees").decimalValue()).isGreaterThanOrEqualTo(new BigDecimal("1.00"));
    }
  }

  @Test
  void ordersFillWhatTheirTradesExecuteAndSellsNeverExceedTheHolding() {
    Map<String, Integer> executed = new HashMap<>();
    Map<String, JsonNode> latest = new HashMap<>();
    for (JsonNode t : byTopic.get("trades")) {
      latest.merge(
          t.get("trade_id").asText(),
          t,
          (a, b) -> a.get("version").asInt() >= b.get("version").asInt() ? a : b);
    }
    latest
        .values()
        .forEach(
            t ->
                executed.merge(
                    t.get("order_id").asText(), t.get("quantity").asInt(), Integer::sum));
    int partial = 0;
    int cancelled = 0;
    for (JsonNode o : byTopic.get("orders")) {
      int filled = o.get("filled_quantity").asInt();
      assertThat(filled).isLessThanOrEqualTo(o.get("quantity").asInt());
      assertThat(executed.getOrDefault(o.get("order_id").asText(), 0)).isEqualTo(filled);
      switch (o.get("status").asText()) {
        case "PARTIAL" -> {
          partial++;
          assertThat(filled).isPositive().isLessThan(o.get("quantity").asInt());
        }
        case "CANCELLED" -> {
          cancelled++;
          assertThat(filled).isZero();
        }
        default -> assertThat(filled).isEqualTo(o.get("quantity").asInt());
      }
    }
    assertThat(partial).isPositive();
    assertThat(cancelled).isPositive();
    // Holdings replayed in execution order never go below zero.
    List<JsonNode> inOrder = new ArrayList<>(latest.values());
    inOrder.sort(Comparator.comparing(t -> Instant.parse(t.get("executed_at").asText())));
    Map<String, Integer> holding = new HashMap<>();
    int sells = 0;
    for (JsonNode t : inOrder) {
      String key = t.get("trading_account_id").asText() + "/" + t.get("symbol").asText();
      int q = t.get("quantity").asInt();
      boolean sell = t.get("side").asText().equals("SELL");
      sells += sell ? 1 : 0;
      int after = holding.merge(key, sell ? -q : q, Integer::sum);
      assertThat(after).as(key + " after " + t).isGreaterThanOrEqualTo(0);
    }
    assertThat(sells).isPositive();
  }

  @Test
  void correctionsComeADayLaterWithTheNextVersion() {
    List<JsonNode> v2 =
        byTopic.get("trades").stream().filter(t -> t.get("version").asInt() == 2).toList();
    assertThat(v2).hasSize(summary.corrections()).isNotEmpty();
    Map<String, Long> sentAt = new HashMap<>();
    for (OutgoingMessage m : messages) {
      if (m.topic().equals(Topic.TRADES.topicName())) {
        sentAt.merge(m.key(), m.timestampMs(), Math::max);
      }
    }
    for (JsonNode t : v2) {
      long executed = Instant.parse(t.get("executed_at").asText()).toEpochMilli();
      assertThat(sentAt.get(t.get("trade_id").asText()) - executed).isEqualTo(86_400_000L);
    }
    long tsla =
        byTopic.get("stocks").stream()
            .filter(s -> s.get("symbol").asText().equals(TradingGenerator.RECLASSIFIED))
            .map(s -> s.get("sector").asText())
            .distinct()
            .count();
    assertThat(tsla).isEqualTo(2);
  }
}
