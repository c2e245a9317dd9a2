package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The INR value of one unit of each currency, by date: the fixed rates of {@code fx.inr-rates} for
 * every date, replaced from each effective date on by the rows of silver.fx_rates. A transaction is
 * valued at the rate of its event date.
 */
public final class FxRates {
  /** A dated rate: {@code inrPerUnit} from {@code effectiveDate} until the currency's next one. */
  public record Rate(String currency, LocalDate effectiveDate, BigDecimal inrPerUnit) {}

  /**
   * Dates [{@code from}, {@code until}) of one currency whose rate differs between two timelines;
   * {@code from} null means since the beginning, {@code until} null means from then on.
   */
  public record Change(String currency, LocalDate from, LocalDate until) {
    /** True when the date falls in the range. */
    public boolean covers(LocalDate date) {
      return (from == null || !date.isBefore(from)) && (until == null || date.isBefore(until));
    }

    @Override
    public String toString() {
      String start = from == null ? "the beginning" : from.toString();
      String end = until == null ? "on" : "to " + until.minusDays(1);
      return currency + " from " + start + " " + end;
    }
  }

  /**
   * Rates are below this: with amounts within contract.max-amount (at most 10^11), every INR amount
   * then fits DECIMAL(18,2).
   */
  public static final BigDecimal MAX_RATE = dev.lakehouse.common.FixedInrRates.MAX_RATE;

  private static final StructType INTERVALS =
      new StructType()
          .add("_fx_currency", DataTypes.StringType)
          .add("_fx_from", DataTypes.DateType)
          .add("_fx_until", DataTypes.DateType)
          .add("_fx_rate", DataTypes.createDecimalType(18, 6));

  private final Map<String, BigDecimal> defaults;
  private final Map<String, TreeMap<LocalDate, BigDecimal>> dated;

  private FxRates(Map<String, BigDecimal> defaults, List<Rate> rates) {
    this.defaults = new TreeMap<>();
    defaults.forEach((c, r) -> this.defaults.put(c, r.setScale(6, RoundingMode.UNNECESSARY)));
    this.dated = new TreeMap<>();
    for (Rate r : rates) {
      dated.computeIfAbsent(r.currency(), c -> new TreeMap<>()).put(r.effectiveDate(), rate(r));
    }
  }

  private static BigDecimal rate(Rate r) {
    return r.inrPerUnit().setScale(6, RoundingMode.UNNECESSARY);
  }

  /** The fixed rates alone, with the dated rates given on top. */
  public static FxRates of(Map<String, BigDecimal> defaults, List<Rate> rates) {
    return new FxRates(defaults, rates);
  }

  /**
   * Parses {@code fx.inr-rates} ({@code INR=1,USD=83.25,...}); a ConfigException naming the entry
   * that is not CODE=positive number.
   */
  public static Map<String, BigDecimal> parseDefaults(String setting) {
    return dev.lakehouse.common.FixedInrRates.parse(setting);
  }

  /** The rates of the lake now: the fixed rates and silver.fx_rates as it is. */
  public static FxRates current(SparkSession spark, Map<String, BigDecimal> defaults) {
    return asOf(spark, defaults, LakehouseSpark.currentSnapshotId(spark, Tables.SILVER_FX_RATES))
        .orElseThrow();
  }

  /**
   * The rates as they were at a snapshot of silver.fx_rates (negative: the table was empty); empty
   * when that snapshot is gone.
   */
  public static Optional<FxRates> asOf(
      SparkSession spark, Map<String, BigDecimal> defaults, long snapshot) {
    if (snapshot < 0) {
      return Optional.of(of(defaults, List.of()));
    }
    Table table = LakehouseSpark.icebergTable(spark, Tables.SILVER_FX_RATES);
    if (table.snapshot(snapshot) == null) {
      return Optional.empty();
    }
    List<Rate> rates = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .option("snapshot-id", snapshot)
            .table(Tables.qualified(Tables.SILVER_FX_RATES))
            .select("currency", "effective_date", "inr_per_unit")
            .collectAsList()) {
      rates.add(new Rate(r.getString(0), r.getDate(1).toLocalDate(), r.getDecimal(2)));
    }
    return Optional.of(of(defaults, rates));
  }

  /** The rate of a currency on a date, empty when it has none (not configured, or not yet). */
  public Optional<BigDecimal> on(String currency, LocalDate date) {
    TreeMap<LocalDate, BigDecimal> byDate = dated.get(currency);
    Map.Entry<LocalDate, BigDecimal> e = byDate == null ? null : byDate.floorEntry(date);
    return Optional.ofNullable(e != null ? e.getValue() : defaults.get(currency));
  }

  /** The currencies that have a rate on some date. */
  public SortedSet<String> currencies() {
    SortedSet<String> all = new TreeSet<>(defaults.keySet());
    all.addAll(dated.keySet());
    return all;
  }

  /**
   * Where this timeline values a date differently from {@code before}: per currency, maximal ranges
   * of dates, oldest first.
   */
  public List<Change> changesSince(FxRates before) {
    SortedSet<String> currencies = currencies();
    currencies.addAll(before.currencies());
    List<Change> changes = new ArrayList<>();
    for (String c : currencies) {
      // The rate is constant between consecutive breakpoints of either timeline.
      SortedSet<LocalDate> points = new TreeSet<>();
      points.addAll(dated.getOrDefault(c, new TreeMap<>()).keySet());
      points.addAll(before.dated.getOrDefault(c, new TreeMap<>()).keySet());
      List<LocalDate> starts = new ArrayList<>();
      starts.add(null);
      starts.addAll(points);
      LocalDate open = null;
      boolean inChange = false;
      for (int i = 0; i < starts.size(); i++) {
        LocalDate from = starts.get(i);
        boolean differs = !Objects.equals(rateFrom(c, from), before.rateFrom(c, from));
        if (differs && !inChange) {
          open = from;
          inChange = true;
        } else if (!differs && inChange) {
          changes.add(new Change(c, open, from));
          inChange = false;
        }
      }
      if (inChange) {
        changes.add(new Change(c, open, null));
      }
    }
    return changes;
  }

  /** The rate in force from {@code from} (null: before every dated rate). */
  private BigDecimal rateFrom(String currency, LocalDate from) {
    return from == null ? defaults.get(currency) : on(currency, from).orElse(null);
  }

  /**
   * A short stable digest of the timeline: equal timelines value every transaction alike, so a run
   * whose inputs and digest match a past run's has nothing to do.
   */
  public long digest() {
    StringBuilder text = new StringBuilder(defaults.toString());
    dated.forEach((c, byDate) -> text.append(';').append(c).append(byDate));
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      long d = 0;
      for (int i = 0; i < 8; i++) {
        d = (d << 8) | (sha[i] & 0xff);
      }
      return d & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Adds {@code rateColumn}: the rate of the row's currency on the date of {@code timeColumn} (for
   * a row without a time, the latest rate), null when the currency has none then.
   */
  public Dataset<Row> withRate(Dataset<Row> rows, String timeColumn, String rateColumn) {
    SparkSession spark = rows.sparkSession();
    Dataset<Row> intervals = broadcast(spark.createDataFrame(intervals(), INTERVALS));
    Column date = coalesce(to_date(col(timeColumn)), lit(Date.valueOf("9999-12-31")));
    Column matches =
        col("currency")
            .equalTo(col("_fx_currency"))
            .and(col("_fx_from").isNull().or(date.geq(col("_fx_from"))))
            .and(col("_fx_until").isNull().or(date.lt(col("_fx_until"))));
    List<Column> columns = new ArrayList<>();
    for (String c : rows.columns()) {
      columns.add(col(c));
    }
    columns.add(col("_fx_rate").as(rateColumn));
    return rows.join(intervals, matches, "left").select(columns.toArray(Column[]::new));
  }

  /** One row per currency and range of dates with one rate, the ranges not overlapping. */
  private List<Row> intervals() {
    List<Row> rows = new ArrayList<>();
    for (String c : currencies()) {
      TreeMap<LocalDate, BigDecimal> byDate = dated.getOrDefault(c, new TreeMap<>());
      LocalDate first = byDate.isEmpty() ? null : byDate.firstKey();
      if (defaults.containsKey(c)) {
        rows.add(
            RowFactory.create(
                c, null, first == null ? null : Date.valueOf(first), defaults.get(c)));
      }
      for (Map.Entry<LocalDate, BigDecimal> e : byDate.entrySet()) {
        LocalDate next = byDate.higherKey(e.getKey());
        rows.add(
            RowFactory.create(
                c,
                Date.valueOf(e.getKey()),
                next == null ? null : Date.valueOf(next),
                e.getValue()));
      }
    }
    return rows;
  }

  @Override
  public String toString() {
    return "FxRates[defaults=" + defaults + ", dated=" + dated + "]";
  }
}
