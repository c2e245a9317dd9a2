package dev.lakehouse.common;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The exchange's trading days: every weekday that is not a holiday of {@code trading.holidays}. The
 * price feed, the fetcher's "missing dates" and silver's missing-day rule all ask it.
 */
public final class TradingCalendar {
  private final Set<LocalDate> holidays;

  public TradingCalendar(Set<LocalDate> holidays) {
    this.holidays = Set.copyOf(holidays);
  }

  /** The calendar of {@code trading.holidays} (comma-separated yyyy-MM-dd dates). */
  public static TradingCalendar of(LakehouseConfig config) {
    return parse(config.get(Settings.TRADING_HOLIDAYS));
  }

  /** A calendar from a comma-separated list of yyyy-MM-dd holidays ("" for none). */
  public static TradingCalendar parse(String holidays) {
    Set<LocalDate> days = new TreeSet<>();
    for (String d : holidays.split(",")) {
      if (!d.isBlank()) {
        try {
          days.add(LocalDate.parse(d.strip()));
        } catch (DateTimeParseException e) {
          throw new ConfigException(
              Settings.TRADING_HOLIDAYS
                  + " must list dates as yyyy-MM-dd; '"
                  + d.strip()
                  + "'"
                  + " is not one.");
        }
      }
    }
    return new TradingCalendar(days);
  }

  /** Whether the exchange trades on this day. */
  public boolean isTradingDay(LocalDate day) {
    DayOfWeek w = day.getDayOfWeek();
    return w != DayOfWeek.SATURDAY && w != DayOfWeek.SUNDAY && !holidays.contains(day);
  }

  /** The trading days from {@code from} to {@code to}, both included, in order. */
  public List<LocalDate> tradingDays(LocalDate from, LocalDate to) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (isTradingDay(d)) {
        days.add(d);
      }
    }
    return days;
  }

  /** The last trading day before {@code day}. */
  public LocalDate previousTradingDay(LocalDate day) {
    LocalDate d = day.minusDays(1);
    while (!isTradingDay(d)) {
      d = d.minusDays(1);
    }
    return d;
  }
}
