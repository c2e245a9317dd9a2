package dev.lakehouse.contract;

/**
 * The ground truth of one transaction: whether it is fraud, and which pattern made it so. Labels
 * never travel on the transactions topic (a real gateway does not know them); the generator and the
 * labelled-data replay write them beside it, for fraud-eval and fraud-train.
 *
 * @param transactionId the labelled transaction
 * @param customerId its customer
 * @param fraud true when the transaction is fraud
 * @param pattern the fraud pattern (for example {@code card-testing}), null when not fraud
 * @param source where the label comes from, for example {@code generator} or {@code sparkov}
 */
public record FraudLabel(
    String transactionId, String customerId, boolean fraud, String pattern, String source) {

  /** Patterns the generator injects; a replayed data set may name others (or none). */
  public static final String CARD_TESTING = "card-testing";

  public static final String SPIKE = "spike";
  public static final String TRAVEL = "travel";
  public static final String NEW_DEVICE = "new-device";
}
