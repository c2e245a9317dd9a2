package dev.lakehouse.silver;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one silver run did, as recorded in ops.runs. */
public record SilverResult(
    String runId,
    String status,
    LocalDate businessDate,
    LocalDate windowStart,
    LocalDate windowEnd,
    long rowsRead,
    long rowsInserted,
    long rowsUpdated,
    long rowsQuarantined,
    long lateDetected,
    long lateOutstanding,
    boolean rerun,
    boolean suspicious,
    String message,
    Map<String, Long> dqFailures) {

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("status", status);
    m.put("business_date", businessDate.toString());
    m.put("window_start", windowStart.toString());
    m.put("window_end", windowEnd.toString());
    m.put("rows_read", rowsRead);
    m.put("rows_inserted", rowsInserted);
    m.put("rows_updated", rowsUpdated);
    m.put("rows_quarantined", rowsQuarantined);
    m.put("late_detected", lateDetected);
    m.put("late_outstanding", lateOutstanding);
    m.put("rerun", rerun);
    m.put("suspicious", suspicious);
    m.put("message", message);
    m.put("dq_failures", dqFailures);
    return m;
  }
}
