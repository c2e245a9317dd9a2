package dev.lakehouse.fraud;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The fraud rules, by the name configuration, alerts and reports use. */
public enum FraudRule {
  /** The amount in INR is above a fixed threshold (the rule of the system this one replaces). */
  AMOUNT("amount"),
  /** At least N transactions of the customer within M minutes. */
  VELOCITY("velocity"),
  /** Far above the customer's own running mean. */
  SPIKE("spike"),
  /** Faster than a plane between consecutive transactions' coordinates. */
  TRAVEL("travel"),
  /** A device the customer has not used within the device TTL. */
  NEW_DEVICE("new-device"),
  /**
   * The learned model's fraud probability at or above fraud.model.threshold ({@link FraudModel}).
   */
  MODEL("model");

  private final String id;

  FraudRule(String id) {
    this.id = id;
  }

  /** The rule's name in configuration, alerts and reports. */
  public String id() {
    return id;
  }

  public static FraudRule of(String id) {
    for (FraudRule r : values()) {
      if (r.id.equals(id.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "Unknown fraud rule '"
            + id
            + "'; use one of "
            + Arrays.stream(values()).map(FraudRule::id).collect(Collectors.joining(", "))
            + ".");
  }
}
