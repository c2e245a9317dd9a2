package dev.lakehouse.ingest;

import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's ground truth: how many messages of each kind it produced per topic (tests compare
 * bronze against it), and which transactions are fraud.
 */
public final class GenerationReport {
  /** Counts for one topic. */
  public static final class TopicCounts {
    long messages;
    long valid;
    long duplicates;
    long withExtraFields;
    final EnumMap<DeadLetterReason, Long> malformed = new EnumMap<>(DeadLetterReason.class);

    public long messages() {
      return messages;
    }

    /** Messages that satisfy the contract, redeliveries included. */
    public long valid() {
      return valid;
    }

    public long duplicates() {
      return duplicates;
    }

    public long withExtraFields() {
      return withExtraFields;
    }

    public Map<DeadLetterReason, Long> malformed() {
      return malformed;
    }

    public long malformedTotal() {
      return malformed.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("messages", messages);
      m.put("valid", valid);
      m.put("duplicates", duplicates);
      m.put("with_extra_fields", withExtraFields);
      Map<String, Object> bad = new LinkedHashMap<>();
      malformed.forEach((reason, count) -> bad.put(reason.name(), count));
      m.put("malformed", bad);
      return m;
    }
  }

  private final Map<String, TopicCounts> topics = new LinkedHashMap<>();
  long customers;
  long accounts;
  long merchants;
  long lifecycles;
  long lateSettlements;
  long veryLateSettlements;
  long outOfOrder;
  long reversals;
  long failures;
  long unsettledAtCutoff;
  long illegalUpdates;
  private final List<FraudLabel> fraudLabels = new ArrayList<>();
  private final Map<String, Long> fraudByPattern = new LinkedHashMap<>();

  GenerationReport() {
    for (String t : Topic.names()) {
      topics.put(t, new TopicCounts());
    }
    for (String pattern :
        List.of(
            FraudLabel.CARD_TESTING, FraudLabel.SPIKE, FraudLabel.TRAVEL, FraudLabel.NEW_DEVICE)) {
      fraudByPattern.put(pattern, 0L);
    }
  }

  public TopicCounts topic(String topic) {
    return topics.get(topic);
  }

  public long totalMessages() {
    return topics.values().stream().mapToLong(c -> c.messages).sum();
  }

  void countValid(String topic, boolean extraFields) {
    TopicCounts c = topics.get(topic);
    c.messages++;
    c.valid++;
    if (extraFields) {
      c.withExtraFields++;
    }
  }

  void countDuplicate(String topic, boolean extraFields) {
    TopicCounts c = topics.get(topic);
    c.messages++;
    c.valid++;
    c.duplicates++;
    if (extraFields) {
      c.withExtraFields++;
    }
  }

  void countMalformed(String topic, DeadLetterReason reason) {
    TopicCounts c = topics.get(topic);
    c.messages++;
    c.malformed.merge(reason, 1L, Long::sum);
  }

  /** Labels one generated transaction: fraud of {@code pattern}, or genuine when it is null. */
  void label(String transactionId, String customerId, String pattern) {
    fraudLabels.add(
        new FraudLabel(transactionId, customerId, pattern != null, pattern, "generator"));
    if (pattern != null) {
      fraudByPattern.merge(pattern, 1L, Long::sum);
    }
  }

  /** One label per generated transaction, in the order they were generated. */
  public List<FraudLabel> fraudLabels() {
    return Collections.unmodifiableList(fraudLabels);
  }

  /** Fraud transactions per pattern, every pattern the generator injects included. */
  public Map<String, Long> fraudByPattern() {
    return Collections.unmodifiableMap(fraudByPattern);
  }

  public long fraudTransactions() {
    return fraudByPattern.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A map ready to print as JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> perTopic = new LinkedHashMap<>();
    topics.forEach((t, c) -> perTopic.put(t, c.toMap()));
    m.put("topics", perTopic);
    m.put("messages", totalMessages());
    m.put("customers", customers);
    m.put("accounts", accounts);
    m.put("merchants", merchants);
    m.put("transactions", lifecycles);
    m.put("late_settlements", lateSettlements);
    m.put("settlements_beyond_3_days", veryLateSettlements);
    m.put("out_of_order_deliveries", outOfOrder);
    m.put("reversals", reversals);
    m.put("failures", failures);
    m.put("unsettled_at_cutoff", unsettledAtCutoff);
    m.put("illegal_updates", illegalUpdates);
    m.put("fraud_transactions", fraudTransactions());
    m.put("fraud_by_pattern", new LinkedHashMap<>(fraudByPattern));
    return m;
  }
}
