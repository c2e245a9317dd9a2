package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --date D, or --from D1 --to D2: the business dates of silver and gold. */
final class DateOptions {
  @Option(
      names = "--date",
      paramLabel = "YYYY-MM-DD",
      description = "Business date (default: today, UTC).")
  LocalDate date;

  @Option(
      names = "--from",
      paramLabel = "YYYY-MM-DD",
      description = "First business date of a range (with --to).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last business date of a range.")
  LocalDate to;

  /** Checks the combination; true when a range was given. */
  boolean isRange() {
    if (date != null && (from != null || to != null)) {
      throw new ConfigException("Give either --date or --from/--to, not both.");
    }
    if ((from == null) != (to == null)) {
      throw new ConfigException("--from and --to go together.");
    }
    if (from != null && to.isBefore(from)) {
      throw new ConfigException("--to " + to + " is before --from " + from + ".");
    }
    return from != null;
  }

  LocalDate date() {
    return date != null ? date : LocalDate.now(ZoneOffset.UTC);
  }

  /** Every business date to process, in order. */
  List<LocalDate> dates() {
    List<LocalDate> dates = new ArrayList<>();
    if (!isRange()) {
      dates.add(date());
      return dates;
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      dates.add(d);
    }
    return dates;
  }
}
