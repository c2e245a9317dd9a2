package dev.lakehouse.ops;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of ops.runs: what a run of a job did. Built with {@link #builder}; counts default to 0,
 * maps to empty and the end time to the moment {@link Builder#build} is called.
 */
public record RunRecord(
    String runId,
    String job,
    String mode,
    LocalDate businessDate,
    LocalDate windowStart,
    LocalDate windowEnd,
    String parameters,
    String status,
    Timestamp startedAt,
    Timestamp endedAt,
    Counts counts,
    Map<String, Long> inputSnapshots,
    Map<String, Timestamp> inputWatermarks,
    Map<String, Long> outputSnapshots,
    boolean rerun,
    boolean suspicious,
    String message,
    String error,
    String auditBranch,
    String auditVerdict) {

  /** The row counts of a run. */
  public record Counts(long read, long inserted, long updated, long quarantined, long late) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);
  }

  /**
   * A record for run {@code runId} of {@code job} in {@code mode} (daily, backfill, publish ...).
   */
  public static Builder builder(String runId, String job, String mode) {
    return new Builder(runId, job, mode);
  }

  /** Now, at the microsecond precision Spark stores. */
  public static Timestamp now() {
    return Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
  }

  /** Collects the fields of a run record. */
  public static final class Builder {
    private final String runId;
    private final String job;
    private final String mode;
    private LocalDate businessDate;
    private LocalDate windowStart;
    private LocalDate windowEnd;
    private String parameters = "{}";
    private String status;
    private Timestamp startedAt;
    private Counts counts = Counts.NONE;
    private Map<String, Long> inputSnapshots = Map.of();
    private Map<String, Timestamp> inputWatermarks = Map.of();
    private Map<String, Long> outputSnapshots = Map.of();
    private boolean rerun;
    private boolean suspicious;
    private String message;
    private String error;
    private String auditBranch;
    private String auditVerdict;

    private Builder(String runId, String job, String mode) {
      this.runId = runId;
      this.job = job;
      this.mode = mode;
    }

    /** The business date; the window defaults to that one day. */
    public Builder businessDate(LocalDate date) {
      this.businessDate = date;
      if (windowStart == null) {
        windowStart = date;
        windowEnd = date;
      }
      return this;
    }

    public Builder window(LocalDate start, LocalDate end) {
      this.windowStart = start;
      this.windowEnd = end;
      return this;
    }

    public Builder parameters(String json) {
      this.parameters = json;
      return this;
    }

    public Builder status(String status) {
      this.status = status;
      return this;
    }

    public Builder startedAt(Timestamp startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder counts(Counts counts) {
      this.counts = counts;
      return this;
    }

    public Builder inputSnapshots(Map<String, Long> snapshots) {
      this.inputSnapshots = new TreeMap<>(snapshots);
      return this;
    }

    public Builder inputWatermarks(Map<String, Timestamp> watermarks) {
      this.inputWatermarks = new TreeMap<>(watermarks);
      return this;
    }

    public Builder outputSnapshots(Map<String, Long> snapshots) {
      this.outputSnapshots = new TreeMap<>(snapshots);
      return this;
    }

    public Builder rerun(boolean rerun) {
      this.rerun = rerun;
      return this;
    }

    public Builder suspicious(boolean suspicious) {
      this.suspicious = suspicious;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder error(String error) {
      this.error = error;
      return this;
    }

    /**
     * The Iceberg branch the run wrote to before publishing, and the audit's verdict on it: {@code
     * published}, or {@code rejected: <why>} with the branch kept for inspection.
     */
    public Builder audit(String branch, String verdict) {
      this.auditBranch = branch;
      this.auditVerdict = verdict;
      return this;
    }

    public RunRecord build() {
      if (status == null || businessDate == null || startedAt == null) {
        throw new IllegalStateException(
            "A run record needs a status, a business date and a start time (run " + runId + ").");
      }
      return new RunRecord(
          runId,
          job,
          mode,
          businessDate,
          windowStart,
          windowEnd,
          parameters,
          status,
          startedAt,
          now(),
          counts,
          inputSnapshots,
          inputWatermarks,
          outputSnapshots,
          rerun,
          suspicious,
          message,
          error,
          auditBranch,
          auditVerdict);
    }
  }
}
