package dev.lakehouse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.contract.ContractLimits;
import dev.lakehouse.contract.ContractParser;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.ParsedMessage;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.Channel;
import dev.lakehouse.contract.Vocabulary.MerchantCategory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SparkovCsvTest {
  private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final Path SAMPLE =
      Path.of("..", "data", "samples", "sparkov", "fraudTrain-sample.csv");

  private static final String HEADER =
      ",trans_date_trans_time,cc_num,merchant,category,amt,first,last,gender,street,city,state,"
          + "zip,lat,long,city_pop,job,dob,trans_num,unix_time,merch_lat,merch_long,is_fraud";

  // Line 2: the data set's first row, as published: quoted merchant and job with commas.
  private static final String FIRST_ROW =
      "0,2019-01-01 00:00:18,2703186189652095,\"fraud_Rippin, Kub and Mann\",misc_net,4.97,"
          + "Jennifer,Banks,F,561 Perry Cove,Moravian Falls,NC,28654,36.0788,-81.1781,3495,"
          + "\"Psychologist, counselling\",1988-03-09,0b242abb623afc578575680df30655b2,"
          + "1325376018,36.011293,-82.048315,0";

  private static final String ROWS =
      HEADER
          + "\n"
          + FIRST_ROW
          + "\n"
          // Line 3: the same card a day later, a fraud at a grocery store.
          + "1,2019-01-02 01:06:37,2703186189652095,\"fraud_Heller, Gutmann and Zieme\","
          + "grocery_pos,281.06,Jennifer,Banks,F,561 Perry Cove,Moravian Falls,NC,28654,36.0788,"
          + "-81.1781,3495,\"Psychologist, counselling\",1988-03-09,"
          + "1f76529f8574734946361c461b024d99,1325466397,36.430124,-81.179483,1\n"
          // Line 4: a second card, in a city of 2.9 million (tier 1), in store.
          + "2,2019-01-03 08:15:00,630423337322,fraud_Lind-Buckridge,shopping_pos,220.1,Tyler,"
          + "Gill,M,9 Main Street,Houston,TX,77091,29.8536,-95.4847,2906700,Barrister,1970-12-31,"
          + "aaaa0000bbbb1111cccc2222dddd3333,1325578500,29.5,-95.1,0\n"
          // Line 5: the second card's earliest use comes later in the file; online, whole dollars.
          + "3,2019-01-01 12:00:00,630423337322,fraud_Lind-Buckridge,shopping_net,15,Tyler,Gill,"
          + "M,9 Main Street,Houston,TX,77091,29.8536,-95.4847,2906700,Barrister,1970-12-31,"
          + "dddd3333cccc2222bbbb1111aaaa0000,1325419200,30.1,-95.9,0\n";

  /** What one replay produced: reference messages, then the transactions and labels. */
  private record Replay(
      SparkovCsv mapping,
      List<OutgoingMessage> reference,
      List<OutgoingMessage> transactions,
      List<FraudLabel> labels) {}

  private static Replay replay(Supplier<Reader> file) {
    SparkovCsv mapping = new SparkovCsv(NOW);
    mapping.readReferenceData(file.get(), n -> {});
    List<OutgoingMessage> transactions = new ArrayList<>();
    List<FraudLabel> labels = new ArrayList<>();
    long rows =
        mapping.readTransactions(
            file.get(),
            (message, label) -> {
              transactions.add(message);
              labels.add(label);
            },
            n -> {});
    assertThat(rows).isEqualTo(mapping.rows());
    return new Replay(mapping, mapping.referenceMessages(), transactions, labels);
  }

  private static Replay replay(String csv) {
    return replay(() -> new StringReader(csv));
  }

  private static String text(OutgoingMessage m) {
    return new String(m.value(), StandardCharsets.UTF_8);
  }

  @Test
  void rowsMapOntoTheContractFieldByField() {
    Replay r = replay(ROWS);
    assertThat(r.mapping().rows()).isEqualTo(4);
    assertThat(r.mapping().frauds()).isEqualTo(1);
    assertThat(r.mapping().cards()).isEqualTo(2);
    assertThat(r.mapping().merchants()).isEqualTo(3);

    // Merchants first (in order of first use), then each customer followed by its account.
    assertThat(r.reference())
        .extracting(OutgoingMessage::topic, OutgoingMessage::key)
        .containsExactly(
            tuple("merchants", "SPK-M12764b373d30b6cd"),
            tuple("merchants", "SPK-Mcc074c0ed996ca56"),
            tuple("merchants", "SPK-Md32dba34925d54b4"),
            tuple("customers", "SPK-C80923ef01336409c"),
            tuple("accounts", "SPK-A80923ef01336409c"),
            tuple("customers", "SPK-Cf80a8e60a9f15ecf"),
            tuple("accounts", "SPK-Af80a8e60a9f15ecf"));
    assertThat(r.reference()).allSatisfy(m -> assertThat(m.timestampMs()).isEqualTo(NOW));

    // Ids are the first 16 hex digits of SHA-256 (printf '%s' 2703186189652095 | sha256sum);
    // "fraud_" is gone from the name; misc_net is UTILITIES; updated a day before first use.
    assertThat(text(r.reference().get(0)))
        .isEqualTo(
            "{\"schema_version\":1,\"merchant_id\":\"SPK-M12764b373d30b6cd\","
                + "\"name\":\"Rippin, Kub and Mann\",\"category\":\"UTILITIES\","
                + "\"city\":\"Unknown\",\"updated_at\":\"2018-12-31T00:00:18Z\","
                + "\"attributes\":{\"source\":\"sparkov\",\"sparkov_category\":\"misc_net\"}}");
    assertThat(text(r.reference().get(1)))
        .contains("\"name\":\"Heller, Gutmann and Zieme\",\"category\":\"GROCERY\"");
    // A merchant's category comes from its first row; its date from its earliest use (line 5).
    assertThat(text(r.reference().get(2)))
        .contains(
            "\"name\":\"Lind-Buckridge\",\"category\":\"FASHION\",\"city\":\"Unknown\","
                + "\"updated_at\":\"2018-12-31T12:00:00Z\"");

    // Town of 3,495 people: tier 3. Phone: +1555 and (0x80923ef01336409c mod 10^7).
    assertThat(text(r.reference().get(3)))
        .isEqualTo(
            "{\"schema_version\":1,\"customer_id\":\"SPK-C80923ef01336409c\","
                + "\"full_name\":\"Jennifer Banks\","
                + "\"email\":\"jennifer.banks.80923e@example.com\",\"phone\":\"+15559927324\","
                + "\"date_of_birth\":\"1988-03-09\",\"city\":\"Moravian Falls\",\"state\":\"NC\","
                + "\"city_tier\":3,\"signup_ts\":\"2018-12-31T00:00:18Z\","
                + "\"kyc_status\":\"VERIFIED\",\"updated_at\":\"2018-12-31T00:00:18Z\"}");
    assertThat(text(r.reference().get(4)))
        .isEqualTo(
            "{\"schema_version\":1,\"account_id\":\"SPK-A80923ef01336409c\","
                + "\"customer_id\":\"SPK-C80923ef01336409c\",\"account_type\":\"CREDIT_CARD\","
                + "\"opened_at\":\"2018-12-31T00:00:18Z\",\"opening_balance\":0.00,"
                + "\"overdraft_limit\":100000.00,\"updated_at\":\"2018-12-31T00:00:18Z\"}");
    // The second card signs up a day before its earliest use (line 5), not its first row's.
    assertThat(text(r.reference().get(5)))
        .isEqualTo(
            "{\"schema_version\":1,\"customer_id\":\"SPK-Cf80a8e60a9f15ecf\","
                + "\"full_name\":\"Tyler Gill\",\"email\":\"tyler.gill.f80a8e@example.com\","
                + "\"phone\":\"+15552407247\",\"date_of_birth\":\"1970-12-31\","
                + "\"city\":\"Houston\",\"state\":\"TX\",\"city_tier\":1,"
                + "\"signup_ts\":\"2018-12-31T12:00:00Z\",\"kyc_status\":\"VERIFIED\","
                + "\"updated_at\":\"2018-12-31T12:00:00Z\"}");

    // One transaction per row, in file order, keyed by trans_num. The event id is the
    // name-based UUID of "sparkov:<trans_num>:1" (Python: uuid.UUID(bytes=md5(...), version=3)).
    assertThat(r.transactions())
        .extracting(OutgoingMessage::topic)
        .containsOnly(Topic.TRANSACTIONS.topicName());
    assertThat(r.transactions())
        .extracting(OutgoingMessage::key)
        .containsExactly(
            "0b242abb623afc578575680df30655b2",
            "1f76529f8574734946361c461b024d99",
            "aaaa0000bbbb1111cccc2222dddd3333",
            "dddd3333cccc2222bbbb1111aaaa0000");
    assertThat(text(r.transactions().get(0)))
        .isEqualTo(
            "{\"schema_version\":1,\"event_id\":\"058a4eec-7db8-3ee2-ac7c-0e69d69c7689\","
                + "\"transaction_id\":\"0b242abb623afc578575680df30655b2\",\"sequence\":1,"
                + "\"status\":\"SUCCESS\",\"txn_type\":\"CARD_PAYMENT\","
                + "\"account_id\":\"SPK-A80923ef01336409c\","
                + "\"customer_id\":\"SPK-C80923ef01336409c\",\"amount\":4.97,"
                + "\"currency\":\"USD\",\"channel\":\"WEB\","
                + "\"event_ts\":\"2019-01-01T00:00:18Z\",\"status_ts\":\"2019-01-01T00:00:18Z\","
                + "\"merchant_id\":\"SPK-M12764b373d30b6cd\",\"city\":\"Moravian Falls\","
                + "\"latitude\":36.011293,\"longitude\":-82.048315}");
    // grocery_pos: in store.
    assertThat(text(r.transactions().get(1)))
        .contains(
            "\"event_id\":\"b57b48d3-04f5-3b86-a434-2117a7ded9ee\"",
            "\"amount\":281.06,\"currency\":\"USD\",\"channel\":\"POS\"",
            "\"merchant_id\":\"SPK-Mcc074c0ed996ca56\"");
    // 220.1 and 15 are sent with two decimals; the city is the cardholder's, the place the shop's.
    assertThat(text(r.transactions().get(2)))
        .contains(
            "\"amount\":220.10,\"currency\":\"USD\",\"channel\":\"POS\"",
            "\"city\":\"Houston\",\"latitude\":29.5,\"longitude\":-95.1}");
    assertThat(text(r.transactions().get(3)))
        .contains(
            "\"amount\":15.00,\"currency\":\"USD\",\"channel\":\"WEB\"",
            "\"event_ts\":\"2019-01-01T12:00:00Z\"");
    assertThat(r.transactions()).allSatisfy(m -> assertThat(text(m)).doesNotContain("device_id"));

    assertThat(r.labels())
        .containsExactly(
            new FraudLabel(
                "0b242abb623afc578575680df30655b2",
                "SPK-C80923ef01336409c",
                false,
                null,
                "sparkov"),
            new FraudLabel(
                "1f76529f8574734946361c461b024d99", "SPK-C80923ef01336409c", true, null, "sparkov"),
            new FraudLabel(
                "aaaa0000bbbb1111cccc2222dddd3333",
                "SPK-Cf80a8e60a9f15ecf",
                false,
                null,
                "sparkov"),
            new FraudLabel(
                "dddd3333cccc2222bbbb1111aaaa0000",
                "SPK-Cf80a8e60a9f15ecf",
                false,
                null,
                "sparkov"));
  }

  @Test
  void everySparkovCategoryHasAFixedCategoryAndChannel() {
    assertThat(SparkovCsv.CATEGORIES)
        .containsExactlyInAnyOrderEntriesOf(
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
    assertThat(SparkovCsv.channel("grocery_net")).isEqualTo(Channel.WEB);
    assertThat(SparkovCsv.channel("misc_pos")).isEqualTo(Channel.POS);
    assertThat(SparkovCsv.channel("travel")).isEqualTo(Channel.POS);
    assertThat(SparkovCsv.cityTier(1_000_001)).isEqualTo(1);
    assertThat(SparkovCsv.cityTier(1_000_000)).isEqualTo(2);
    assertThat(SparkovCsv.cityTier(100_001)).isEqualTo(2);
    assertThat(SparkovCsv.cityTier(100_000)).isEqualTo(3);
  }

  @Test
  void aMissingOrDifferentHeaderNamesTheExpectedOne() {
    // No header: the file starts with a data row.
    assertThatThrownBy(() -> replay(FIRST_ROW + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the first line must be the header " + HEADER)
        .hasMessageContaining("but it is 0,2019-01-01 00:00:18,2703186189652095");
    // pandas' name for the unnamed index column when the file was re-saved.
    assertThatThrownBy(() -> replay("Unnamed: 0" + HEADER + "\n" + FIRST_ROW + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the first line must be the header " + HEADER);
    assertThatThrownBy(() -> replay(""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("but the file is empty");
    assertThatThrownBy(() -> SparkovCsv.checkHeader(new StringReader("a,b\n1,2\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(HEADER);
    SparkovCsv.checkHeader(new StringReader(HEADER + "\nanything, not read\n"));
    // A byte-order mark and Windows line ends are accepted.
    assertThat(replay("\uFEFF" + HEADER + "\r\n" + FIRST_ROW + "\r\n").transactions()).hasSize(1);
  }

  @Test
  void aBadRowNamesItsLineAndColumn() {
    StringBuilder file = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 15; i++) { // lines 2 to 16
      file.append(FIRST_ROW.replace("0b242abb", String.format("%08d", i))).append('\n');
    }
    String bad = FIRST_ROW.replace(",4.97,", ",abc,"); // line 17
    assertThatThrownBy(() -> replay(file + bad + "\n" + FIRST_ROW + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("line 17: amt 'abc' is not a number.");

    assertThat(rowError(FIRST_ROW.replace(",4.97,", ",0.00,")))
        .isEqualTo("line 2: amt '0.00' is not positive.");
    assertThat(rowError(FIRST_ROW.replace(",4.97,", ",4.975,")))
        .isEqualTo("line 2: amt '4.975' has more than 2 decimals.");
    assertThat(rowError(FIRST_ROW.replaceAll(",0$", ",2")))
        .isEqualTo("line 2: is_fraud '2' is not 0 or 1.");
    assertThat(rowError(FIRST_ROW.replace("2019-01-01 00:00:18", "01/01/2019 00:00")))
        .isEqualTo(
            "line 2: trans_date_trans_time '01/01/2019 00:00' is not a time like 2019-01-01"
                + " 00:00:18.");
    assertThat(rowError(FIRST_ROW.replace(",misc_net,", ",groceries,")))
        .startsWith("line 2: category 'groceries' is not one of Sparkov's categories (")
        .contains("misc_net", "kids_pets");
    assertThat(rowError(FIRST_ROW.replace(",Jennifer,", ",,")))
        .isEqualTo("line 2: first is empty.");
    assertThat(rowError(FIRST_ROW.replace(",2703186189652095,", ",2703-1861,")))
        .isEqualTo("line 2: cc_num '2703-1861' is not a card number (digits only).");
    assertThat(rowError(FIRST_ROW.replace(",36.011293,", ",136.011293,")))
        .isEqualTo("line 2: merch_lat '136.011293' is not a latitude between -90 and 90.");
    assertThat(rowError(FIRST_ROW.replace(",1988-03-09,", ",09/03/1988,")))
        .isEqualTo("line 2: dob '09/03/1988' is not a date like 1988-03-09.");
    assertThat(rowError(FIRST_ROW.replace(",-82.048315,0", ",-82.048315")))
        .isEqualTo("line 2: expected 23 columns, found 22.");
    // A merchant named only by the prefix has no name left.
    assertThat(rowError(FIRST_ROW.replace("\"fraud_Rippin, Kub and Mann\"", "fraud_")))
        .isEqualTo("line 2: merchant 'fraud_' has no name after its prefix.");
  }

  @Test
  void lineNumbersCountPhysicalLinesAcrossQuotedLineBreaks() {
    // Line 2-3: a job with a line break inside its quotes; line 4 is bad.
    String twoLines =
        FIRST_ROW.replace("\"Psychologist, counselling\"", "\"Psychologist,\ncounselling\"");
    String bad = FIRST_ROW.replace(",4.97,", ",-1,");
    assertThatThrownBy(() -> replay(HEADER + "\n" + twoLines + "\n" + bad + "\n"))
        .hasMessage("line 4: amt '-1' is not positive.");
  }

  private static String rowError(String row) {
    try {
      replay(HEADER + "\n" + row + "\n");
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("No error for " + row);
  }

  @Test
  void theWholeSampleMapsToValidMessagesAndOneLabelPerRow() throws IOException {
    Replay r =
        replay(
            () -> {
              try {
                return Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8);
              } catch (IOException e) {
                throw new AssertionError("Cannot read " + SAMPLE.toAbsolutePath(), e);
              }
            });

    // Counted independently: the sample has no line breaks inside quotes, and cc_num (column 3)
    // comes before the first quoted column.
    List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo(HEADER);
    List<String> dataLines = lines.subList(1, lines.size());
    long frauds = dataLines.stream().filter(l -> l.endsWith(",1")).count();
    assertThat(dataLines.stream().filter(l -> l.endsWith(",0")).count() + frauds)
        .isEqualTo(dataLines.size());
    Set<String> cards = new HashSet<>();
    dataLines.forEach(l -> cards.add(l.split(",", -1)[2]));

    assertThat(r.mapping().rows()).isEqualTo(dataLines.size()).isEqualTo(2000);
    assertThat(r.mapping().frauds()).isEqualTo(frauds).isEqualTo(23);
    assertThat(r.mapping().cards()).isEqualTo(cards.size()).isEqualTo(40);
    assertThat(r.transactions()).hasSize(dataLines.size());
    assertThat(r.labels()).hasSize(dataLines.size());
    assertThat(r.labels().stream().filter(FraudLabel::fraud).count()).isEqualTo(frauds);
    assertThat(r.labels())
        .extracting(FraudLabel::transactionId)
        .containsExactlyElementsOf(r.transactions().stream().map(OutgoingMessage::key).toList())
        .doesNotHaveDuplicates();
    assertThat(r.reference().stream().filter(m -> m.topic().equals("customers")).count())
        .isEqualTo(cards.size());
    assertThat(r.reference().stream().filter(m -> m.topic().equals("accounts")).count())
        .isEqualTo(cards.size());
    assertThat(r.reference().stream().filter(m -> m.topic().equals("merchants")).count())
        .isEqualTo(r.mapping().merchants());

    ContractParser parser = new ContractParser(ContractLimits.defaults(64 * 1024));
    List<OutgoingMessage> all = new ArrayList<>(r.reference());
    all.addAll(r.transactions());
    for (OutgoingMessage m : all) {
      ParsedMessage parsed = parser.parse(m.topic(), m.value());
      assertThat(parsed.isDeadLetter())
          .as("%s %s: %s %s", m.topic(), text(m), parsed.reason(), parsed.message())
          .isFalse();
      assertThat(parsed.extraFields()).as(text(m)).isNull();
    }

    // The same file maps to the same bytes: a second replay is a redelivery of the same events.
    Replay again = replay(() -> new StringReader(String.join("\n", lines) + "\n"));
    for (int i = 0; i < all.size(); i++) {
      OutgoingMessage m =
          i < r.reference().size()
              ? again.reference().get(i)
              : again.transactions().get(i - r.reference().size());
      assertThat(Arrays.equals(m.value(), all.get(i).value())).as(text(m)).isTrue();
    }
  }
}
