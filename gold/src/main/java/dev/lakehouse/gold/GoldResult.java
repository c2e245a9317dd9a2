package dev.lakehouse.gold;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one gold run rebuilt. */
public record GoldResult(String runId, LocalDate windowStart, LocalDate windowEnd, LocalDate rangeEnd,
    Map<String, Long> rowsWritten) {
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("window_start", windowStart.toString());
    m.put("window_end", windowEnd.toString());
    m.put("recomputed_to", rangeEnd.toString());
    m.put("rows_written", rowsWritten);
    return m;
  }
}
