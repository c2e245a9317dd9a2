package dev.lakehouse.gold;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one gold run rebuilt; status SUCCESS, or NOOP when the last run had read the same silver
 * with the same settings. {@code catchUp} says why the window is wider than the one requested.
 */
public record GoldResult(
    String runId,
    String status,
    LocalDate windowStart,
    LocalDate windowEnd,
    LocalDate rangeEnd,
    Map<String, Long> rowsWritten,
    String catchUp) {
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("run_status", status);
    m.put("window_start", windowStart.toString());
    m.put("window_end", windowEnd.toString());
    m.put("recomputed_to", rangeEnd.toString());
    m.put("rows_written", rowsWritten);
    if (catchUp != null) {
      m.put("catch_up", catchUp);
    }
    return m;
  }
}
