package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.to_date;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.Tables;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Loads dated FX rates from a CSV file ({@code currency,effective_date,inr_per_unit}) into
 * silver.fx_rates, all or nothing, and names the transactions and dates the change revalues: the
 * next silver run rewrites exactly those (see {@link FxRevaluation}).
 */
public final class FxRatesLoader {
  static final List<String> HEADER = List.of("currency", "effective_date", "inr_per_unit");
  private static final int MAX_ERRORS_SHOWN = 20;

  /** What a load did (or, with a dry run, would do). */
  public record Result(
      int rows,
      int added,
      int replaced,
      int unchanged,
      List<FxRates.Change> changes,
      Map<FxRates.Change, DatesAffected> affected) {}

  /** The silver transactions in a changed range: how many, and on which dates. */
  public record DatesAffected(long transactions, SortedSet<LocalDate> dates) {}

  private FxRatesLoader() {}

  /** Reads and checks the file; a ConfigException listing every bad line (up to 20). */
  static List<FxRates.Rate> read(Path file) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(true);
    settings.setSkipEmptyLines(true);
    settings.getFormat().setComment('#');
    // On this thread: a read-ahead thread still reading when the file is closed after a bad header
    // failed with "Stream closed" instead of naming the header (seen under load).
    settings.setReadInputOnSeparateThread(false);
    CsvParser parser = new CsvParser(settings);
    List<String> errors = new ArrayList<>();
    Map<String, FxRates.Rate> byKey = new LinkedHashMap<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      parser.beginParsing(in);
      String[] header = parser.getContext().headers();
      if (header == null
          || !List.of(header).stream()
              .map(h -> h == null ? "" : h.trim())
              .toList()
              .equals(HEADER)) {
        throw new ConfigException(
            file
                + ": the first line must be the header "
                + String.join(",", HEADER)
                + (header == null
                    ? " (the file is empty)."
                    : ", not " + String.join(",", header) + "."));
      }
      String[] cells;
      while ((cells = parser.parseNext()) != null) {
        long line = parser.getContext().currentLine();
        String problem = check(cells, byKey);
        if (problem != null) {
          errors.add("line " + line + ": " + problem);
        }
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
    } finally {
      parser.stopParsing();
    }
    if (!errors.isEmpty()) {
      List<String> shown = errors.subList(0, Math.min(errors.size(), MAX_ERRORS_SHOWN));
      throw new ConfigException(
          file
              + " has "
              + errors.size()
              + " bad line(s); nothing was loaded:\n  "
              + String.join("\n  ", shown)
              + (errors.size() > shown.size() ? "\n  ..." : ""));
    }
    if (byKey.isEmpty()) {
      throw new ConfigException(file + " holds no rates; nothing was loaded.");
    }
    return List.copyOf(byKey.values());
  }

  /** Why a line is not a rate, or null (and the rate is added). */
  private static String check(String[] cells, Map<String, FxRates.Rate> byKey) {
    if (cells.length != HEADER.size()) {
      return "expected 3 fields (currency,effective_date,inr_per_unit), found " + cells.length;
    }
    String currency = cells[0] == null ? "" : cells[0].trim();
    if (!currency.matches("[A-Z]{3}")) {
      return "currency '" + currency + "' is not a three-letter upper-case ISO code";
    }
    LocalDate date;
    try {
      date = LocalDate.parse(cells[1] == null ? "" : cells[1].trim());
    } catch (DateTimeParseException e) {
      return "effective_date '" + cells[1] + "' is not a date like 2026-11-30";
    }
    BigDecimal rate;
    try {
      rate = new BigDecimal(cells[2] == null ? "" : cells[2].trim());
    } catch (NumberFormatException e) {
      return "inr_per_unit '" + cells[2] + "' is not a number";
    }
    if (rate.signum() <= 0 || rate.scale() > 6 || rate.compareTo(FxRates.MAX_RATE) >= 0) {
      return "inr_per_unit "
          + rate.toPlainString()
          + " must be above 0 and below 10000, with at most 6 decimals";
    }
    if (currency.equals("INR") && rate.compareTo(BigDecimal.ONE) != 0) {
      return "INR is worth 1 INR, not " + rate.toPlainString();
    }
    FxRates.Rate r = new FxRates.Rate(currency, date, rate.setScale(6));
    FxRates.Rate earlier = byKey.putIfAbsent(currency + " " + date, r);
    if (earlier != null && earlier.inrPerUnit().compareTo(r.inrPerUnit()) != 0) {
      return currency
          + " on "
          + date
          + " appears twice with different rates ("
          + earlier.inrPerUnit().toPlainString()
          + " and "
          + r.inrPerUnit().toPlainString()
          + ")";
    }
    return null;
  }

  /**
   * Loads the file: new (currency, date) pairs are added, existing ones with another rate are
   * replaced, in one commit. With {@code dryRun}, only reports.
   */
  public static Result load(
      SparkSession spark, Map<String, BigDecimal> fixedRates, Path file, boolean dryRun) {
    SilverTables.createIfMissing(spark);
    List<FxRates.Rate> incoming = read(file);
    Map<String, BigDecimal> stored = new TreeMap<>();
    List<FxRates.Rate> storedRates = new ArrayList<>();
    for (Row r :
        spark
            .table(Tables.qualified(Tables.SILVER_FX_RATES))
            .select("currency", "effective_date", "inr_per_unit")
            .collectAsList()) {
      LocalDate date = r.getDate(1).toLocalDate();
      stored.put(r.getString(0) + " " + date, r.getDecimal(2));
      storedRates.add(new FxRates.Rate(r.getString(0), date, r.getDecimal(2)));
    }
    int added = 0;
    int replaced = 0;
    List<Row> changedRows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
    Map<String, FxRates.Rate> merged = new LinkedHashMap<>();
    storedRates.forEach(r -> merged.put(r.currency() + " " + r.effectiveDate(), r));
    for (FxRates.Rate r : incoming) {
      String key = r.currency() + " " + r.effectiveDate();
      BigDecimal was = stored.get(key);
      if (was != null && was.compareTo(r.inrPerUnit()) == 0) {
        continue;
      }
      if (was == null) {
        added++;
      } else {
        replaced++;
      }
      merged.put(key, r);
      changedRows.add(
          RowFactory.create(
              r.currency(),
              Date.valueOf(r.effectiveDate()),
              r.inrPerUnit(),
              file.getFileName().toString(),
              now));
    }
    FxRates before = FxRates.of(fixedRates, storedRates);
    FxRates after = FxRates.of(fixedRates, List.copyOf(merged.values()));
    List<FxRates.Change> changes = after.changesSince(before);
    if (!dryRun && !changedRows.isEmpty()) {
      spark
          .createDataFrame(
              changedRows, spark.table(Tables.qualified(Tables.SILVER_FX_RATES)).schema())
          .createOrReplaceTempView("silver_source_fx_rates");
      spark.sql(
          "MERGE INTO lakehouse."
              + Tables.SILVER_FX_RATES
              + " t USING silver_source_fx_rates s ON t.currency = s.currency AND"
              + " t.effective_date = s.effective_date WHEN MATCHED THEN UPDATE SET * WHEN NOT"
              + " MATCHED THEN INSERT *");
    }
    return new Result(
        incoming.size(),
        added,
        replaced,
        incoming.size() - added - replaced,
        changes,
        affected(spark, changes));
  }

  /** The silver transactions each changed range holds, by date. */
  private static Map<FxRates.Change, DatesAffected> affected(
      SparkSession spark, List<FxRates.Change> changes) {
    Map<FxRates.Change, DatesAffected> affected = new LinkedHashMap<>();
    for (FxRates.Change c : changes) {
      long count = 0;
      SortedSet<LocalDate> dates = new TreeSet<>();
      for (Row r :
          spark
              .table(Tables.qualified(Tables.SILVER_TRANSACTIONS))
              .filter(expr(FxRevaluation.predicate(List.of(c))))
              .groupBy(to_date(col("event_ts")))
              .count()
              .collectAsList()) {
        if (!r.isNullAt(0)) {
          dates.add(r.getDate(0).toLocalDate());
        }
        count += r.getLong(1);
      }
      affected.put(c, new DatesAffected(count, dates));
    }
    return affected;
  }

  /** Every dated rate, oldest first per currency (optionally one currency). */
  public static List<FxRates.Rate> list(SparkSession spark, String currency) {
    SilverTables.createIfMissing(spark);
    List<FxRates.Rate> rates = new ArrayList<>();
    var table = spark.table(Tables.qualified(Tables.SILVER_FX_RATES));
    if (currency != null) {
      table = table.filter(col("currency").equalTo(currency));
    }
    for (Row r :
        table
            .orderBy("currency", "effective_date")
            .select("currency", "effective_date", "inr_per_unit")
            .collectAsList()) {
      rates.add(new FxRates.Rate(r.getString(0), r.getDate(1).toLocalDate(), r.getDecimal(2)));
    }
    return rates;
  }
}
