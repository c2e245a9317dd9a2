package dev.lakehouse.bronze;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one bronze run committed: counts per topic and per dead-letter reason. */
public record BronzeResult(
    String queryId,
    long batches,
    long replayedBatches,
    long consumed,
    Map<String, Long> bronzeRows,
    Map<String, Long> deadLettersByReason,
    long lostOffsets) {

  public long deadLetters() {
    return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long bronzeTotal() {
    return bronzeRows.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("query_id", queryId);
    m.put("batches", batches);
    m.put("replayed_batches", replayedBatches);
    m.put("consumed", consumed);
    m.put("bronze_rows", bronzeRows);
    m.put("dead_letters", deadLetters());
    m.put("dead_letters_by_reason", deadLettersByReason);
    m.put("lost_offsets", lostOffsets);
    return m;
  }
}
