package dev.lakehouse.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks one Kafka message against the event contract and types its fields. Not thread-safe: one
 * per task. Checks run in a fixed order (size, UTF-8, JSON, schema version, then each field in
 * contract order), so the reason of a message with several defects is stable.
 */
public final class ContractParser {
  private static final int MAX_INTEGER_DIGITS = 16;

  /** A price's decimals and integer digits: DECIMAL(18,4). */
  public static final int PRICE_SCALE = 4;

  private static final int MAX_PRICE_INTEGER_DIGITS = 14;
  private static final Set<String> CURRENCIES =
      Currency.getAvailableCurrencies().stream()
          .map(Currency::getCurrencyCode)
          .collect(Collectors.toSet());

  private final ContractLimits limits;
  private final int maxMessageBytes;
  private final ObjectMapper json;
  private final CharsetDecoder utf8;

  /** A parser with the default timestamp and amount bounds. */
  public ContractParser(int maxMessageBytes) {
    this(ContractLimits.defaults(maxMessageBytes));
  }

  public ContractParser(ContractLimits limits) {
    this.limits = limits;
    this.maxMessageBytes = limits.maxMessageBytes();
    this.json =
        new ObjectMapper()
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /**
   * The message typed, or a dead letter with its reason. Never throws for any bytes: a failure no
   * check foresaw becomes a {@code PARSER_ERROR} dead letter, so one message cannot stop bronze.
   */
  public ParsedMessage parse(String topic, byte[] value) {
    try {
      return check(topic, value);
    } catch (RuntimeException | StackOverflowError e) {
      return ParsedMessage.dead(
          DeadLetterReason.PARSER_ERROR,
          "the parser failed: "
              + e.getClass().getName()
              + ": "
              + abbreviate(String.valueOf(e.getMessage())),
          value == null ? null : textOrNull(value));
    }
  }

  private String textOrNull(byte[] value) {
    try {
      return utf8.reset().decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private ParsedMessage check(String topic, byte[] value) {
    if (value == null) {
      return ParsedMessage.dead(
          DeadLetterReason.NULL_OR_EMPTY, "the message has no value (tombstone)", null);
    }
    if (value.length > maxMessageBytes) {
      return ParsedMessage.dead(
          DeadLetterReason.OVERSIZED,
          "the message is "
              + value.length
              + " bytes, over the limit of "
              + maxMessageBytes
              + " bytes",
          null);
    }
    String text;
    try {
      text = utf8.reset().decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return ParsedMessage.dead(
          DeadLetterReason.INVALID_UTF8, "the message is not valid UTF-8: " + e.getMessage(), null);
    }
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      return ParsedMessage.dead(
          DeadLetterReason.MALFORMED_JSON,
          "the message is not valid JSON: " + firstLine(e.getOriginalMessage()),
          text);
    } catch (RuntimeException | StackOverflowError e) {
      // A number Jackson cannot represent (an exponent beyond int range), or nesting too deep.
      return ParsedMessage.dead(
          DeadLetterReason.MALFORMED_JSON,
          "the message is not JSON this parser can represent: "
              + e.getClass().getSimpleName()
              + ": "
              + abbreviate(firstLine(String.valueOf(e.getMessage()))),
          text);
    }
    if (root == null || !root.isObject()) {
      return ParsedMessage.dead(
          DeadLetterReason.MALFORMED_JSON, "the message is not a JSON object", text);
    }
    JsonNode version = root.get(Topic.SCHEMA_VERSION_FIELD);
    if (version == null || version.isNull()) {
      return ParsedMessage.dead(
          DeadLetterReason.MISSING_FIELD, "required field 'schema_version' is missing", text);
    }
    if (!version.isIntegralNumber()
        || !version.canConvertToLong()
        || version.asLong() != Topic.SCHEMA_VERSION) {
      return ParsedMessage.dead(
          DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION,
          "schema_version " + version + " is not supported (expected " + Topic.SCHEMA_VERSION + ")",
          text);
    }
    List<FieldSpec> fields = Topic.of(topic).fields();
    Object[] values = new Object[fields.size()];
    Set<String> known = new HashSet<>();
    known.add(Topic.SCHEMA_VERSION_FIELD);
    for (int i = 0; i < fields.size(); i++) {
      FieldSpec spec = fields.get(i);
      known.add(spec.name());
      JsonNode node = root.get(spec.name());
      Object typed;
      try {
        typed = typed(spec, node);
      } catch (Rejection r) {
        return ParsedMessage.dead(r.reason, r.getMessage(), text);
      }
      values[i] = typed;
    }
    return ParsedMessage.valid(values, extras((ObjectNode) root, known));
  }

  private String extras(ObjectNode root, Set<String> known) {
    ObjectNode extra = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey())) {
        if (extra == null) {
          extra = json.createObjectNode();
        }
        extra.set(e.getKey(), e.getValue());
      }
    }
    return extra == null ? null : extra.toString();
  }

  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final DeadLetterReason reason;

    Rejection(DeadLetterReason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  private Object typed(FieldSpec spec, JsonNode node) throws Rejection {
    String name = spec.name();
    if (node == null) {
      if (spec.required()) {
        throw new Rejection(
            DeadLetterReason.MISSING_FIELD, "required field '" + name + "' is missing");
      }
      return null;
    }
    if (node.isNull()) {
      if (spec.required()) {
        throw new Rejection(
            DeadLetterReason.NULL_OR_EMPTY, "required field '" + name + "' is null");
      }
      return null;
    }
    switch (spec.type()) {
      case STRING -> {
        return freeText(spec, text(spec, node));
      }
      case ENUM -> {
        String v = text(spec, node);
        if (!spec.values().contains(v)) {
          throw new Rejection(
              DeadLetterReason.UNKNOWN_ENUM,
              "field '" + name + "' has unknown value '" + abbreviate(v) + "'");
        }
        return v;
      }
      case CURRENCY -> {
        String v = text(spec, node);
        if (!CURRENCIES.contains(v)) {
          throw new Rejection(
              DeadLetterReason.UNKNOWN_ENUM,
              "field '"
                  + name
                  + "' value '"
                  + abbreviate(v)
                  + "' is not an ISO 4217 currency code");
        }
        return v;
      }
      case INT -> {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
          throw wrongType(name, "a whole number", node);
        }
        int v = node.intValue();
        if (v < spec.min() || v > spec.max()) {
          throw outOfRange(spec, node);
        }
        return v;
      }
      case LONG -> {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
          throw wrongType(name, "a whole number", node);
        }
        long v = node.longValue();
        if (v < spec.min() || v > spec.max()) {
          throw outOfRange(spec, node);
        }
        return v;
      }
      case PRICE -> {
        if (!node.isNumber()) {
          throw wrongType(name, "a JSON number", node);
        }
        BigDecimal v = node.decimalValue();
        if (v.signum() <= 0) {
          throw new Rejection(
              DeadLetterReason.NON_POSITIVE_AMOUNT,
              "field '" + name + "' must be greater than 0, got " + abbreviate(node.toString()));
        }
        if ((long) v.precision() - v.scale() > MAX_PRICE_INTEGER_DIGITS
            || v.stripTrailingZeros().scale() > PRICE_SCALE) {
          throw new Rejection(
              DeadLetterReason.BAD_AMOUNT_PRECISION,
              "field '"
                  + name
                  + "' needs at most "
                  + MAX_PRICE_INTEGER_DIGITS
                  + " integer digits and "
                  + PRICE_SCALE
                  + " decimals: "
                  + abbreviate(node.toString()));
        }
        if (v.compareTo(limits.maxAmount()) > 0) {
          throw new Rejection(
              DeadLetterReason.OUT_OF_RANGE,
              "field '"
                  + name
                  + "' is "
                  + v.toPlainString()
                  + ", beyond the business maximum of "
                  + limits.maxAmount().toPlainString()
                  + " (contract.max-amount)");
        }
        return v.setScale(PRICE_SCALE);
      }
      case DOUBLE -> {
        if (!node.isNumber()) {
          throw wrongType(name, "a number", node);
        }
        double v = node.doubleValue();
        if (!Double.isFinite(v) || v < spec.min() || v > spec.max()) {
          throw outOfRange(spec, node);
        }
        return v;
      }
      case MONEY, POSITIVE_MONEY -> {
        if (!node.isNumber()) {
          throw wrongType(name, "a JSON number", node);
        }
        BigDecimal v = node.decimalValue();
        if (spec.type() == FieldType.POSITIVE_MONEY && v.signum() <= 0) {
          throw new Rejection(
              DeadLetterReason.NON_POSITIVE_AMOUNT,
              "field '" + name + "' must be greater than 0, got " + abbreviate(node.toString()));
        }
        // Exponents can be near the int range: every digit count below is computed in long.
        if ((long) v.precision() - v.scale() > MAX_INTEGER_DIGITS) {
          throw new Rejection(
              DeadLetterReason.BAD_AMOUNT_PRECISION,
              "field '"
                  + name
                  + "' has more than "
                  + MAX_INTEGER_DIGITS
                  + " integer digits: "
                  + abbreviate(node.toString()));
        }
        BigDecimal stripped = v.stripTrailingZeros();
        if (stripped.scale() > 2) {
          throw new Rejection(
              DeadLetterReason.BAD_AMOUNT_PRECISION,
              "field '" + name + "' has more than 2 decimals: " + abbreviate(node.toString()));
        }
        if (v.doubleValue() < spec.min()) {
          throw outOfRange(spec, node);
        }
        if (v.abs().compareTo(limits.maxAmount()) > 0) {
          throw new Rejection(
              DeadLetterReason.OUT_OF_RANGE,
              "field '"
                  + name
                  + "' is "
                  + v.toPlainString()
                  + ", beyond the business maximum of "
                  + limits.maxAmount().toPlainString()
                  + " (contract.max-amount)");
        }
        return v.setScale(2);
      }
      case TIMESTAMP -> {
        String v = text(spec, node);
        Instant instant;
        try {
          instant = OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
          throw new Rejection(
              DeadLetterReason.BAD_TIMESTAMP,
              "field '"
                  + name
                  + "' value '"
                  + abbreviate(v)
                  + "' is not an ISO-8601 timestamp with offset");
        }
        if (instant.isBefore(limits.earliest()) || !instant.isBefore(limits.latest())) {
          throw new Rejection(
              DeadLetterReason.OUT_OF_RANGE,
              "field '"
                  + name
                  + "' value '"
                  + abbreviate(v)
                  + "' is outside the plausible range "
                  + limits.earliest()
                  + " .. "
                  + limits.latest()
                  + " (contract.earliest-timestamp, contract.latest-timestamp)");
        }
        return Timestamp.from(instant);
      }
      case DATE -> {
        String v = text(spec, node);
        LocalDate date;
        try {
          date = LocalDate.parse(v);
        } catch (DateTimeParseException e) {
          throw new Rejection(
              DeadLetterReason.BAD_TIMESTAMP,
              "field '" + name + "' value '" + abbreviate(v) + "' is not an ISO-8601 date");
        }
        if (date.isBefore(ContractLimits.EARLIEST_DATE) || !date.isBefore(limits.latestDate())) {
          throw new Rejection(
              DeadLetterReason.OUT_OF_RANGE,
              "field '"
                  + name
                  + "' value '"
                  + v
                  + "' is outside the plausible range "
                  + ContractLimits.EARLIEST_DATE
                  + " .. "
                  + limits.latestDate());
        }
        return Date.valueOf(date);
      }
      case OBJECT -> {
        if (!node.isObject()) {
          throw wrongType(name, "a JSON object", node);
        }
        return node.toString();
      }
      default -> throw new IllegalStateException("Unhandled field type " + spec.type());
    }
  }

  private static String text(FieldSpec spec, JsonNode node) throws Rejection {
    if (!node.isTextual()) {
      throw wrongType(spec.name(), "text", node);
    }
    String v = node.textValue();
    if (v.isBlank()) {
      throw new Rejection(
          DeadLetterReason.NULL_OR_EMPTY, "required field '" + spec.name() + "' is empty");
    }
    return v;
  }

  /**
   * Free text with no control character (a NUL passes every step up to a PostgreSQL export, which
   * it then fails) and no unpaired surrogate (which UTF-8 cannot encode).
   */
  private static String freeText(FieldSpec spec, String v) throws Rejection {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c)) {
        throw new Rejection(
            DeadLetterReason.INVALID_TEXT,
            String.format(
                "field '%s' holds the control character U+%04X at position %d",
                spec.name(), (int) c, i));
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < v.length()
                && Character.isLowSurrogate(v.charAt(i + 1));
        if (!paired) {
          throw new Rejection(
              DeadLetterReason.INVALID_TEXT,
              String.format(
                  "field '%s' holds an unpaired surrogate U+%04X at position %d",
                  spec.name(), (int) c, i));
        }
        i++;
      }
    }
    return v;
  }

  private static Rejection wrongType(String name, String expected, JsonNode node) {
    return new Rejection(
        DeadLetterReason.WRONG_TYPE,
        "field '"
            + name
            + "' must be "
            + expected
            + ", got "
            + node.getNodeType().name().toLowerCase()
            + " "
            + abbreviate(node.toString()));
  }

  private static Rejection outOfRange(FieldSpec spec, JsonNode node) {
    String range =
        spec.max() == Double.POSITIVE_INFINITY || spec.max() == Integer.MAX_VALUE
            ? "at least " + fmt(spec.min())
            : "between " + fmt(spec.min()) + " and " + fmt(spec.max());
    return new Rejection(
        DeadLetterReason.OUT_OF_RANGE,
        "field '" + spec.name() + "' must be " + range + ", got " + node);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
