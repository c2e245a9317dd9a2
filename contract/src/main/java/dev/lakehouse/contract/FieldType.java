package dev.lakehouse.contract;

/** JSON field types of the event contract and how bronze stores them. */
public enum FieldType {
  /** Non-empty text. */
  STRING,
  /** A JSON integer. */
  INT,
  /** A JSON integer of up to 64 bits (volumes). */
  LONG,
  /** Money, a JSON number with at most 2 decimals, stored as DECIMAL(18,2). */
  MONEY,
  /** Money that must be greater than zero. */
  POSITIVE_MONEY,
  /**
   * A market price: a JSON number greater than zero with at most 4 decimals, stored as
   * DECIMAL(18,4).
   */
  PRICE,
  /** An ISO-8601 timestamp with offset, stored as a UTC timestamp. */
  TIMESTAMP,
  /** An ISO-8601 date (yyyy-MM-dd). */
  DATE,
  /** Text from a fixed list. */
  ENUM,
  /** An ISO 4217 currency code. */
  CURRENCY,
  /** A JSON number stored as DOUBLE (coordinates only, never money). */
  DOUBLE,
  /** A JSON object, stored as its JSON text. */
  OBJECT
}
