package dev.lakehouse.silver;

/** What happens to rows that fail a rule. */
public enum Severity {
  /** Record the failure in ops.dq_results and keep the row. */
  WARN,
  /** Record it and move the row to silver.quarantine. */
  QUARANTINE,
  /** Record it and fail the run (exit code 3) before anything is committed to silver. */
  FAIL;

  static Severity parse(String value) {
    return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
