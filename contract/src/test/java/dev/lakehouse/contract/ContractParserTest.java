package dev.lakehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContractParserTest {
  private final ContractParser parser = new ContractParser(1024);

  private static final String TXN =
      "{\"schema_version\":1,\"event_id\":\"e-1\",\"transaction_id\":\"T1\",\"sequence\":1,"
          + "\"status\":\"PENDING\",\"txn_type\":\"CARD_PAYMENT\","
          + "\"account_id\":\"A1\",\"customer_id\":\"C1\","
          + "\"amount\":1250.50,\"currency\":\"INR\",\"channel\":\"POS\","
          + "\"event_ts\":\"2026-11-01T10:00:00+05:30\","
          + "\"status_ts\":\"2026-11-01T10:00:01+05:30\","
          + "\"merchant_id\":\"M1\"}";

  private ParsedMessage txn(String from, String to) {
    String json = TXN.replace(from, to);
    assertThat(json).as("the test's replacement must apply").isNotEqualTo(TXN);
    return parser.parse(Topic.TRANSACTIONS.topicName(), json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertDead(ParsedMessage m, DeadLetterReason reason, String messagePart) {
    assertThat(m.isDeadLetter()).isTrue();
    assertThat(m.reason()).isEqualTo(reason);
    assertThat(m.message()).contains(messagePart);
  }

  @Test
  void validTransactionIsTyped() {
    ParsedMessage m =
        parser.parse(Topic.TRANSACTIONS.topicName(), TXN.getBytes(StandardCharsets.UTF_8));
    assertThat(m.isDeadLetter()).isFalse();
    assertThat(m.values()[0]).isEqualTo("e-1");
    assertThat(m.values()[2]).isEqualTo(1);
    assertThat(m.values()[7]).isEqualTo(new BigDecimal("1250.50"));
    // 10:00 IST is 04:30 UTC.
    assertThat(m.values()[10]).isEqualTo(Timestamp.from(Instant.parse("2026-11-01T04:30:00Z")));
    assertThat(m.values()[12]).isEqualTo("M1");
    assertThat(m.values()[13]).isNull(); // optional counterparty absent
    assertThat(m.extraFields()).isNull();
  }

  @Test
  void unknownExtraFieldsAreKeptNotRejected() {
    ParsedMessage m =
        txn(
            "\"merchant_id\":\"M1\"",
            "\"merchant_id\":\"M1\",\"risk_score\":0.12,\"tags\":[\"a\"]");
    assertThat(m.isDeadLetter()).isFalse();
    assertThat(m.extraFields()).isEqualTo("{\"risk_score\":0.12,\"tags\":[\"a\"]}");
  }

  @Test
  void oversizedMessageIsDeadLetter() {
    ParsedMessage m =
        txn(
            "\"merchant_id\":\"M1\"",
            "\"merchant_id\":\"M1\",\"padding\":\"" + "x".repeat(1024) + "\"");
    assertDead(m, DeadLetterReason.OVERSIZED, "over the limit of 1024 bytes");
    assertThat(m.reason().stage()).isEqualTo("decode");
  }

  @Test
  void invalidUtf8IsDeadLetter() {
    byte[] bytes = TXN.getBytes(StandardCharsets.UTF_8);
    bytes[40] = (byte) 0xC3;
    bytes[41] = (byte) 0x28;
    assertDead(
        parser.parse(Topic.TRANSACTIONS.topicName(), bytes),
        DeadLetterReason.INVALID_UTF8,
        "not valid UTF-8");
  }

  @Test
  void truncatedJsonIsDeadLetter() {
    byte[] bytes = TXN.substring(0, 60).getBytes(StandardCharsets.UTF_8);
    ParsedMessage m = parser.parse(Topic.TRANSACTIONS.topicName(), bytes);
    assertDead(m, DeadLetterReason.MALFORMED_JSON, "not valid JSON");
    assertThat(m.rawText()).isEqualTo(TXN.substring(0, 60));
  }

  @Test
  void jsonThatIsNotAnObjectIsDeadLetter() {
    assertDead(
        parser.parse(Topic.TRANSACTIONS.topicName(), "[1,2]".getBytes(StandardCharsets.UTF_8)),
        DeadLetterReason.MALFORMED_JSON,
        "not a JSON object");
  }

  @Test
  void duplicateKeyIsMalformedJson() {
    assertDead(
        txn("\"merchant_id\":\"M1\"", "\"merchant_id\":\"M1\",\"amount\":5"),
        DeadLetterReason.MALFORMED_JSON,
        "Duplicate field");
  }

  @Test
  void unsupportedSchemaVersionIsDeadLetter() {
    assertDead(
        txn("\"schema_version\":1", "\"schema_version\":2"),
        DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION,
        "schema_version 2");
  }

  @Test
  void missingRequiredFieldIsDeadLetter() {
    assertDead(
        txn("\"account_id\":\"A1\",", ""),
        DeadLetterReason.MISSING_FIELD,
        "'account_id' is missing");
    assertDead(
        txn("\"schema_version\":1,", ""), DeadLetterReason.MISSING_FIELD, "'schema_version'");
  }

  @Test
  void nullOrEmptyRequiredFieldIsDeadLetter() {
    assertDead(
        txn("\"customer_id\":\"C1\"", "\"customer_id\":null"),
        DeadLetterReason.NULL_OR_EMPTY,
        "'customer_id' is null");
    assertDead(
        txn("\"customer_id\":\"C1\"", "\"customer_id\":\"  \""),
        DeadLetterReason.NULL_OR_EMPTY,
        "'customer_id' is empty");
  }

  @Test
  void wrongTypeIsDeadLetter() {
    assertDead(
        txn("1250.50", "\"1250.50\""),
        DeadLetterReason.WRONG_TYPE,
        "'amount' must be a JSON number");
    assertDead(
        txn("\"sequence\":1", "\"sequence\":1.5"),
        DeadLetterReason.WRONG_TYPE,
        "'sequence' must be a whole number");
    assertDead(
        txn("\"account_id\":\"A1\"", "\"account_id\":17"),
        DeadLetterReason.WRONG_TYPE,
        "'account_id' must be text");
  }

  @Test
  void unknownEnumValueIsDeadLetter() {
    assertDead(
        txn("\"status\":\"PENDING\"", "\"status\":\"SETTLED\""),
        DeadLetterReason.UNKNOWN_ENUM,
        "'SETTLED'");
    assertDead(
        txn("\"currency\":\"INR\"", "\"currency\":\"XYZ\""),
        DeadLetterReason.UNKNOWN_ENUM,
        "ISO 4217");
  }

  @Test
  void unparseableTimestampIsDeadLetter() {
    assertDead(
        txn("2026-11-01T10:00:00+05:30", "2026-11-01 10:00"),
        DeadLetterReason.BAD_TIMESTAMP,
        "'event_ts'");
    // A timestamp without an offset is ambiguous, so it breaks the contract too.
    assertDead(
        txn("2026-11-01T10:00:01+05:30", "2026-11-01T10:00:01"),
        DeadLetterReason.BAD_TIMESTAMP,
        "'status_ts'");
  }

  @Test
  void nonPositiveAmountIsDeadLetter() {
    assertDead(txn("1250.50", "0"), DeadLetterReason.NON_POSITIVE_AMOUNT, "greater than 0, got 0");
    assertDead(txn("1250.50", "-3.10"), DeadLetterReason.NON_POSITIVE_AMOUNT, "got -3.10");
  }

  @Test
  void amountWithMoreThanTwoDecimalsIsDeadLetter() {
    assertDead(
        txn("1250.50", "1250.505"), DeadLetterReason.BAD_AMOUNT_PRECISION, "more than 2 decimals");
    // Trailing zeros do not count: 1250.500 is 1250.50.
    assertThat(txn("1250.50", "1250.500").isDeadLetter()).isFalse();
    assertDead(
        txn("1250.50", "12345678901234567.00"),
        DeadLetterReason.BAD_AMOUNT_PRECISION,
        "integer digits");
  }

  @Test
  void outOfRangeNumberIsDeadLetter() {
    assertDead(
        txn("\"sequence\":1", "\"sequence\":0"),
        DeadLetterReason.OUT_OF_RANGE,
        "'sequence' must be at least 1");
    String customer =
        "{\"schema_version\":1,\"customer_id\":\"C1\",\"full_name\":\"Asha"
            + " Rao\",\"email\":\"a@x.in\","
            + "\"phone\":\"+919800000000\",\"date_of_birth\":\"1990-02-03\","
            + "\"city\":\"Pune\",\"state\":\"Maharashtra\","
            + "\"city_tier\":4,\"signup_ts\":\"2025-01-01T00:00:00Z\",\"kyc_status\":\"VERIFIED\","
            + "\"updated_at\":\"2026-11-01T00:00:00Z\"}";
    assertDead(
        parser.parse(Topic.CUSTOMERS.topicName(), customer.getBytes(StandardCharsets.UTF_8)),
        DeadLetterReason.OUT_OF_RANGE,
        "'city_tier' must be between 1 and 3, got 4");
  }

  @Test
  void merchantAttributesAreKeptAsJson() {
    String merchant =
        "{\"schema_version\":1,\"merchant_id\":\"M1\",\"name\":\"Chai"
            + " Point\",\"category\":\"FOOD\","
            + "\"city\":\"Pune\","
            + "\"updated_at\":\"2026-11-01T00:00:00Z\",\"attributes\":{\"mcc\":5812}}";
    ParsedMessage m =
        parser.parse(Topic.MERCHANTS.topicName(), merchant.getBytes(StandardCharsets.UTF_8));
    assertThat(m.isDeadLetter()).isFalse();
    assertThat(m.values()[5]).isEqualTo("{\"mcc\":5812}");
  }

  // Hostile messages: each one used to stop bronze (an exception, or a value that overflows later).

  @Test
  void aNumberWithAHugeExponentIsADeadLetterWhereverItIs() {
    assertDead(
        txn("\"amount\":1250.50", "\"amount\":1e2147483648"),
        DeadLetterReason.MALFORMED_JSON,
        "not JSON this parser can represent");
    assertDead(
        txn("\"merchant_id\":\"M1\"", "\"merchant_id\":\"M1\",\"extra\":1e2147483648"),
        DeadLetterReason.MALFORMED_JSON,
        "not JSON this parser can represent");
    // Within int range the exponent parses; the amount then has far too many digits.
    assertDead(
        txn("\"amount\":1250.50", "\"amount\":1e2147483647"),
        DeadLetterReason.BAD_AMOUNT_PRECISION,
        "more than 16 integer digits: 1E+2147483647");
    assertDead(
        txn("\"amount\":1250.50", "\"amount\":1e-2147483647"),
        DeadLetterReason.BAD_AMOUNT_PRECISION,
        "more than 2 decimals: 1E-2147483647");
  }

  @Test
  void timestampsOutsideThePlausibleRangeAreOutOfRange() {
    assertDead(
        txn("2026-11-01T10:00:00+05:30", "+300000-01-01T00:00:00Z"),
        DeadLetterReason.OUT_OF_RANGE,
        "'event_ts' value '+300000-01-01T00:00:00Z' is outside the plausible range"
            + " 1970-01-01T00:00:00Z .. 2100-01-01T00:00:00Z");
    assertDead(
        txn("2026-11-01T10:00:00+05:30", "1969-12-31T23:59:59Z"),
        DeadLetterReason.OUT_OF_RANGE,
        "outside the plausible range");
    ContractParser narrow =
        new ContractParser(
            new ContractLimits(
                1024,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"),
                new BigDecimal("1000")));
    assertThat(
            narrow
                .parse(
                    Topic.TRANSACTIONS.topicName(),
                    TXN.replace("1250.50", "999.99").getBytes(StandardCharsets.UTF_8))
                .isDeadLetter())
        .isFalse();
    ParsedMessage late =
        narrow.parse(
            Topic.TRANSACTIONS.topicName(),
            TXN.replace("1250.50", "999.99")
                .replace("2026-11-01T10:00:00+05:30", "2027-01-01T05:30:00+05:30")
                .getBytes(StandardCharsets.UTF_8));
    assertDead(late, DeadLetterReason.OUT_OF_RANGE, "2026-01-01T00:00:00Z .. 2027-01-01T00:00:00Z");
  }

  @Test
  void anAmountAboveTheBusinessMaximumIsOutOfRange() {
    // 16 integer digits fit DECIMAL(18,2) but not one INR conversion or sum downstream.
    assertDead(
        txn("\"amount\":1250.50", "\"amount\":9999999999999999.99"),
        DeadLetterReason.OUT_OF_RANGE,
        "'amount' is 9999999999999999.99, beyond the business maximum of 1000000000"
            + " (contract.max-amount)");
    assertThat(txn("\"amount\":1250.50", "\"amount\":1000000000.00").isDeadLetter()).isFalse();
    assertDead(
        txn("\"amount\":1250.50", "\"amount\":1000000000.01"),
        DeadLetterReason.OUT_OF_RANGE,
        "business maximum");
  }

  @Test
  void controlCharactersAndUnpairedSurrogatesInTextAreInvalidText() {
    assertDead(
        txn("\"merchant_id\":\"M1\"", "\"merchant_id\":\"M\\u00001\""),
        DeadLetterReason.INVALID_TEXT,
        "field 'merchant_id' holds the control character U+0000 at position 1");
    assertDead(
        txn("\"account_id\":\"A1\"", "\"account_id\":\"A\\n1\""),
        DeadLetterReason.INVALID_TEXT,
        "U+000A");
    assertDead(
        txn("\"account_id\":\"A1\"", "\"account_id\":\"A\\ud8001\""),
        DeadLetterReason.INVALID_TEXT,
        "unpaired surrogate U+D800");
    // A character outside the BMP is a valid pair.
    assertThat(txn("\"account_id\":\"A1\"", "\"account_id\":\"A\\ud83d\\ude001\"").isDeadLetter())
        .isFalse();
  }

  @Test
  void deepNestingIsADeadLetterNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    ParsedMessage m =
        new ContractParser(1 << 20)
            .parse(
                Topic.TRANSACTIONS.topicName(),
                TXN.replace("\"merchant_id\":\"M1\"", "\"merchant_id\":\"M1\",\"x\":" + deep)
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(m.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
  }
}
