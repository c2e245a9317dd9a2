package dev.lakehouse.bronze;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.contract.FieldSpec;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.Faults;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.ops.anomaly.Anomalies;
import dev.lakehouse.ops.anomaly.Detector;
import dev.lakehouse.ops.anomaly.Observer;
import dev.lakehouse.ops.anomaly.TableMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anomaly detection on a generated 60-day history of transactions in bronze: once with three faults
 * injected (a volume drop, a null spike in device_id, a channel-mix shift, each on a day of its
 * own), once clean. The generator's messages are parsed with the contract's schema and written to
 * bronze.transactions directly (no broker: the subject is the metrics and the detection).
 */
class AnomalyDetectionTest {
  static final LocalDate END = LocalDate.of(2026, 10, 31);
  static final int DAYS = 60;

  /**
   * The first day observed: the generator pays the first month's salaries on the first day of its
   * window, a month start in all but name, so the window's first day is left out.
   */
  static final LocalDate START = END.minusDays(DAYS - 2);

  static final Faults FAULTS =
      new Faults(
          LocalDate.of(2026, 10, 13), LocalDate.of(2026, 10, 17), LocalDate.of(2026, 10, 22));

  @TempDir static Path dataDir;
  static LakehouseConfig config;
  static SparkSession spark;
  static List<Detector.Finding> faulty;
  static List<Detector.Finding> clean;
  static long judgedDays;
  static double faultyMidpoint;
  static List<String> dropExplained;
  static List<String> nullsExplained;
  static double cleanMidpoint;

  @BeforeAll
  static void observeBothHistories() throws Exception {
    config = TestLake.config(dataDir);
    spark = TestLake.spark(config);
    load(FAULTS);
    faulty = Observer.observe(spark, config, "faulty", bronze(), START, END).findings();
    faultyMidpoint = midpoint(FAULTS.volumeDrop().plusDays(7));
    dropExplained = explain(FAULTS.volumeDrop(), "row_count", "zscore");
    nullsExplained = explain(FAULTS.nullSpike(), "null_rate", "zscore");
    spark.sql("DROP TABLE " + Tables.BRONZE_TRANSACTIONS + " PURGE");
    spark.sql("DELETE FROM " + Tables.OPS_TABLE_METRICS);
    spark.sql("DELETE FROM " + Tables.OPS_ANOMALIES);
    load(Faults.NONE);
    clean = Observer.observe(spark, config, "clean", bronze(), START, END).findings();
    cleanMidpoint = midpoint(FAULTS.volumeDrop().plusDays(7));
    judgedDays =
        spark
            .sql(
                "SELECT count(DISTINCT partition_date) FROM "
                    + Tables.OPS_TABLE_METRICS
                    + " WHERE metric = 'row_count' AND expected_low IS NOT NULL")
            .first()
            .getLong(0);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** The explanation of the anomaly of a metric on a date. */
  static List<String> explain(LocalDate date, String metric, String strategy) {
    Anomalies.Anomaly a =
        Anomalies.between(spark, date, date).stream()
            .filter(x -> x.metric().equals(metric) && x.strategy().equals(strategy))
            .findFirst()
            .orElseThrow();
    return Anomalies.explain(spark, a);
  }

  /** The centre of the row count's band on a date. */
  static double midpoint(LocalDate date) {
    Row band =
        spark
            .sql(
                "SELECT CAST(expected_low AS DOUBLE), CAST(expected_high AS DOUBLE) FROM "
                    + Tables.OPS_TABLE_METRICS
                    + " WHERE metric = 'row_count' AND partition_date = DATE '"
                    + date
                    + "'")
            .first();
    return (band.getDouble(0) + band.getDouble(1)) / 2;
  }

  static List<TableMetrics.Target> bronze() {
    return List.of(new TableMetrics.Target("bronze", Tables.BRONZE_TRANSACTIONS));
  }

  /** The generator's transaction messages, parsed by the contract's schema, into bronze. */
  static void load(Faults faults) throws Exception {
    GeneratorOptions options =
        new GeneratorOptions(24_000, DAYS, 11, END, 0.05, 0, 0.02, 0.01, 0, 0.05, 0.01, 0, 0, 65536)
            .withFaults(faults);
    EventGenerator generator = new EventGenerator(options);
    generator.plan();
    List<String> values = new ArrayList<>();
    for (var m : generator.messages()) {
      if (m.topic().equals(Topic.TRANSACTIONS.topicName())) {
        values.add(new String(m.value(), StandardCharsets.UTF_8));
      }
    }
    StructType schema = new StructType();
    for (FieldSpec f : Topic.TRANSACTIONS.fields()) {
      schema = schema.add(f.name(), BronzeSchemas.sparkType(f));
    }
    Dataset<Row> parsed =
        spark
            .read()
            .schema(schema.add("schema_version", DataTypes.IntegerType))
            .json(spark.createDataset(values, Encoders.STRING()))
            .withColumn("extra_fields", lit(null).cast("string"))
            .withColumn("kafka_topic", lit(Topic.TRANSACTIONS.topicName()))
            .withColumn("kafka_partition", lit(0))
            .withColumn("kafka_offset", lit(0L))
            .withColumn("kafka_ts", current_timestamp())
            .withColumn("kafka_key", lit(null).cast("string"))
            .withColumn("ingested_at", current_timestamp());
    BronzeTables.createIfMissing(spark);
    parsed.writeTo(Tables.qualified(Tables.BRONZE_TRANSACTIONS)).append();
  }

  @Test
  void eachInjectedFaultIsAnErrorOnItsOwnDay() {
    for (Faults.Truth truth : FAULTS.truth()) {
      assertThat(faulty)
          .as("%s on %s", truth.fault(), truth.date())
          .anyMatch(
              f ->
                  f.value().date().equals(truth.date())
                      && f.value().metric().equals(truth.metric())
                      && f.value().dimension().equals(truth.dimension())
                      && f.severity().equals("error"));
    }
    System.out.printf(
        "Faulty history: %d findings: %s%n",
        faulty.size(),
        faulty.stream()
            .map(f -> f.value().date() + " " + f.value().series() + " " + f.severity())
            .toList());
  }

  @Test
  void anAnomalyIsExplainedInSentences() {
    System.out.println(String.join("\n", dropExplained));
    System.out.println(String.join("\n", nullsExplained));
    assertThat(dropExplained.get(0))
        .startsWith("Anomaly ")
        .contains("(error): on 2026-10-13 (Tuesday) row_count of bronze.transactions was")
        .contains("below the mean");
    assertThat(dropExplained.get(1)).contains("first day outside its range");
    // The null spike names the column that moved, against its usual rate.
    assertThat(nullsExplained.get(0)).contains("null_rate(device_id) of bronze.transactions");
    assertThat(nullsExplained.get(2)).contains("nulls in device_id").contains("(usually 0.0%)");
  }

  @Test
  void aCleanHistoryHasNoErrorAndFewWarnings() {
    long warnedDays = clean.stream().map(f -> f.value().date()).distinct().count();
    System.out.printf(
        "Clean history: %d warnings on %d of %d judged days (%s)%n",
        clean.size(),
        warnedDays,
        judgedDays,
        clean.stream().map(f -> f.value().date() + " " + f.severity() + " " + f.detail()).toList());
    assertThat(clean).noneMatch(f -> f.severity().equals("error"));
    assertThat(judgedDays).isGreaterThan(40);
    // A warning on at most one judged day in ten.
    assertThat(warnedDays * 10).isLessThanOrEqualTo(judgedDays);
  }

  @Test
  void theVolumeDropDoesNotShiftTheBaselineOfTheDaysAfterIt() {
    // The same weekday a week after the drop: its baseline leaves the drop out, so it is what the
    // clean history's is (within the few per cent the generator spreads the dropped volume over
    // the other days), not 10 % lower as it would be with a 70 % drop among its 7 weeks.
    LocalDate nextWeek = FAULTS.volumeDrop().plusDays(7);
    assertThat(faulty)
        .noneMatch(
            f -> f.value().date().equals(nextWeek) && f.value().metric().equals("row_count"));
    assertThat(faultyMidpoint / cleanMidpoint).isBetween(0.97, 1.06);
  }
}
