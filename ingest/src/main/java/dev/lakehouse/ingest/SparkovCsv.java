package dev.lakehouse.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.AccountType;
import dev.lakehouse.contract.Vocabulary.Channel;
import dev.lakehouse.contract.Vocabulary.KycStatus;
import dev.lakehouse.contract.Vocabulary.MerchantCategory;
import dev.lakehouse.contract.Vocabulary.TxnStatus;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Maps Sparkov's labelled card-fraud data set (Kaggle "kartik2112/fraud-detection": fraudTrain.csv,
 * fraudTest.csv) onto the event contract, so that a replay of the real file measures the fraud
 * rules against its {@code is_fraud} labels. Pure: it reads what it is given and returns messages
 * and labels; sending and writing are the caller's.
 *
 * <p>Two passes over the file, so that reference data goes out before the transactions that need it
 * without holding 1.3 million rows: {@link #readReferenceData} checks every row and keeps one entry
 * per card and per merchant; {@link #referenceMessages} are then the customers, accounts and
 * merchants; {@link #readTransactions} reads the file again and hands over one transaction message
 * and one label per row. A bad header or row stops the first pass, before anything is sent.
 *
 * <p>The mapping (docs/fraud-sparkov.md has the same table):
 *
 * <ul>
 *   <li>Customer, one per {@code cc_num}: {@code customer_id} = "SPK-C" + the first 16 hex digits
 *       of SHA-256(cc_num), so the card number itself lands in no table; {@code full_name} = first
 *       + " " + last; {@code date_of_birth} = dob; {@code city}, {@code state} from the row; {@code
 *       city_tier} 1 when city_pop &gt; 1,000,000, 2 when &gt; 100,000, else 3; {@code signup_ts} =
 *       the card's first transaction minus one day; {@code kyc_status} VERIFIED; {@code email} and
 *       {@code phone} synthesised from the name and the hash (the data set has neither); {@code
 *       updated_at} = signup_ts. Profile values come from the card's first row in the file.
 *   <li>Account, one CREDIT_CARD per card: {@code account_id} = "SPK-A" + the same hash; opened at
 *       signup_ts, opening balance 0, overdraft limit 100,000.
 *   <li>Merchant, one per {@code merchant} name without the "fraud_" prefix Sparkov puts on every
 *       name: {@code merchant_id} = "SPK-M" + 16 hex digits of SHA-256(name); {@code category} by
 *       {@link #CATEGORIES} (from its first row); {@code city} "Unknown", because Sparkov places a
 *       merchant at a new random point near each cardholder; {@code updated_at} = its first
 *       transaction minus one day; {@code attributes} keep Sparkov's category.
 *   <li>Transaction, one per row, created directly as SUCCESS: {@code transaction_id} = trans_num,
 *       {@code event_id} = a name-based UUID of it (a second replay is a redelivery), CARD_PAYMENT,
 *       channel POS for *_pos categories, WEB for *_net, POS otherwise; {@code amount} = amt in
 *       USD; {@code event_ts} = {@code status_ts} = trans_date_trans_time read as UTC ({@code
 *       unix_time} is ignored: it is seven years off); latitude/longitude = merch_lat/merch_long,
 *       where the card was used; {@code city} = the cardholder's; no device_id.
 *   <li>Label, one per row: {@code FraudLabel(trans_num, customer_id, is_fraud == 1, null,
 *       "sparkov")}.
 * </ul>
 */
public final class SparkovCsv {
  /** The header the file must start with, byte for byte (its first column is unnamed). */
  public static final String HEADER = SparkovRow.HEADER;

  /** The source of every label. */
  public static final String LABEL_SOURCE = "sparkov";

  /** Rows between two progress calls. */
  public static final long PROGRESS_EVERY = 100_000;

  /** Sparkov's 14 categories onto ours; the contract has no "other", EDUCATION none of them. */
  static final Map<String, MerchantCategory> CATEGORIES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("grocery_pos", MerchantCategory.GROCERY),
              Map.entry("grocery_net", MerchantCategory.GROCERY),
              Map.entry("kids_pets", MerchantCategory.GROCERY),
              Map.entry("gas_transport", MerchantCategory.FUEL),
              Map.entry("shopping_pos", MerchantCategory.FASHION),
              Map.entry("shopping_net", MerchantCategory.ELECTRONICS),
              Map.entry("food_dining", MerchantCategory.FOOD),
              Map.entry("health_fitness", MerchantCategory.HEALTH),
              Map.entry("personal_care", MerchantCategory.HEALTH),
              Map.entry("entertainment", MerchantCategory.ENTERTAINMENT),
              Map.entry("travel", MerchantCategory.TRAVEL),
              Map.entry("home", MerchantCategory.UTILITIES),
              Map.entry("misc_pos", MerchantCategory.UTILITIES),
              Map.entry("misc_net", MerchantCategory.UTILITIES)));

  static final String MERCHANT_PREFIX = "fraud_";
  static final String CURRENCY = "USD";
  static final String MERCHANT_CITY = "Unknown";
  static final BigDecimal OVERDRAFT_LIMIT = new BigDecimal("100000.00");

  private static final Duration SIGNUP_BEFORE_FIRST_USE = Duration.ofDays(1);
  private static final DateTimeFormatter TS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /** Receives each row's transaction message and its label. */
  @FunctionalInterface
  public interface TransactionSink {
    void accept(OutgoingMessage transaction, FraudLabel label);
  }

  /** One card: its customer and account. */
  private static final class Card {
    String customerId;
    String accountId;
    SparkovRow profile;
    Instant firstUse;
  }

  private static final class Merchant {
    String id;
    String name;
    String sparkovCategory;
    Instant firstUse;
  }

  private final long kafkaTimestampMs;
  private final Map<String, Card> cards = new LinkedHashMap<>();
  private final Map<String, Merchant> merchants = new LinkedHashMap<>();
  private long rows;
  private long frauds;

  /** A mapping whose messages carry this Kafka timestamp (the time of the replay). */
  public SparkovCsv(long kafkaTimestampMs) {
    this.kafkaTimestampMs = kafkaTimestampMs;
  }

  /**
   * Checks only the header, without reading further: a quick check of the file's format.
   *
   * @throws ConfigException naming the expected header when the first line is not it
   */
  public static void checkHeader(Reader in) {
    CsvParser parser = parser();
    try {
      parser.beginParsing(in);
      header(parser);
    } finally {
      parser.stopParsing();
    }
  }

  /**
   * The first pass: checks every row and collects the cards and merchants. Call once, before {@link
   * #referenceMessages()}. Returns the number of rows.
   *
   * @param progress called with the rows read so far, every {@link #PROGRESS_EVERY} rows
   * @throws ConfigException for a wrong header or a bad row, naming the line and the column
   */
  public long readReferenceData(Reader in, LongConsumer progress) {
    forEachRow(
        in,
        row -> {
          if (!CATEGORIES.containsKey(row.category())) {
            throw unknownCategory(row);
          }
          rows++;
          if (row.fraud()) {
            frauds++;
          }
          Card card = cards.computeIfAbsent(row.ccNum(), cc -> newCard(cc, row));
          card.firstUse = earlier(card.firstUse, row.time());
          Merchant merchant = merchants.computeIfAbsent(row.merchant(), m -> newMerchant(row));
          merchant.firstUse = earlier(merchant.firstUse, row.time());
          if (rows % PROGRESS_EVERY == 0) {
            progress.accept(rows);
          }
        });
    return rows;
  }

  /** Merchants, then each customer followed by its account; keys are the entity ids. */
  public List<OutgoingMessage> referenceMessages() {
    List<OutgoingMessage> messages = new ArrayList<>(merchants.size() + 2 * cards.size());
    for (Merchant m : merchants.values()) {
      messages.add(message(Topic.MERCHANTS, m.id, merchantBody(m)));
    }
    for (Card c : cards.values()) {
      messages.add(message(Topic.CUSTOMERS, c.customerId, customerBody(c)));
      messages.add(message(Topic.ACCOUNTS, c.accountId, accountBody(c)));
    }
    return messages;
  }

  /**
   * The second pass over the same file: one transaction message and one label per row, in file
   * order. Returns the number of rows.
   *
   * @param progress called with the rows read so far, every {@link #PROGRESS_EVERY} rows
   * @throws IllegalStateException when a card or merchant was not in the first pass (the file
   *     changed between the passes)
   */
  public long readTransactions(Reader in, TransactionSink sink, LongConsumer progress) {
    long[] read = {0};
    forEachRow(
        in,
        row -> {
          Card card = cards.get(row.ccNum());
          Merchant merchant = merchants.get(row.merchant());
          if (card == null || merchant == null) {
            throw new IllegalStateException(
                "line "
                    + row.line()
                    + ": card or merchant not seen by the first pass; did the file change"
                    + " during the replay?");
          }
          sink.accept(
              message(Topic.TRANSACTIONS, row.transNum(), transactionBody(row, card, merchant)),
              new FraudLabel(row.transNum(), card.customerId, row.fraud(), null, LABEL_SOURCE));
          if (++read[0] % PROGRESS_EVERY == 0) {
            progress.accept(read[0]);
          }
        });
    return read[0];
  }

  /** Rows read by the first pass. */
  public long rows() {
    return rows;
  }

  /** Rows with is_fraud = 1. */
  public long frauds() {
    return frauds;
  }

  /** Distinct cards: one customer and one account each. */
  public int cards() {
    return cards.size();
  }

  /** Distinct merchant names. */
  public int merchants() {
    return merchants.size();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  private interface RowHandler {
    void accept(SparkovRow row);
  }

  private static CsvParser parser() {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(false);
    settings.setLineSeparatorDetectionEnabled(true);
    // Values as written: no trimming, no '#' comments, an empty value is "" (then rejected).
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    settings.getFormat().setComment('\0');
    settings.setNullValue("");
    settings.setEmptyValue("");
    settings.setSkipEmptyLines(true);
    settings.setMaxColumns(4 * SparkovRow.COLUMNS.size());
    settings.setErrorContentLength(60);
    return new CsvParser(settings);
  }

  private static void forEachRow(Reader in, RowHandler handler) {
    CsvParser parser = parser();
    try {
      parser.beginParsing(in);
      header(parser);
      String[] values;
      while ((values = next(parser)) != null) {
        handler.accept(SparkovRow.parse(values, parser.getContext().currentLine()));
      }
    } finally {
      parser.stopParsing();
    }
  }

  private static void header(CsvParser parser) {
    String[] first = next(parser);
    String found = first == null ? null : String.join(",", first);
    if (found != null && found.startsWith("\uFEFF")) {
      found = found.substring(1); // a byte-order mark an editor may have added
    }
    if (!SparkovRow.HEADER.equals(found)) {
      throw new ConfigException(
          "This is not Sparkov's fraudTrain.csv format: the first line must be the header "
              + SparkovRow.HEADER
              + (found == null
                  ? ", but the file is empty."
                  : ", but it is "
                      + (found.length() > 300 ? found.substring(0, 300) + "..." : found)
                      + "."));
    }
  }

  private static String[] next(CsvParser parser) {
    try {
      return parser.parseNext();
    } catch (TextParsingException e) {
      throw SparkovRow.bad(
          e.getLineIndex() + 1, "not a well-formed CSV line (" + firstLine(e.getMessage()) + ")");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no details";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  // ---------------------------------------------------------------------------------------------
  // Mapping

  private static Card newCard(String ccNum, SparkovRow row) {
    Card c = new Card();
    String hash = hash(ccNum);
    c.customerId = "SPK-C" + hash;
    c.accountId = "SPK-A" + hash;
    c.profile = row;
    return c;
  }

  private static Merchant newMerchant(SparkovRow row) {
    Merchant m = new Merchant();
    String raw = row.merchant();
    m.name = raw.startsWith(MERCHANT_PREFIX) ? raw.substring(MERCHANT_PREFIX.length()) : raw;
    if (m.name.isBlank()) {
      throw SparkovRow.bad(row.line(), "merchant '" + raw + "' has no name after its prefix");
    }
    m.id = "SPK-M" + hash(m.name);
    m.sparkovCategory = row.category();
    return m;
  }

  private static ConfigException unknownCategory(SparkovRow row) {
    return SparkovRow.bad(
        row.line(),
        "category '"
            + row.category()
            + "' is not one of Sparkov's categories ("
            + String.join(", ", CATEGORIES.keySet())
            + ")");
  }

  /** 1 when the city has more than a million people, 2 above 100,000, else 3. */
  static int cityTier(long cityPopulation) {
    return cityPopulation > 1_000_000 ? 1 : cityPopulation > 100_000 ? 2 : 3;
  }

  /** Channel by the category's suffix: in store (_pos) or online (_net); POS for the others. */
  static Channel channel(String sparkovCategory) {
    return sparkovCategory.endsWith("_net") ? Channel.WEB : Channel.POS;
  }

  /** The first 16 hex digits of the SHA-256 of the text. */
  static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256, which every JVM must have.", e);
    }
  }

  private static Instant signup(Card c) {
    return c.firstUse.minus(SIGNUP_BEFORE_FIRST_USE);
  }

  private static Map<String, Object> customerBody(Card c) {
    SparkovRow p = c.profile;
    String hash = c.customerId.substring("SPK-C".length());
    String signup = ts(signup(c));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", Topic.SCHEMA_VERSION);
    m.put("customer_id", c.customerId);
    m.put("full_name", p.first() + " " + p.last());
    m.put("email", email(p.first(), p.last(), hash));
    m.put("phone", phone(hash));
    m.put("date_of_birth", p.dateOfBirth().toString());
    m.put("city", p.city());
    m.put("state", p.state());
    m.put("city_tier", cityTier(p.cityPop()));
    m.put("signup_ts", signup);
    m.put("kyc_status", KycStatus.VERIFIED.name());
    m.put("updated_at", signup);
    return m;
  }

  /** first.last.&lt;6 hex digits&gt;@example.com: unique per card, in a domain that never mails. */
  static String email(String first, String last, String hash) {
    String local =
        (first + "." + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]", "")
            + "."
            + hash.substring(0, 6);
    return local + "@example.com";
  }

  /** +1 555 and seven digits from the hash: a US number in the range films use. */
  static String phone(String hash) {
    long digits = Long.remainderUnsigned(Long.parseUnsignedLong(hash, 16), 10_000_000L);
    return String.format(Locale.ROOT, "+1555%07d", digits);
  }

  private static Map<String, Object> accountBody(Card c) {
    String opened = ts(signup(c));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", Topic.SCHEMA_VERSION);
    m.put("account_id", c.accountId);
    m.put("customer_id", c.customerId);
    m.put("account_type", AccountType.CREDIT_CARD.name());
    m.put("opened_at", opened);
    m.put("opening_balance", BigDecimal.ZERO.setScale(2));
    m.put("overdraft_limit", OVERDRAFT_LIMIT);
    m.put("updated_at", opened);
    return m;
  }

  private static Map<String, Object> merchantBody(Merchant mer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", Topic.SCHEMA_VERSION);
    m.put("merchant_id", mer.id);
    m.put("name", mer.name);
    m.put("category", CATEGORIES.get(mer.sparkovCategory).name());
    m.put("city", MERCHANT_CITY);
    m.put("updated_at", ts(mer.firstUse.minus(SIGNUP_BEFORE_FIRST_USE)));
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("source", LABEL_SOURCE);
    attributes.put("sparkov_category", mer.sparkovCategory);
    m.put("attributes", attributes);
    return m;
  }

  private static Map<String, Object> transactionBody(SparkovRow row, Card card, Merchant mer) {
    String at = ts(row.time());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", Topic.SCHEMA_VERSION);
    m.put("event_id", eventId(row.transNum()));
    m.put("transaction_id", row.transNum());
    m.put("sequence", 1);
    m.put("status", TxnStatus.SUCCESS.name());
    m.put("txn_type", TxnType.CARD_PAYMENT.name());
    m.put("account_id", card.accountId);
    m.put("customer_id", card.customerId);
    m.put("amount", row.amount());
    m.put("currency", CURRENCY);
    m.put("channel", channel(row.category()).name());
    m.put("event_ts", at);
    m.put("status_ts", at);
    m.put("merchant_id", mer.id);
    m.put("city", card.profile.city());
    m.put("latitude", row.merchantLatitude());
    m.put("longitude", row.merchantLongitude());
    return m;
  }

  /** The creation event's id: the same trans_num always gives the same id. */
  static String eventId(String transNum) {
    return UUID.nameUUIDFromBytes(("sparkov:" + transNum + ":1").getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static String ts(Instant instant) {
    return TS.format(instant.atOffset(ZoneOffset.UTC));
  }

  private OutgoingMessage message(Topic topic, String key, Map<String, Object> body) {
    try {
      return new OutgoingMessage(
          topic.topicName(), key, JSON.writeValueAsBytes(body), kafkaTimestampMs);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a replayed event: " + e.getMessage(), e);
    }
  }
}
