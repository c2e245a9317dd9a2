package dev.lakehouse.contract;

/**
 * Why a Kafka message broke the event contract. The code is stored in {@code bronze.dead_letters};
 * the stage says which step of bronze rejected it. Checks run in this order, so a message with
 * several defects carries the first one.
 */
public enum DeadLetterReason {
  OVERSIZED("decode", "the message is larger than bronze.max-message-kb"),
  INVALID_UTF8("decode", "the bytes are not valid UTF-8"),
  MALFORMED_JSON(
      "parse",
      "not a single JSON object (syntax error, truncated, duplicate key, or not an object)"),
  UNSUPPORTED_SCHEMA_VERSION("validate", "schema_version is not 1"),
  MISSING_FIELD("validate", "a required field is absent"),
  NULL_OR_EMPTY("validate", "a required field is null, an empty string or only spaces"),
  WRONG_TYPE(
      "validate",
      "a field has the wrong JSON type (text where a number is expected, or the reverse)"),
  UNKNOWN_ENUM("validate", "a value outside its list (status, txn_type, channel, currency, ...)"),
  BAD_TIMESTAMP(
      "validate",
      "a timestamp without offset or that does not parse, or a date that does not parse"),
  NON_POSITIVE_AMOUNT("validate", "a transaction amount of zero or less"),
  BAD_AMOUNT_PRECISION(
      "validate", "a money value with more than 2 decimals or more than 16 integer digits"),
  OUT_OF_RANGE(
      "validate",
      "a value outside its range: a number (sequence < 1, city_tier not 1-3, latitude, ...), an"
          + " amount above contract.max-amount, or a timestamp outside contract.earliest-timestamp"
          + " .. contract.latest-timestamp"),
  INVALID_TEXT(
      "validate",
      "a text field holds a control character (NUL, tab, line break, ...) or an unpaired UTF-16"
          + " surrogate"),
  PARSER_ERROR(
      "parse",
      "the parser failed on the message in a way no other code describes (the exception is in"
          + " the message column); never stops the stream");

  private final String stage;
  private final String description;

  DeadLetterReason(String stage, String description) {
    this.stage = stage;
    this.description = description;
  }

  public String stage() {
    return stage;
  }

  public String description() {
    return description;
  }
}
