package dev.lakehouse.ingest;

import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.contract.Topic;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generator's ground truth: how many messages of each kind it produced per topic. Tests compare
 * bronze against it.
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

  GenerationReport() {
    for (String t : Topic.names()) {
      topics.put(t, new TopicCounts());
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
    return m;
  }
}
