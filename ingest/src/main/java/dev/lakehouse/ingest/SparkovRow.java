package dev.lakehouse.ingest;

import dev.lakehouse.common.ConfigException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;

/**
 * One row of Sparkov's fraudTrain.csv, checked and typed: the columns the replay maps, nothing
 * else. Columns it ignores (gender, street, zip, the cardholder's lat/long, job, unix_time, the row
 * index) are not checked either.
 */
record SparkovRow(
    long line,
    Instant time,
    String ccNum,
    String merchant,
    String category,
    BigDecimal amount,
    String first,
    String last,
    String city,
    String state,
    long cityPop,
    LocalDate dateOfBirth,
    String transNum,
    double merchantLatitude,
    double merchantLongitude,
    boolean fraud) {

  /** The header of fraudTrain.csv and fraudTest.csv, byte for byte; its first column is unnamed. */
  static final String HEADER =
      ",trans_date_trans_time,cc_num,merchant,category,amt,first,last,gender,street,city,state,zip,"
          + "lat,long,city_pop,job,dob,trans_num,unix_time,merch_lat,merch_long,is_fraud";

  static final List<String> COLUMNS = List.of(HEADER.split(",", -1));

  private static final int TIME = COLUMNS.indexOf("trans_date_trans_time");
  private static final int CC_NUM = COLUMNS.indexOf("cc_num");
  private static final int MERCHANT = COLUMNS.indexOf("merchant");
  private static final int CATEGORY = COLUMNS.indexOf("category");
  private static final int AMT = COLUMNS.indexOf("amt");
  private static final int FIRST = COLUMNS.indexOf("first");
  private static final int LAST = COLUMNS.indexOf("last");
  private static final int CITY = COLUMNS.indexOf("city");
  private static final int STATE = COLUMNS.indexOf("state");
  private static final int CITY_POP = COLUMNS.indexOf("city_pop");
  private static final int DOB = COLUMNS.indexOf("dob");
  private static final int TRANS_NUM = COLUMNS.indexOf("trans_num");
  private static final int MERCH_LAT = COLUMNS.indexOf("merch_lat");
  private static final int MERCH_LONG = COLUMNS.indexOf("merch_long");
  private static final int IS_FRAUD = COLUMNS.indexOf("is_fraud");

  private static final DateTimeFormatter TIME_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  /** Checks and types one record; a bad value stops the replay naming the line and the column. */
  static SparkovRow parse(String[] values, long line) {
    if (values.length != COLUMNS.size()) {
      throw bad(line, "expected " + COLUMNS.size() + " columns, found " + values.length);
    }
    return new SparkovRow(
        line,
        time(values, line),
        ccNum(values, line),
        text(values, MERCHANT, line),
        text(values, CATEGORY, line),
        amount(values, line),
        text(values, FIRST, line),
        text(values, LAST, line),
        text(values, CITY, line),
        text(values, STATE, line),
        cityPop(values, line),
        dateOfBirth(values, line),
        text(values, TRANS_NUM, line),
        coordinate(values, MERCH_LAT, 90, "a latitude", line),
        coordinate(values, MERCH_LONG, 180, "a longitude", line),
        fraud(values, line));
  }

  private static Instant time(String[] values, long line) {
    String v = value(values, TIME);
    try {
      return LocalDateTime.parse(v, TIME_FORMAT).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw bad(line, TIME, v, "is not a time like 2019-01-01 00:00:18");
    }
  }

  private static String ccNum(String[] values, long line) {
    String v = value(values, CC_NUM);
    if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(line, CC_NUM, v, "is not a card number (digits only)");
    }
    return v;
  }

  private static BigDecimal amount(String[] values, long line) {
    String v = value(values, AMT);
    BigDecimal amount;
    try {
      amount = new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw bad(line, AMT, v, "is not a number");
    }
    if (amount.signum() <= 0) {
      throw bad(line, AMT, v, "is not positive");
    }
    if (amount.stripTrailingZeros().scale() > 2) {
      throw bad(line, AMT, v, "has more than 2 decimals");
    }
    return amount.setScale(2);
  }

  private static long cityPop(String[] values, long line) {
    String v = value(values, CITY_POP);
    try {
      long pop = Long.parseLong(v);
      if (pop >= 0) {
        return pop;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(line, CITY_POP, v, "is not a whole number of 0 or more");
  }

  private static LocalDate dateOfBirth(String[] values, long line) {
    String v = value(values, DOB);
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw bad(line, DOB, v, "is not a date like 1988-03-09");
    }
  }

  private static double coordinate(
      String[] values, int column, double bound, String what, long line) {
    String v = value(values, column);
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(line, column, v, "is not a number");
    }
    if (!(d >= -bound && d <= bound)) {
      throw bad(
          line, column, v, "is not " + what + " between -" + (int) bound + " and " + (int) bound);
    }
    return d;
  }

  private static boolean fraud(String[] values, long line) {
    String v = value(values, IS_FRAUD);
    return switch (v) {
      case "0" -> false;
      case "1" -> true;
      default -> throw bad(line, IS_FRAUD, v, "is not 0 or 1");
    };
  }

  /** A text column: not empty, and no control characters (the contract rejects them). */
  private static String text(String[] values, int column, long line) {
    String v = value(values, column);
    if (v.isBlank()) {
      throw bad(line, COLUMNS.get(column) + " is empty");
    }
    if (v.chars().anyMatch(Character::isISOControl)) {
      throw bad(line, column, v, "contains a control character");
    }
    return v;
  }

  private static String value(String[] values, int column) {
    return values[column] == null ? "" : values[column];
  }

  private static ConfigException bad(long line, int column, String value, String problem) {
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return bad(line, COLUMNS.get(column) + " '" + shown + "' " + problem);
  }

  static ConfigException bad(long line, String problem) {
    return new ConfigException("line " + line + ": " + problem + ".");
  }
}
