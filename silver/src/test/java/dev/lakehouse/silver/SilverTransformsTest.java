package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure transforms on inline rows. */
class SilverTransformsTest {
  @TempDir static Path dataDir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    LakehouseConfig config = TestLake.config(dataDir);
    spark = TestLake.spark(config);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void eachRowGetsTheRateOfItsCurrencyOnItsEventDate() {
    StructType schema =
        new StructType()
            .add("currency", DataTypes.StringType)
            .add("event_ts", DataTypes.TimestampType);
    Dataset<Row> rows =
        spark.createDataFrame(
            List.of(
                RowFactory.create("USD", Timestamp.valueOf("2026-11-09 23:59:59")),
                RowFactory.create("USD", Timestamp.valueOf("2026-11-10 00:00:00")),
                RowFactory.create("USD", Timestamp.valueOf("2026-11-20 08:00:00")),
                RowFactory.create("USD", null),
                RowFactory.create("JPY", Timestamp.valueOf("2026-11-01 08:00:00")),
                RowFactory.create("JPY", Timestamp.valueOf("2026-11-15 08:00:00")),
                RowFactory.create("CHF", Timestamp.valueOf("2026-11-15 08:00:00"))),
            schema);
    FxRates rates =
        FxRates.of(
            Map.of("USD", new BigDecimal("83.25"), "INR", BigDecimal.ONE),
            List.of(
                new FxRates.Rate("USD", LocalDate.parse("2026-11-10"), new BigDecimal("84.00")),
                new FxRates.Rate("USD", LocalDate.parse("2026-11-20"), new BigDecimal("84.50")),
                new FxRates.Rate("JPY", LocalDate.parse("2026-11-10"), new BigDecimal("0.55"))));
    List<Row> out = rates.withRate(rows, "event_ts", "rate").collectAsList();
    Map<String, BigDecimal> byRow = new HashMap<>();
    for (Row r : out) {
      byRow.put(r.getString(0) + " " + r.get(1), r.isNullAt(2) ? null : r.getDecimal(2));
    }
    assertThat(out).hasSize(7);
    assertThat(byRow.get("USD 2026-11-09 23:59:59.0")).isEqualByComparingTo("83.25");
    assertThat(byRow.get("USD 2026-11-10 00:00:00.0")).isEqualByComparingTo("84.00");
    assertThat(byRow.get("USD 2026-11-20 08:00:00.0")).isEqualByComparingTo("84.50");
    assertThat(byRow.get("USD null")).isEqualByComparingTo("84.50"); // no date: the latest rate
    assertThat(byRow.get("JPY 2026-11-01 08:00:00.0")).isNull(); // before its first rate
    assertThat(byRow.get("JPY 2026-11-15 08:00:00.0")).isEqualByComparingTo("0.55");
    assertThat(byRow.get("CHF 2026-11-15 08:00:00.0")).isNull();
  }

  @Test
  void resolvingStatesGivesEveryEventOnceWithItsOutcome() {
    StructType schema =
        new StructType()
            .add("transaction_id", DataTypes.StringType)
            .add("sequence", DataTypes.IntegerType)
            .add("status", DataTypes.StringType)
            .add("kafka_ts", DataTypes.TimestampType)
            .add("kafka_partition", DataTypes.IntegerType)
            .add("kafka_offset", DataTypes.LongType);
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                RowFactory.create(
                    "T1", 1, "PENDING", BronzeFixture.ts("2026-11-09T10:00:00Z"), 0, 1L),
                // overtakes the PENDING, then is overtaken by the REVERSED
                RowFactory.create(
                    "T1", 2, "SUCCESS", BronzeFixture.ts("2026-11-09T10:01:00Z"), 0, 2L),
                RowFactory.create(
                    "T1", 3, "REVERSED", BronzeFixture.ts("2026-11-09T11:00:00Z"), 0, 3L),
                // regressive: never wins
                RowFactory.create(
                    "T1", 4, "PENDING", BronzeFixture.ts("2026-11-09T12:00:00Z"), 0, 4L),
                // a lone PENDING
                RowFactory.create(
                    "T2", 1, "PENDING", BronzeFixture.ts("2026-11-09T10:00:00Z"), 0, 5L)),
            schema);

    Map<Long, String> kinds = new HashMap<>();
    for (Row r :
        SilverTransforms.resolveStates(events).select("kafka_offset", "kind").collectAsList()) {
      kinds.put(r.getLong(0), r.getString(1));
    }

    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                1L,
                SilverTransforms.KIND_SUPERSEDED,
                2L,
                SilverTransforms.KIND_SUPERSEDED,
                3L,
                SilverTransforms.KIND_STATE,
                4L,
                SilverTransforms.KIND_REJECTED,
                5L,
                SilverTransforms.KIND_STATE));
  }
}
