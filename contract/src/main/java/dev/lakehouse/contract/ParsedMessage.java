package dev.lakehouse.contract;

/**
 * The outcome of checking one Kafka message against the contract: either typed values in contract
 * order plus the unknown fields as JSON, or a dead-letter reason with a readable message.
 */
public record ParsedMessage(
    Object[] values, String extraFields, DeadLetterReason reason, String message, String rawText) {

  public static ParsedMessage valid(Object[] values, String extraFields) {
    return new ParsedMessage(values, extraFields, null, null, null);
  }

  public static ParsedMessage dead(DeadLetterReason reason, String message, String rawText) {
    return new ParsedMessage(null, null, reason, message, rawText);
  }

  public boolean isDeadLetter() {
    return reason != null;
  }
}
