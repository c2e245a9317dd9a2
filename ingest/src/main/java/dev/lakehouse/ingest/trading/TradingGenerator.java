package dev.lakehouse.ingest.trading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.OrderStatus;
import dev.lakehouse.contract.Vocabulary.OrderType;
import dev.lakehouse.contract.Vocabulary.Sector;
import dev.lakehouse.contract.Vocabulary.Side;
import dev.lakehouse.contract.Vocabulary.TradingAccountType;
import dev.lakehouse.ingest.OutgoingMessage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.datafaker.Faker;

/**
 * Seeded trading activity consistent with the simulated prices: the 15 stocks (one of them changes
 * sector half-way, for the sector history), the trading accounts, and per trading day orders and
 * their executions. A trade's price lies within its day's low and high (and within a limit order's
 * limit), a sell never exceeds what the account holds, a partial order fills less than it asked,
 * and a few trades are corrected a day later with a higher version.
 */
public final class TradingGenerator {
  /** What to generate. */
  public record Options(
      long seed,
      LocalDate from,
      LocalDate to,
      int accounts,
      int ordersPerDay,
      double correctionRate,
      PriceModel prices) {}

  /** The ground truth of a run: messages per topic, and the corrections among the trades. */
  public record Summary(Map<String, Integer> messagesPerTopic, int corrections) {}

  /** The stock whose sector changes half-way, and its new sector. */
  public static final String RECLASSIFIED = "TSLA";

  public static final Sector NEW_SECTOR = Sector.TECHNOLOGY;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigDecimal FEE_MIN = new BigDecimal("1.00");

  private final Options options;
  private final Random random;
  private final List<OutgoingMessage> messages = new ArrayList<>();
  private final Map<String, Integer> perTopic = new LinkedHashMap<>();
  private int corrections;

  public TradingGenerator(Options options) {
    this.options = options;
    this.random = new Random(options.seed() * 7919 + 17);
  }

  /** Generates everything; the messages in the order a producer should send them. */
  public Summary generate() {
    Instant start = options.from().atStartOfDay(ZoneOffset.UTC).toInstant();
    for (Listing l : Listing.ALL) {
      stock(l, l.sector(), start.minusSeconds(86_400));
    }
    Faker faker = new Faker(new Random(options.seed()));
    List<String> accounts = new ArrayList<>();
    Map<String, TradingAccountType> types = new HashMap<>();
    for (int i = 1; i <= options.accounts(); i++) {
      String id = String.format("TA%04d", i);
      TradingAccountType type =
          i % 5 == 0 ? TradingAccountType.INSTITUTIONAL : TradingAccountType.INDIVIDUAL;
      accounts.add(id);
      types.put(id, type);
      ObjectNode m = message();
      m.put("trading_account_id", id);
      m.put("account_type", type.name());
      m.put(
          "holder_name",
          type == TradingAccountType.INSTITUTIONAL
              ? faker.company().name()
              : faker.name().fullName());
      if (i % 3 == 0) {
        m.put("customer_id", String.format("C%06d", i));
      }
      m.put("opened_at", start.minusSeconds(86_400L * (30 + random.nextInt(700))).toString());
      m.put("currency", "USD");
      m.put("updated_at", start.minusSeconds(86_400).toString());
      add(Topic.TRADING_ACCOUNTS, id, m, start.minusSeconds(86_400));
    }
    Map<String, Map<String, Integer>> holdings = new HashMap<>();
    List<LocalDate> days = options.prices().calendar().tradingDays(options.from(), options.to());
    LocalDate reclassifyOn = days.isEmpty() ? null : days.get(days.size() / 2);
    int orderNo = 0;
    int tradeNo = 0;
    for (LocalDate day : days) {
      Instant open = day.atTime(14, 30).toInstant(ZoneOffset.UTC);
      if (day.equals(reclassifyOn)) {
        stock(Listing.find(RECLASSIFIED).orElseThrow(), NEW_SECTOR, open.minusSeconds(3600));
      }
      for (int o = 0; o < options.ordersPerDay(); o++) {
        String account = accounts.get(random.nextInt(accounts.size()));
        Listing listing = Listing.ALL.get(random.nextInt(Listing.ALL.size()));
        PriceModel.Bar bar = options.prices().bar(listing, day);
        if (bar == null) {
          continue;
        }
        Map<String, Integer> held = holdings.computeIfAbsent(account, a -> new HashMap<>());
        int holding = held.getOrDefault(listing.symbol(), 0);
        Side side = holding > 0 && random.nextDouble() < 0.4 ? Side.SELL : Side.BUY;
        boolean institutional = types.get(account) == TradingAccountType.INSTITUTIONAL;
        int quantity =
            side == Side.SELL
                ? 1 + random.nextInt(holding)
                : institutional ? 100 + random.nextInt(4901) : 1 + random.nextInt(100);
        OrderType type = random.nextDouble() < 0.3 ? OrderType.LIMIT : OrderType.MARKET;
        BigDecimal limit = null;
        BigDecimal lo = bar.low();
        BigDecimal hi = bar.high();
        if (type == OrderType.LIMIT) {
          double shift = (random.nextDouble() - 0.5) * 0.04; // the open +-2 %
          limit =
              bar.open()
                  .multiply(BigDecimal.valueOf(1 + shift))
                  .setScale(4, RoundingMode.HALF_EVEN);
          if (side == Side.BUY) {
            hi = hi.min(limit);
          } else {
            lo = lo.max(limit);
          }
        }
        String orderId = String.format("O%07d", ++orderNo);
        // The day's orders in time order, each in a slot of its own: a sell comes after the buys
        // it sells from, as the holdings rule of silver reads them.
        long slot = 6L * 3600 / Math.max(1, options.ordersPerDay());
        Instant placed = open.plusSeconds(o * slot + random.nextInt((int) Math.max(1, slot / 3)));
        boolean fillable = lo.compareTo(hi) <= 0;
        int filled = 0;
        OrderStatus status = OrderStatus.CANCELLED;
        Instant updated = placed.plusSeconds(60);
        if (fillable) {
          filled =
              quantity > 1 && random.nextDouble() < 0.1
                  ? 1 + random.nextInt(quantity - 1)
                  : quantity;
          status = filled < quantity ? OrderStatus.PARTIAL : OrderStatus.FILLED;
          int left = filled;
          int executions = filled > 1 && random.nextDouble() < 0.3 ? 2 : 1;
          Instant at = placed;
          for (int e = 0; e < executions; e++) {
            int q = e == executions - 1 ? left : 1 + random.nextInt(left - 1);
            left -= q;
            at = at.plusSeconds(1 + random.nextInt(120));
            BigDecimal price = within(lo, hi);
            String tradeId = String.format("T%08d", ++tradeNo);
            trade(
                tradeId,
                1,
                orderId,
                account,
                listing,
                side,
                q,
                price,
                fee(price, q, institutional),
                at,
                at);
            if (random.nextDouble() < options.correctionRate()) {
              // A correction of the price a day later, inside the lookback, still within the day.
              BigDecimal corrected = within(lo, hi);
              trade(
                  tradeId,
                  2,
                  orderId,
                  account,
                  listing,
                  side,
                  q,
                  corrected,
                  fee(corrected, q, institutional),
                  at,
                  at.plusSeconds(86_400));
              corrections++;
            }
          }
          updated = at;
          held.merge(listing.symbol(), side == Side.BUY ? filled : -filled, Integer::sum);
        }
        ObjectNode m = message();
        m.put("order_id", orderId);
        m.put("trading_account_id", account);
        m.put("symbol", listing.symbol());
        m.put("side", side.name());
        m.put("order_type", type.name());
        m.put("quantity", quantity);
        if (limit != null) {
          m.put("limit_price", limit);
        }
        m.put("filled_quantity", filled);
        m.put("status", status.name());
        m.put("placed_at", placed.toString());
        m.put("updated_at", updated.toString());
        add(Topic.ORDERS, orderId, m, updated);
      }
    }
    messages.sort(java.util.Comparator.comparingLong(OutgoingMessage::timestampMs));
    return new Summary(Map.copyOf(perTopic), corrections);
  }

  /** The messages, oldest first. */
  public List<OutgoingMessage> messages() {
    return List.copyOf(messages);
  }

  private void stock(Listing l, Sector sector, Instant at) {
    ObjectNode m = message();
    m.put("symbol", l.symbol());
    m.put("name", l.name());
    m.put("sector", sector.name());
    m.put("exchange", l.exchange().name());
    m.put("currency", "USD");
    m.put("updated_at", at.toString());
    add(Topic.STOCKS, l.symbol(), m, at);
  }

  private void trade(
      String id,
      int version,
      String orderId,
      String account,
      Listing listing,
      Side side,
      int quantity,
      BigDecimal price,
      BigDecimal fees,
      Instant executedAt,
      Instant sentAt) {
    ObjectNode m = message();
    m.put("trade_id", id);
    m.put("version", version);
    m.put("order_id", orderId);
    m.put("trading_account_id", account);
    m.put("symbol", listing.symbol());
    m.put("side", side.name());
    m.put("quantity", quantity);
    m.put("price", price);
    m.put("fees", fees);
    m.put("currency", "USD");
    m.put("executed_at", executedAt.toString());
    add(Topic.TRADES, id, m, sentAt);
  }

  /** Commission: 0.05 % of the notional for individuals, 0.02 % for institutions, at least 1.00. */
  static BigDecimal fee(BigDecimal price, int quantity, boolean institutional) {
    BigDecimal rate = new BigDecimal(institutional ? "0.0002" : "0.0005");
    return price
        .multiply(BigDecimal.valueOf(quantity))
        .multiply(rate)
        .setScale(2, RoundingMode.HALF_EVEN)
        .max(FEE_MIN);
  }

  private BigDecimal within(BigDecimal lo, BigDecimal hi) {
    BigDecimal span = hi.subtract(lo);
    BigDecimal p =
        lo.add(span.multiply(BigDecimal.valueOf(random.nextDouble())))
            .setScale(4, RoundingMode.HALF_EVEN);
    return p.max(lo).min(hi);
  }

  private static ObjectNode message() {
    ObjectNode m = JSON.createObjectNode();
    m.put(Topic.SCHEMA_VERSION_FIELD, Topic.SCHEMA_VERSION);
    return m;
  }

  private void add(Topic topic, String key, ObjectNode body, Instant at) {
    messages.add(
        new OutgoingMessage(
            topic.topicName(),
            key,
            body.toString().getBytes(StandardCharsets.UTF_8),
            at.toEpochMilli()));
    perTopic.merge(topic.topicName(), 1, Integer::sum);
  }
}
