package dev.lakehouse.contract;

import java.util.Set;

/**
 * One field of a topic's contract. {@code min} and {@code max} bound INT, DOUBLE and MONEY values;
 * {@code values} lists an ENUM's allowed values; {@code description} tells a producer what the
 * field means (the JSON Schemas in docs/contract carry it).
 */
public record FieldSpec(
    String name,
    FieldType type,
    boolean required,
    Set<String> values,
    double min,
    double max,
    String description) {

  static FieldSpec required(String name, FieldType type, String description) {
    return new FieldSpec(
        name,
        type,
        true,
        Set.of(),
        Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY,
        description);
  }

  static FieldSpec optional(String name, FieldType type, String description) {
    return new FieldSpec(
        name,
        type,
        false,
        Set.of(),
        Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY,
        description);
  }

  static FieldSpec requiredEnum(String name, Class<? extends Enum<?>> values, String description) {
    return new FieldSpec(
        name,
        FieldType.ENUM,
        true,
        Vocabulary.names(values),
        Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY,
        description);
  }

  static FieldSpec requiredRange(
      String name, FieldType type, double min, double max, String description) {
    return new FieldSpec(name, type, true, Set.of(), min, max, description);
  }

  static FieldSpec optionalRange(
      String name, FieldType type, double min, double max, String description) {
    return new FieldSpec(name, type, false, Set.of(), min, max, description);
  }
}
