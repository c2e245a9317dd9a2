package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Path;
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
  void duplicateKeysInAMergeSourceAreCountedWithSamples() {
    StructType schema = new StructType().add("transaction_id", DataTypes.StringType);
    Dataset<Row> rows = spark.createDataFrame(List.of(
        RowFactory.create("T1"), RowFactory.create("T2"), RowFactory.create("T2"), // T2 twice
        RowFactory.create("T3"), RowFactory.create("T3"), RowFactory.create("T3")), schema); // T3 three times
    SilverTransforms.KeyCheck check = SilverTransforms.duplicateKeys(rows, "transaction_id");
    assertThat(check.rows()).isEqualTo(6);
    assertThat(check.duplicates()).isEqualTo(3);
    assertThat(check.samples()).containsExactly("T2", "T3");
    assertThat(SilverTransforms.duplicateKeys(rows.distinct(), "transaction_id").duplicates()).isZero();
  }

  @Test
  void fxRateCoversOnlyConfiguredCurrencies() {
    StructType schema = new StructType().add("currency", DataTypes.StringType);
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("USD"), RowFactory.create("JPY")), schema);
    List<Row> rates = rows.select(SilverTransforms.fxRate(Map.of("USD", new BigDecimal("83.25"), "INR", BigDecimal.ONE)))
        .collectAsList();
    assertThat(rates.get(0).getDecimal(0)).isEqualByComparingTo("83.25");
    assertThat(rates.get(1).isNullAt(0)).isTrue();
  }
}
