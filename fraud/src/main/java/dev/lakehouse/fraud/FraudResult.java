package dev.lakehouse.fraud;

import java.util.Map;

/**
 * What a run of the fraud stream did.
 *
 * @param queryId the stream's query id (kept across restarts by its checkpoint)
 * @param batches micro-batches that scored at least one transaction
 * @param scored transactions scored
 * @param alertsByRule alerts raised, per rule id
 */
public record FraudResult(
    String queryId, long batches, long scored, Map<String, Long> alertsByRule) {
  public long alerts() {
    return alertsByRule.values().stream().mapToLong(Long::longValue).sum();
  }
}
