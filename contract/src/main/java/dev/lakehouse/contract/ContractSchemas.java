package dev.lakehouse.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON Schema (draft 2020-12) of each topic, generated from {@link Topic} for producers: {@code
 * docs/contract/<topic>.schema.json}. A schema accepts a message only if {@link ContractParser}
 * does, except for the {@link ParserOnlyRule}s, which a JSON Schema cannot express and which each
 * schema's description lists. Where the parser is more lenient than a standard format (timestamps
 * without seconds, for example) the schema asks for the standard form.
 *
 * <p>Run {@code ContractSchemas <dir>} to write the files; ContractSchemasTest fails when the
 * committed files differ from what this class generates.
 */
public final class ContractSchemas {
  static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

  /**
   * At least one character that {@link String#isBlank()} does not count as white space. Written out
   * because {@code \S} differs between regex dialects (ECMA 262 counts U+00A0 as space, Java does
   * not, and neither agrees with isBlank on U+001C..U+001F).
   */
  static final String NOT_BLANK =
      "[^\\t\\n\\u000B\\f\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006\\u2008-\\u200A"
          + "\\u2028\\u2029\\u205F\\u3000]";

  /** A control character anywhere: free text may not hold one (INVALID_TEXT). */
  static final String CONTROL = "[\\u0000-\\u001F\\u007F-\\u009F]";

  static final String CURRENCY_PATTERN = "^[A-Z]{3}$";

  /** yyyy-MM-dd with a plausible month and day; format "date" rejects days a month lacks. */
  static final String DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

  /**
   * RFC 3339 with seconds and an offset the parser accepts (at most 18 hours, as {@link
   * java.time.ZoneOffset}); at most 9 fraction digits, as {@link java.time.OffsetDateTime}.
   */
  static final String TIMESTAMP_PATTERN =
      "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]"
          + ":[0-5][0-9](\\.[0-9]{1,9})?([Zz]|[+-]((0[0-9]|1[0-7]):[0-5][0-9]|18:00))$";

  /** Money is at most contract.max-amount in absolute value, as configured by default. */
  static final BigDecimal MONEY_LIMIT = ContractLimits.DEFAULT_MAX_AMOUNT;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter PRETTY = JSON.writer(prettyPrinter());

  /** Rules bronze enforces that a JSON Schema cannot express. */
  enum ParserOnlyRule {
    SIZE_LIMIT(
        "The message is at most bronze.max-message-kb kilobytes (64 by default); a larger one is"
            + " OVERSIZED."),
    UTF8("The bytes are valid UTF-8; otherwise INVALID_UTF8."),
    NO_DUPLICATE_KEYS(
        "No key appears twice in the object (many JSON parsers keep the last one; bronze rejects"
            + " the message as MALFORMED_JSON)."),
    PLAUSIBLE_TIME(
        "Timestamps lie from contract.earliest-timestamp up to, not including,"
            + " contract.latest-timestamp (1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z unless"
            + " configured otherwise), and dates from 1900-01-01 up to that latest date; otherwise"
            + " OUT_OF_RANGE."),
    PAIRED_SURROGATES(
        "Text holds no unpaired UTF-16 surrogate escape (such as \\ud800 alone), which UTF-8"
            + " cannot encode; otherwise INVALID_TEXT."),
    ISO_4217(
        "A currency code is an ISO 4217 code (the schema only checks for three capital letters);"
            + " otherwise UNKNOWN_ENUM."),
    WHOLE_NUMBER_LITERALS(
        "Whole numbers (schema_version and integer fields) are written without a fraction or an"
            + " exponent: 1, not 1.0 or 1e0, which JSON Schema counts as integers but bronze does"
            + " not (UNSUPPORTED_SCHEMA_VERSION or WRONG_TYPE).");

    private final String text;

    ParserOnlyRule(String text) {
      this.text = text;
    }

    String text() {
      return text;
    }

    boolean appliesTo(Topic topic) {
      return this != ISO_4217
          || topic.fields().stream().anyMatch(f -> f.type() == FieldType.CURRENCY);
    }
  }

  private ContractSchemas() {}

  /** Writes {@code <topic>.schema.json} for every topic into the directory given. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("Usage: ContractSchemas <output directory>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Topic topic : Topic.values()) {
      Files.writeString(dir.resolve(fileName(topic)), text(topic), StandardCharsets.UTF_8);
    }
    System.out.println(
        "Wrote " + Topic.values().length + " JSON Schemas to " + dir.toAbsolutePath() + ".");
  }

  /** The schema's file name, {@code <topic>.schema.json}. */
  static String fileName(Topic topic) {
    return topic.topicName() + ".schema.json";
  }

  /** The schema as its file holds it: pretty-printed, keys in a fixed order, a final newline. */
  static String text(Topic topic) {
    try {
      return PRETTY.writeValueAsString(schema(topic)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the JSON Schema of " + topic.topicName(), e);
    }
  }

  /** The topic's JSON Schema. */
  static ObjectNode schema(Topic topic) {
    ObjectNode schema = NODES.objectNode();
    schema.put("$schema", DRAFT);
    schema.put("$id", "urn:lakehouse:contract:v" + Topic.SCHEMA_VERSION + ":" + topic.topicName());
    schema.put(
        "title",
        "A message on the Kafka topic "
            + topic.topicName()
            + " (schema_version "
            + Topic.SCHEMA_VERSION
            + ")");
    schema.put("description", description(topic));
    schema.put("type", "object");
    ArrayNode required = schema.putArray("required").add(Topic.SCHEMA_VERSION_FIELD);
    topic.fields().stream().filter(FieldSpec::required).forEach(f -> required.add(f.name()));
    ObjectNode properties = schema.putObject("properties");
    ObjectNode version = properties.putObject(Topic.SCHEMA_VERSION_FIELD);
    version.put(
        "description",
        "The version of the event contract; bronze accepts only " + Topic.SCHEMA_VERSION + ".");
    version.put("type", "integer");
    version.put("const", Topic.SCHEMA_VERSION);
    for (FieldSpec field : topic.fields()) {
      properties.set(field.name(), property(field));
    }
    // Schema drift is normal: bronze keeps unknown fields as JSON instead of rejecting them.
    schema.put("additionalProperties", true);
    return schema;
  }

  private static String description(Topic topic) {
    List<String> rules = new ArrayList<>();
    for (ParserOnlyRule rule : ParserOnlyRule.values()) {
      if (rule.appliesTo(topic)) {
        rules.add("(" + (rules.size() + 1) + ") " + rule.text());
      }
    }
    return "One message on the Kafka topic "
        + topic.topicName()
        + ": "
        + topic.message()
        + ", as JSON in UTF-8. The Kafka message key is the value of "
        + topic.keyField()
        + ". "
        + topic.eventTimeColumn()
        + " dates the message: its UTC day partitions "
        + topic.bronzeTable()
        + " ("
        + topic.partitionTransform()
        + ") and places it in the lookback window of the daily runs. Unknown extra fields are"
        + " allowed and kept (bronze stores them as JSON), so a producer may add fields without a"
        + " new schema_version. Bronze also checks what this schema cannot express: "
        + String.join(" ", rules)
        + " A message that breaks the contract becomes a dead letter with one of these reasons: "
        + topic.deadLetterReasons().stream()
            .map(DeadLetterReason::name)
            .collect(Collectors.joining(", "))
        + ". A message on which the parser fails in a way none of these describes becomes a"
        + " PARSER_ERROR dead letter instead of stopping the stream.";
  }

  private static ObjectNode property(FieldSpec field) {
    ObjectNode p = NODES.objectNode();
    p.put("description", fieldDescription(field));
    switch (field.type()) {
      case STRING -> {
        type(p, field, "string");
        p.put("minLength", 1);
        p.put("pattern", NOT_BLANK);
        // "type" too: a null (optional fields) would match a bare pattern, which ignores non-text.
        p.putObject("not").put("type", "string").put("pattern", CONTROL);
      }
      case ENUM -> {
        type(p, field, "string");
        ArrayNode values = p.putArray("enum");
        field.values().forEach(values::add);
        if (!field.required()) {
          values.addNull();
        }
      }
      case CURRENCY -> {
        type(p, field, "string");
        // The lengths keep a trailing newline out, which Java's "$" would let through.
        p.put("minLength", 3);
        p.put("maxLength", 3);
        p.put("pattern", CURRENCY_PATTERN);
      }
      case INT -> {
        type(p, field, "integer");
        p.set("minimum", number(Math.max(field.min(), Integer.MIN_VALUE)));
        p.set("maximum", number(Math.min(field.max(), Integer.MAX_VALUE)));
      }
      case LONG -> {
        type(p, field, "integer");
        p.set(
            "minimum",
            Double.isInfinite(field.min())
                ? NODES.numberNode(Long.MIN_VALUE)
                : number(field.min()));
        p.set(
            "maximum",
            Double.isInfinite(field.max())
                ? NODES.numberNode(Long.MAX_VALUE)
                : number(field.max()));
      }
      case PRICE -> {
        type(p, field, "number");
        p.put("multipleOf", new BigDecimal("0.0001"));
        p.put("exclusiveMinimum", 0);
        p.put("maximum", MONEY_LIMIT);
      }
      case DOUBLE -> {
        type(p, field, "number");
        bounds(p, field);
      }
      case MONEY, POSITIVE_MONEY -> {
        type(p, field, "number");
        p.put("multipleOf", new BigDecimal("0.01"));
        if (field.type() == FieldType.POSITIVE_MONEY) {
          p.put("exclusiveMinimum", 0);
        } else if (field.min() == Double.NEGATIVE_INFINITY) {
          p.put("minimum", MONEY_LIMIT.negate());
        }
        bounds(p, field);
        p.put("maximum", MONEY_LIMIT);
      }
      case TIMESTAMP -> {
        type(p, field, "string");
        p.put("format", "date-time");
        p.put("pattern", TIMESTAMP_PATTERN);
      }
      case DATE -> {
        type(p, field, "string");
        p.put("format", "date");
        p.put("pattern", DATE_PATTERN);
      }
      case OBJECT -> type(p, field, "object");
      default -> throw new IllegalStateException("Unhandled field type " + field.type());
    }
    return p;
  }

  /** The parser accepts null for an optional field, as if it were absent. */
  private static void type(ObjectNode p, FieldSpec field, String type) {
    if (field.required()) {
      p.put("type", type);
    } else {
      p.putArray("type").add(type).add("null");
    }
  }

  private static void bounds(ObjectNode p, FieldSpec field) {
    if (field.min() != Double.NEGATIVE_INFINITY) {
      p.set("minimum", number(field.min()));
    }
    if (field.max() != Double.POSITIVE_INFINITY) {
      p.set("maximum", number(field.max()));
    }
  }

  private static JsonNode number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15
        ? NODES.numberNode((long) d)
        : NODES.numberNode(BigDecimal.valueOf(d));
  }

  private static String fieldDescription(FieldSpec field) {
    String rule =
        switch (field.type()) {
          case STRING ->
              "Text with at least one character that is not white space, and no control"
                  + " character (U+0000-U+001F, U+007F-U+009F).";
          case ENUM -> "One of the listed values.";
          case CURRENCY ->
              "Three capital letters; bronze also checks that they are an ISO 4217 code.";
          case INT -> "A whole number, written without a fraction or an exponent.";
          case LONG -> "A whole number (64 bits), written without a fraction or an exponent.";
          case PRICE ->
              "A price greater than 0 with at most 4 decimals, up to contract.max-amount.";
          case DOUBLE -> "A number.";
          case MONEY, POSITIVE_MONEY ->
              "A JSON number (not text) with at most 2 decimals, at most 16 integer digits and"
                  + " at most contract.max-amount (1000000000 unless configured otherwise) in"
                  + " absolute value; stored as DECIMAL(18,2).";
          case TIMESTAMP ->
              "An RFC 3339 timestamp with seconds and an offset (Z or +hh:mm), for example"
                  + " 2026-11-01T10:00:00+05:30; stored in UTC.";
          case DATE -> "A date, yyyy-MM-dd.";
          case OBJECT -> "Any JSON object.";
        };
    String text = field.description().isEmpty() ? rule : field.description() + " " + rule;
    return field.required() ? text : text + " Optional: may be absent or null.";
  }

  private static DefaultPrettyPrinter prettyPrinter() {
    // Fixed "\n" line ends and "key": value spacing, whatever the platform.
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    return printer;
  }
}
