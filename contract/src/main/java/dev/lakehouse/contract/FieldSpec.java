package dev.lakehouse.contract;

import java.util.Set;

/**
 * One field of a topic's contract. {@code min} and {@code max} bound INT, DOUBLE and MONEY values;
 * {@code values} lists an ENUM's allowed values.
 */
public record FieldSpec(
    String name, FieldType type, boolean required, Set<String> values, double min, double max) {

  static FieldSpec required(String name, FieldType type) {
    return new FieldSpec(
        name, type, true, Set.of(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  static FieldSpec optional(String name, FieldType type) {
    return new FieldSpec(
        name, type, false, Set.of(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  static FieldSpec requiredEnum(String name, Class<? extends Enum<?>> values) {
    return new FieldSpec(
        name,
        FieldType.ENUM,
        true,
        Vocabulary.names(values),
        Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY);
  }

  static FieldSpec requiredRange(String name, FieldType type, double min, double max) {
    return new FieldSpec(name, type, true, Set.of(), min, max);
  }

  static FieldSpec optionalRange(String name, FieldType type, double min, double max) {
    return new FieldSpec(name, type, false, Set.of(), min, max);
  }
}
