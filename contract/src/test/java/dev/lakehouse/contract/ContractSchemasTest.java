package dev.lakehouse.contract;

import static dev.lakehouse.contract.DeadLetterReason.BAD_AMOUNT_PRECISION;
import static dev.lakehouse.contract.DeadLetterReason.BAD_TIMESTAMP;
import static dev.lakehouse.contract.DeadLetterReason.INVALID_TEXT;
import static dev.lakehouse.contract.DeadLetterReason.INVALID_UTF8;
import static dev.lakehouse.contract.DeadLetterReason.MALFORMED_JSON;
import static dev.lakehouse.contract.DeadLetterReason.MISSING_FIELD;
import static dev.lakehouse.contract.DeadLetterReason.NON_POSITIVE_AMOUNT;
import static dev.lakehouse.contract.DeadLetterReason.NULL_OR_EMPTY;
import static dev.lakehouse.contract.DeadLetterReason.OUT_OF_RANGE;
import static dev.lakehouse.contract.DeadLetterReason.OVERSIZED;
import static dev.lakehouse.contract.DeadLetterReason.UNKNOWN_ENUM;
import static dev.lakehouse.contract.DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION;
import static dev.lakehouse.contract.DeadLetterReason.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import dev.lakehouse.contract.ContractSchemas.ParserOnlyRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Currency;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The producers' JSON Schemas in docs/contract: they are what {@link ContractSchemas} generates
 * now, and a real JSON Schema validator agrees with {@link ContractParser} on valid messages and on
 * systematic mutations of every field. Where they cannot agree, the difference is one of the {@link
 * ParserOnlyRule}s (which every schema's description lists) or the schema asking for the canonical
 * form of a value the parser also accepts; both kinds are spelled out below.
 */
class ContractSchemasTest {
  private static final Path SCHEMA_DIR = Path.of("..", "docs", "contract");
  private static final String REGENERATE =
      "cd to the repository root and run: mvn -q -B compile"
          + " org.codehaus.mojo:exec-maven-plugin:3.5.0:java -pl contract"
          + " -Dexec.mainClass=dev.lakehouse.contract.ContractSchemas -Dexec.args=docs/contract";
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  // Exact decimals, as the parser reads them: a double would round 9999999999999999.99 up to 1e16.
  private static final ObjectMapper READER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(VersionFlag.V202012);
  // networknt treats "format" as an annotation unless told; without this, 2026-02-30 would pass.
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private static final Map<Topic, JsonSchema> SCHEMAS = new EnumMap<>(Topic.class);
  private static final Map<Topic, ObjectNode> VALID = new EnumMap<>(Topic.class);

  static {
    for (Topic topic : Topic.values()) {
      SCHEMAS.put(topic, FACTORY.getSchema(ContractSchemas.schema(topic), CONFIG));
    }
  }

  private final ContractParser parser = new ContractParser(MAX_MESSAGE_BYTES);

  /** One message to check against both, and what the parser should say (null: accepted). */
  record Case(String label, Topic topic, String field, byte[] bytes, DeadLetterReason reason) {
    @Override
    public String toString() {
      return label;
    }
  }

  // ---- the committed files ----

  @ParameterizedTest
  @EnumSource(Topic.class)
  void committedSchemaIsWhatTheGeneratorWritesNow(Topic topic) throws IOException {
    Path file = SCHEMA_DIR.resolve(ContractSchemas.fileName(topic));
    assertThat(file).as("docs/contract/%s is missing; %s", file.getFileName(), REGENERATE).exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .as("docs/contract/%s is out of date with Topic; %s", file.getFileName(), REGENERATE)
        .isEqualTo(ContractSchemas.text(topic));
  }

  @Test
  void docsContractHoldsOneSchemaPerTopicAndNothingElse() throws IOException {
    try (Stream<Path> files = Files.list(SCHEMA_DIR)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("a schema without a topic is stale; delete it")
          .containsExactlyInAnyOrder(
              "transactions.schema.json",
              "customers.schema.json",
              "accounts.schema.json",
              "merchants.schema.json",
              "stocks.schema.json",
              "trading_accounts.schema.json",
              "orders.schema.json",
              "trades.schema.json",
              "daily_prices.schema.json");
    }
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void schemaIsAValidDraft202012Schema(Topic topic) {
    JsonSchema meta = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012), CONFIG);
    assertThat(meta.validate(ContractSchemas.schema(topic))).isEmpty();
  }

  @Test
  void generatedTextIsStableAndEndsWithOneNewline() {
    String text = ContractSchemas.text(Topic.ACCOUNTS);
    assertThat(ContractSchemas.text(Topic.ACCOUNTS)).isEqualTo(text);
    assertThat(text)
        .startsWith("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",");
    assertThat(text).endsWith("\n}\n").doesNotContain("\r");
  }

  @Test
  void transactionSchemaStatesTheContractByHand() throws IOException {
    ObjectNode schema = ContractSchemas.schema(Topic.TRANSACTIONS);
    assertThat(schema.get("$id").asText()).isEqualTo("urn:lakehouse:contract:v1:transactions");
    assertThat(schema.get("description").asText())
        .contains("The Kafka message key is the value of transaction_id.")
        .contains("event_ts dates the message: its UTC day partitions bronze.transactions")
        .contains("Unknown extra fields are allowed and kept")
        .contains("ISO 4217");
    assertThat(JSON.writeValueAsString(schema.get("required")))
        .isEqualTo(
            "[\"schema_version\",\"event_id\",\"transaction_id\",\"sequence\",\"status\","
                + "\"txn_type\",\"account_id\",\"customer_id\",\"amount\",\"currency\",\"channel\","
                + "\"event_ts\",\"status_ts\"]");
    JsonNode properties = schema.get("properties");
    assertThat(JSON.writeValueAsString(without(properties.get("schema_version"))))
        .isEqualTo("{\"type\":\"integer\",\"const\":1}");
    // > 0, whole cents, at most contract.max-amount by default.
    assertThat(JSON.writeValueAsString(without(properties.get("amount"))))
        .isEqualTo(
            "{\"type\":\"number\",\"multipleOf\":0.01,\"exclusiveMinimum\":0,"
                + "\"maximum\":1000000000}");
    assertThat(JSON.writeValueAsString(without(properties.get("sequence"))))
        .isEqualTo("{\"type\":\"integer\",\"minimum\":1,\"maximum\":2147483647}");
    assertThat(JSON.writeValueAsString(without(properties.get("channel"))))
        .isEqualTo(
            "{\"type\":\"string\",\"enum\":[\"APP\",\"WEB\",\"POS\",\"ATM\",\"BRANCH\",\"API\"]}");
    assertThat(JSON.writeValueAsString(without(properties.get("latitude"))))
        .isEqualTo("{\"type\":[\"number\",\"null\"],\"minimum\":-90,\"maximum\":90}");
    assertThat(JSON.writeValueAsString(without(properties.get("currency"))))
        .isEqualTo(
            "{\"type\":\"string\",\"minLength\":3,\"maxLength\":3,\"pattern\":\"^[A-Z]{3}$\"}");
    assertThat(schema.get("additionalProperties").booleanValue()).isTrue();
  }

  @Test
  void accountSchemaAllowsNegativeOpeningBalanceButNotNegativeOverdraftLimit() throws IOException {
    JsonNode properties = ContractSchemas.schema(Topic.ACCOUNTS).get("properties");
    assertThat(JSON.writeValueAsString(without(properties.get("opening_balance"))))
        .isEqualTo(
            "{\"type\":\"number\",\"multipleOf\":0.01,\"minimum\":-1000000000,"
                + "\"maximum\":1000000000}");
    assertThat(JSON.writeValueAsString(without(properties.get("overdraft_limit"))))
        .isEqualTo(
            "{\"type\":\"number\",\"multipleOf\":0.01,\"minimum\":0," + "\"maximum\":1000000000}");
  }

  private static ObjectNode without(JsonNode property) {
    ObjectNode copy = property.deepCopy();
    copy.remove("description");
    return copy;
  }

  // ---- schema and parser agree ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedByBoth")
  void messageIsAcceptedByBoth(Case c) {
    ParsedMessage parsed = parser.parse(c.topic().topicName(), c.bytes());
    assertThat(parsed.isDeadLetter()).as("parser: %s", parsed.message()).isFalse();
    assertThat(schemaErrors(c)).as("schema").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejectedByBoth")
  void messageIsRejectedByBothWithTheExpectedReason(Case c) {
    ParsedMessage parsed = parser.parse(c.topic().topicName(), c.bytes());
    assertThat(parsed.reason()).as("parser: %s", parsed.message()).isEqualTo(c.reason());
    assertThat(c.topic().deadLetterReasons()).contains(c.reason());
    Set<String> errors = schemaErrors(c);
    assertThat(errors).as("schema").isNotEmpty();
    if (c.field() != null) {
      assertThat(errors).as("schema errors name the field").anyMatch(e -> e.contains(c.field()));
    }
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void everyDeadLetterReasonOfATopicIsExercised(Topic topic) {
    Set<DeadLetterReason> seen = EnumSet.noneOf(DeadLetterReason.class);
    rejectedByBoth().filter(c -> c.topic() == topic).forEach(c -> seen.add(c.reason()));
    parserOnly().filter(c -> c.topic() == topic).forEach(c -> seen.add(c.reason()));
    assertThat(seen).isEqualTo(topic.deadLetterReasons());
  }

  @Test
  void schemaAndParserAgreeOnWhichSingleCharactersAreBlankOrControl() {
    // Every character of the Basic Multilingual Plane as a merchant's name; the schema side checks
    // the name's own subschema, since the rest of the message does not change.
    String marker = "\u0001";
    String[] template =
        new String(bytes(valid(Topic.MERCHANTS).put("name", marker)), StandardCharsets.UTF_8)
            .split(Pattern.quote(str(marker)));
    JsonSchema name =
        FACTORY.getSchema(ContractSchemas.schema(Topic.MERCHANTS).at("/properties/name"), CONFIG);
    int blank = 0;
    for (char ch = 0; ch < 0xFFFF; ch++) {
      if (Character.isSurrogate(ch)) {
        continue; // a lone surrogate cannot be encoded in UTF-8
      }
      byte[] message =
          (template[0] + str(String.valueOf(ch)) + template[1]).getBytes(StandardCharsets.UTF_8);
      boolean parserRejects = parser.parse("merchants", message).isDeadLetter();
      assertThat(name.validate(JSON.getNodeFactory().textNode(String.valueOf(ch))).isEmpty())
          .as("U+%04X: parser %s", (int) ch, parserRejects ? "rejects" : "accepts")
          .isEqualTo(!parserRejects);
      blank += parserRejects ? 1 : 0;
    }
    // Character.isWhitespace by hand: \t \n \u000B \f \r, \u001C-\u001F, space, \u1680,
    // \u2000-\u2006, \u2008-\u200A, \u2028, \u2029, \u205F, \u3000; and the control characters
    // U+0000-U+001F and U+007F-U+009F, 9 of which (\t to \r, \u001C-\u001F) are white space.
    assertThat(blank).isEqualTo(5 + 4 + 1 + 1 + 7 + 3 + 2 + 1 + 1 + (32 + 33 - 9));
  }

  @Test
  void everyIso4217CodeTheParserKnowsMatchesTheSchema() {
    for (Currency currency : Currency.getAvailableCurrencies()) {
      Case c = with(Topic.TRANSACTIONS, "currency", str(currency.getCurrencyCode()), null);
      assertThat(parser.parse(c.topic().topicName(), c.bytes()).isDeadLetter()).isFalse();
      assertThat(schemaErrors(c)).as(currency.getCurrencyCode()).isEmpty();
    }
  }

  // ---- where they differ, on purpose ----

  @ParameterizedTest
  @EnumSource(Topic.class)
  void everySchemaDescriptionListsTheRulesOnlyTheParserChecks(Topic topic) {
    String description = ContractSchemas.schema(topic).get("description").asText();
    for (ParserOnlyRule rule : ParserOnlyRule.values()) {
      if (rule.appliesTo(topic)) {
        assertThat(description).contains(rule.text());
      } else {
        assertThat(description).doesNotContain(rule.text());
      }
    }
    for (DeadLetterReason reason : topic.deadLetterReasons()) {
      assertThat(description).contains(reason.name());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parserOnly")
  void ruleTheSchemaCannotExpressIsEnforcedByTheParser(Case c) {
    ParsedMessage parsed = parser.parse(c.topic().topicName(), c.bytes());
    assertThat(parsed.reason()).as("parser: %s", parsed.message()).isEqualTo(c.reason());
    // The schema sees the JSON a lenient reader makes of the bytes, and finds nothing wrong.
    String lenient = new String(c.bytes(), StandardCharsets.UTF_8);
    assertThat(SCHEMAS.get(c.topic()).validate(read(lenient.getBytes(StandardCharsets.UTF_8))))
        .isEmpty();
  }

  @Test
  void everyParserOnlyRuleHasADemonstration() {
    Set<String> demonstrated =
        parserOnly()
            .map(c -> c.label().substring(0, c.label().indexOf(':')))
            .collect(Collectors.toSet());
    assertThat(demonstrated)
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(ParserOnlyRule.values()).map(Enum::name).toList());
  }

  /**
   * The schema asks for RFC 3339 timestamps and full dates, and compares numbers exactly; the
   * parser, built on java.time and doubles, also takes these non-canonical forms. A producer that
   * validates against the schema never sends them, so no message the schema accepts is lost.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaStricter")
  void nonCanonicalFormIsRejectedByTheSchemaOnly(Case c) {
    ParsedMessage parsed = parser.parse(c.topic().topicName(), c.bytes());
    assertThat(parsed.isDeadLetter()).as("parser: %s", parsed.message()).isFalse();
    assertThat(schemaErrors(c)).as("schema").isNotEmpty();
  }

  // ---- the cases ----

  static Stream<Case> acceptedByBoth() {
    List<Case> cases = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      String name = topic.topicName();
      cases.add(new Case(name + ": every field", topic, null, bytes(valid(topic)), null));
      ObjectNode minimal = valid(topic);
      topic.fields().stream().filter(f -> !f.required()).forEach(f -> minimal.remove(f.name()));
      cases.add(new Case(name + ": required fields only", topic, null, bytes(minimal), null));
      ObjectNode extra = valid(topic);
      extra.put("risk_score", 0.12).putArray("tags").add("new");
      extra.putObject("origin").put("system", "gateway-2");
      cases.add(new Case(name + ": unknown extra fields", topic, null, bytes(extra), null));
      for (FieldSpec f : topic.fields()) {
        if (!f.required()) {
          cases.add(absent(topic, f.name(), null));
          cases.add(with(topic, f.name(), "null", null));
        }
        for (String value : acceptedValues(f)) {
          cases.add(with(topic, f.name(), value, null));
        }
      }
    }
    return cases.stream();
  }

  private static List<String> acceptedValues(FieldSpec f) {
    List<String> values = new ArrayList<>();
    switch (f.type()) {
      case STRING ->
          values.addAll(List.of(str("x"), str(" padded "), str("Pune \u092A\u0941\u0923\u0947")));
      case ENUM -> f.values().forEach(v -> values.add(str(v)));
      case CURRENCY -> values.addAll(List.of(str("USD"), str("EUR")));
      case INT -> {
        values.add(String.valueOf((long) Math.max(f.min(), Integer.MIN_VALUE)));
        values.add(String.valueOf((long) Math.min(f.max(), Integer.MAX_VALUE)));
      }
      case LONG -> {
        values.add(String.valueOf((long) f.min()));
        values.add("9223372036854775807");
        values.add("3000000000"); // beyond an int
      }
      case PRICE -> {
        values.add("0.0001");
        values.add("183.38");
        values.add("186.65000"); // trailing zeros are not decimals
        values.add("1000000000"); // contract.max-amount by default
      }
      case DOUBLE -> {
        bounded(f.min()).ifPresent(min -> values.add(String.valueOf(min)));
        bounded(f.max()).ifPresent(max -> values.add(String.valueOf(max)));
        values.add("-0.000001");
      }
      case MONEY, POSITIVE_MONEY -> {
        values.add("0.01");
        values.add("1250.500"); // trailing zeros are not decimals
        values.add("1.25e3");
        values.add("1000000000.00"); // contract.max-amount by default
        if (f.type() == FieldType.MONEY && f.min() == 0) {
          values.add("0");
        }
        if (f.type() == FieldType.MONEY && f.min() == Double.NEGATIVE_INFINITY) {
          values.addAll(List.of("0", "-5.25", "-1000000000.00"));
        }
      }
      case TIMESTAMP ->
          values.addAll(
              Stream.of(
                      "2026-11-01T04:30:00Z",
                      "2026-11-01t04:30:00z",
                      "2026-11-01T10:00:00.123456789+05:30",
                      "2026-11-01T10:00:00.5-03:00",
                      "2026-11-01T22:30:00+18:00",
                      "2026-10-31T10:30:00-18:00",
                      "2024-02-29T23:59:59+05:30")
                  .map(ContractSchemasTest::str)
                  .toList());
      case DATE -> values.addAll(List.of(str("2024-02-29"), str("1900-01-01")));
      case OBJECT ->
          values.addAll(List.of("{}", "{\"mcc\":5812,\"tags\":[\"veg\"],\"rating\":null}"));
      default -> throw new IllegalStateException("Unhandled field type " + f.type());
    }
    return values;
  }

  static Stream<Case> rejectedByBoth() {
    List<Case> cases = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      String version = Topic.SCHEMA_VERSION_FIELD;
      cases.add(absent(topic, version, MISSING_FIELD));
      cases.add(with(topic, version, "null", MISSING_FIELD));
      for (String v : List.of("2", "0", "-1", str("1"), "1.5", "true")) {
        cases.add(with(topic, version, v, UNSUPPORTED_SCHEMA_VERSION));
      }
      for (String root : List.of("[]", str("text"), "42", "null")) {
        cases.add(
            new Case(
                topic.topicName() + ": the message is " + root,
                topic,
                null,
                root.getBytes(StandardCharsets.UTF_8),
                MALFORMED_JSON));
      }
      for (FieldSpec f : topic.fields()) {
        if (f.required()) {
          cases.add(absent(topic, f.name(), MISSING_FIELD));
          cases.add(with(topic, f.name(), "null", NULL_OR_EMPTY));
        }
        rejectedValues(f)
            .forEach((value, reason) -> cases.add(with(topic, f.name(), value, reason)));
      }
    }
    return cases.stream();
  }

  private static Map<String, DeadLetterReason> rejectedValues(FieldSpec f) {
    Map<String, DeadLetterReason> values = new LinkedHashMap<>();
    boolean textual =
        switch (f.type()) {
          case STRING, ENUM, CURRENCY, TIMESTAMP, DATE -> true;
          default -> false;
        };
    if (textual) {
      values.put(str(""), NULL_OR_EMPTY);
      values.put(str(" \t\n "), NULL_OR_EMPTY);
      values.put(str("\u3000"), NULL_OR_EMPTY);
      values.put("17", WRONG_TYPE);
      values.put("true", WRONG_TYPE);
      values.put("[\"x\"]", WRONG_TYPE);
      values.put("{\"value\":\"x\"}", WRONG_TYPE);
    }
    switch (f.type()) {
      case STRING -> {
        values.put(str("Chai\u0000Point"), INVALID_TEXT); // a NUL fails the PostgreSQL export
        values.put(str("two\nlines"), INVALID_TEXT);
        values.put(str("bell\u0007"), INVALID_TEXT);
        values.put(str("x\u0085"), INVALID_TEXT);
      }
      case ENUM -> {
        String first = f.values().iterator().next();
        values.put(str("NOT_" + first), UNKNOWN_ENUM);
        values.put(str(first.toLowerCase()), UNKNOWN_ENUM);
        values.put(str(first + " "), UNKNOWN_ENUM);
      }
      case CURRENCY -> {
        for (String v : List.of("inr", "INRX", "IN", "INR\n", " INR", "IN1")) {
          values.put(str(v), UNKNOWN_ENUM);
        }
      }
      case TIMESTAMP -> {
        for (String v :
            List.of(
                "2026-11-01T10:00:00", // no offset: ambiguous
                "2026-11-01 10:00:00+05:30",
                "2026-11-01",
                "2026-02-30T10:00:00Z", // only format "date-time" catches this one
                "2026-11-01T24:00:00Z",
                "2026-11-01T23:59:60Z",
                "2026-11-01T10:00:00+19:00",
                "2026-11-01T10:00:00+0530",
                "2026-11-01T10:00:00+05:30\n",
                "2026-11-01T10:00:00.1234567891Z",
                "1 Nov 2026 10:00 IST")) {
          values.put(str(v), BAD_TIMESTAMP);
        }
        values.put(str("+12026-11-01T10:00:00Z"), OUT_OF_RANGE); // a five-digit year
      }
      case DATE -> {
        for (String v :
            List.of(
                "1990-02-30",
                "2023-02-29",
                "1990-2-3",
                "03/02/1990",
                "19900203",
                "1990-02-03T00:00:00Z",
                "1990-02-03\n")) {
          values.put(str(v), BAD_TIMESTAMP);
        }
        values.put(str("+11990-02-03"), OUT_OF_RANGE); // a five-digit year
      }
      case INT -> {
        values.put("1.5", WRONG_TYPE);
        values.put(str("1"), WRONG_TYPE);
        values.put("2147483648", WRONG_TYPE); // beyond an int
        values.put("-2147483649", WRONG_TYPE);
        if (f.min() > Integer.MIN_VALUE) {
          values.put(String.valueOf((long) f.min() - 1), OUT_OF_RANGE);
        }
        if (f.max() < Integer.MAX_VALUE) {
          values.put(String.valueOf((long) f.max() + 1), OUT_OF_RANGE);
        }
      }
      case LONG -> {
        values.put("1.5", WRONG_TYPE);
        values.put(str("1"), WRONG_TYPE);
        values.put("9223372036854775808", WRONG_TYPE); // beyond a long
        values.put(String.valueOf((long) f.min() - 1), OUT_OF_RANGE);
      }
      case PRICE -> {
        values.put(str("183.38"), WRONG_TYPE);
        values.put("183.38005", BAD_AMOUNT_PRECISION);
        values.put("100000000000000", BAD_AMOUNT_PRECISION); // 15 integer digits
        values.put("1000000000.0001", OUT_OF_RANGE); // beyond contract.max-amount
        values.put("0", NON_POSITIVE_AMOUNT);
        values.put("-183.38", NON_POSITIVE_AMOUNT);
      }
      case DOUBLE -> {
        values.put(str("12.5"), WRONG_TYPE);
        values.put("true", WRONG_TYPE);
        bounded(f.min()).ifPresent(min -> values.put(String.valueOf(min - 0.001), OUT_OF_RANGE));
        bounded(f.max()).ifPresent(max -> values.put(String.valueOf(max + 0.001), OUT_OF_RANGE));
        values.put("1e400", OUT_OF_RANGE);
      }
      case MONEY, POSITIVE_MONEY -> {
        values.put(str("1250.50"), WRONG_TYPE);
        values.put("{\"value\":1250.50}", WRONG_TYPE);
        values.put("1250.505", BAD_AMOUNT_PRECISION);
        values.put("0.001", BAD_AMOUNT_PRECISION);
        values.put("10000000000000000", BAD_AMOUNT_PRECISION);
        values.put("10000000000000000.00", BAD_AMOUNT_PRECISION);
        values.put("1000000000.01", OUT_OF_RANGE); // beyond contract.max-amount
        values.put("9999999999999999.99", OUT_OF_RANGE); // fits DECIMAL(18,2), not a sum of two
        if (f.type() == FieldType.POSITIVE_MONEY) {
          values.put("0", NON_POSITIVE_AMOUNT);
          values.put("0.00", NON_POSITIVE_AMOUNT);
          values.put("-3.10", NON_POSITIVE_AMOUNT);
        } else if (f.min() == 0) {
          values.put("-0.01", OUT_OF_RANGE);
        } else {
          values.put("-10000000000000000", BAD_AMOUNT_PRECISION);
          values.put("-1000000000.01", OUT_OF_RANGE);
        }
      }
      case OBJECT -> {
        values.put(str("{\"mcc\":5812}"), WRONG_TYPE); // JSON inside text
        values.put("[{\"mcc\":5812}]", WRONG_TYPE);
        values.put("5812", WRONG_TYPE);
        values.put("true", WRONG_TYPE);
      }
    }
    return values;
  }

  static Stream<Case> parserOnly() {
    List<Case> cases = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      for (ParserOnlyRule rule : ParserOnlyRule.values()) {
        if (rule.appliesTo(topic)) {
          cases.addAll(demonstrations(topic, rule));
        }
      }
    }
    return cases.stream();
  }

  private static List<Case> demonstrations(Topic topic, ParserOnlyRule rule) {
    String label = rule.name() + ": " + topic.topicName() + " ";
    String prefix = rule.name() + ": ";
    ObjectNode valid = valid(topic);
    return switch (rule) {
      case SIZE_LIMIT -> {
        ObjectNode big = valid.put("notes", "x".repeat(MAX_MESSAGE_BYTES));
        yield List.of(new Case(label + "over 64 KiB", topic, null, bytes(big), OVERSIZED));
      }
      case UTF8 -> {
        byte[] bytes = bytes(valid.put("notes", "caf\u00e9"));
        // U+00E9 is C3 A9 in UTF-8; C3 followed by '(' is not UTF-8.
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\u00c3\u00a9");
        bytes[at + 1] = '(';
        yield List.of(new Case(label + "C3 28", topic, null, bytes, INVALID_UTF8));
      }
      case NO_DUPLICATE_KEYS -> {
        String text = new String(bytes(valid), StandardCharsets.UTF_8);
        String twice = text.substring(0, text.length() - 1) + ",\"schema_version\":1}";
        yield List.of(
            new Case(
                label + "schema_version twice",
                topic,
                null,
                twice.getBytes(StandardCharsets.UTF_8),
                MALFORMED_JSON));
      }
      case PLAUSIBLE_TIME -> {
        List<Case> demos = new ArrayList<>();
        for (FieldSpec f : topic.fields()) {
          List<String> values =
              switch (f.type()) {
                case TIMESTAMP -> List.of("1969-12-31T23:59:59Z", "2100-01-01T05:30:00+05:30");
                case DATE -> List.of("1899-12-31", "2100-01-01");
                default -> List.of();
              };
          values.forEach(
              v -> demos.add(relabel(prefix, with(topic, f.name(), str(v), OUT_OF_RANGE))));
        }
        yield demos;
      }
      case PAIRED_SURROGATES ->
          topic.fields().stream()
              .filter(f -> f.type() == FieldType.STRING)
              .limit(1)
              .map(f -> relabel(prefix, with(topic, f.name(), "\"a\\ud800b\"", INVALID_TEXT)))
              .toList();
      case ISO_4217 ->
          topic.fields().stream()
              .filter(f -> f.type() == FieldType.CURRENCY)
              .map(f -> relabel(prefix, with(topic, f.name(), str("XYZ"), UNKNOWN_ENUM)))
              .toList();
      case WHOLE_NUMBER_LITERALS -> {
        List<Case> demos = new ArrayList<>();
        for (String one : List.of("1.0", "1e0")) {
          demos.add(
              relabel(
                  prefix,
                  with(topic, Topic.SCHEMA_VERSION_FIELD, one, UNSUPPORTED_SCHEMA_VERSION)));
        }
        for (FieldSpec f : topic.fields()) {
          if (f.type() == FieldType.INT || f.type() == FieldType.LONG) {
            String v = sample(f).asText();
            demos.add(relabel(prefix, with(topic, f.name(), v + ".0", WRONG_TYPE)));
            demos.add(relabel(prefix, with(topic, f.name(), v + "e0", WRONG_TYPE)));
          }
        }
        yield demos;
      }
    };
  }

  static Stream<Case> schemaStricter() {
    List<Case> cases = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      for (FieldSpec f : topic.fields()) {
        List<String> values =
            switch (f.type()) {
              case TIMESTAMP ->
                  Stream.of(
                          "2026-11-01T10:00+05:30", // no seconds
                          "2026-11-01T10:00:00+05", // offset without minutes
                          "2026-11-01T10:00:00+05:30:15", // offset with seconds
                          "2026-11-01T10:00:00.Z", // a point without fraction digits
                          // RFC 3339's "local offset unknown", which networknt's check refuses
                          "2026-11-01T04:30:00-00:00")
                      .map(ContractSchemasTest::str)
                      .toList();
              // The parser compares coordinates as doubles, where this rounds to the bound.
              case DOUBLE ->
                  bounded(f.max())
                      .map(max -> List.of(max + "0000000000000000001"))
                      .orElse(List.of());
              default -> List.of();
            };
        values.forEach(v -> cases.add(with(topic, f.name(), v, null)));
      }
    }
    return cases.stream();
  }

  // ---- building messages ----

  /** A message with every field, each holding a value the contract allows. */
  static ObjectNode valid(Topic topic) {
    return VALID.computeIfAbsent(topic, ContractSchemasTest::validMessage).deepCopy();
  }

  private static ObjectNode validMessage(Topic topic) {
    ObjectNode message =
        JSON.createObjectNode().put(Topic.SCHEMA_VERSION_FIELD, Topic.SCHEMA_VERSION);
    topic.fields().forEach(f -> message.set(f.name(), sample(f)));
    return message;
  }

  private static Optional<Double> bounded(double bound) {
    return Double.isInfinite(bound) ? Optional.empty() : Optional.of(bound);
  }

  private static JsonNode sample(FieldSpec f) {
    String json =
        switch (f.type()) {
          case STRING -> str(f.name() + "-1");
          case ENUM -> str(f.values().iterator().next());
          case CURRENCY -> str("INR");
          case INT -> String.valueOf((long) Math.max(f.min(), Math.min(f.max(), 1)));
          case LONG -> "4386795";
          case PRICE -> "186.6500";
          case DOUBLE -> String.valueOf(Math.max(f.min(), Math.min(f.max(), 12.97)));
          case MONEY, POSITIVE_MONEY -> "1250.50";
          case TIMESTAMP -> str("2026-11-01T10:00:00+05:30");
          case DATE -> str("1990-02-03");
          case OBJECT -> "{\"mcc\":5812}";
        };
    return read(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The valid message with {@code field} set to the JSON text {@code value}, verbatim. */
  static Case with(Topic topic, String field, String value, DeadLetterReason reason) {
    ObjectNode message = valid(topic);
    message.putRawValue(field, new RawValue(value));
    String shown = value.length() > 40 ? value.substring(0, 37) + "..." : value;
    return new Case(
        topic.topicName() + "." + field + " = " + shown.replace("\n", "\\n"),
        topic,
        field,
        bytes(message),
        reason);
  }

  static Case absent(Topic topic, String field, DeadLetterReason reason) {
    ObjectNode message = valid(topic);
    message.remove(field);
    String label = topic.topicName() + "." + field + " absent";
    return new Case(label, topic, field, bytes(message), reason);
  }

  private static Case relabel(String prefix, Case c) {
    return new Case(prefix + c.label(), c.topic(), c.field(), c.bytes(), c.reason());
  }

  /** A JSON string literal. */
  static String str(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(ObjectNode message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return READER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> schemaErrors(Case c) {
    return SCHEMAS.get(c.topic()).validate(read(c.bytes())).stream()
        .map(ValidationMessage::getMessage)
        .collect(Collectors.toSet());
  }
}
