package dev.lakehouse.app;

import dev.lakehouse.silver.SilverResult;
import java.io.PrintWriter;

/** One readable line (and notes) per silver run. */
final class SilverReport {
  private SilverReport() {}

  static void print(PrintWriter out, SilverResult r, double seconds) {
    out.printf(
        "silver %s (window %s..%s): %s in %.1f s: %,d bronze rows read, %,d inserted, %,d updated,"
            + " %,d quarantined, %,d late arrivals (%,d outstanding)%s.%n",
        r.businessDate(),
        r.windowStart(),
        r.windowEnd(),
        r.status(),
        seconds,
        r.rowsRead(),
        r.rowsInserted(),
        r.rowsUpdated(),
        r.rowsQuarantined(),
        r.lateDetected(),
        r.lateOutstanding(),
        r.rerun() ? ", a rerun" : "");
    if (r.message() != null) {
      out.println("  " + r.message());
    }
    r.dqFailures()
        .forEach(
            (rule, n) -> {
              if (n > 0) {
                out.printf("  rule %-30s %,d rows failed%n", rule, n);
              }
            });
    out.flush();
  }
}
