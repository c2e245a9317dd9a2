package dev.lakehouse.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned score on labelled decisions built here: a model that can separate fraud from the
 * features finds it, one trained on labels unrelated to the features does no better than chance,
 * and a saved model scores a micro-batch and adds its hit above the threshold.
 */
class FraudModelTest {
  @TempDir static Path dir;
  static SparkSession spark;

  static final StructType DECISIONS =
      new StructType()
          .add("transaction_id", DataTypes.StringType)
          .add("txn_type", DataTypes.StringType)
          .add("amount_inr", DataTypes.createDecimalType(18, 2))
          .add("history_count", DataTypes.LongType)
          .add("mean_inr", DataTypes.DoubleType)
          .add("z_score", DataTypes.DoubleType)
          .add("velocity_count", DataTypes.IntegerType)
          .add("km_from_last", DataTypes.DoubleType)
          .add("kmh_from_last", DataTypes.DoubleType)
          .add("new_device", DataTypes.BooleanType)
          .add("hour_of_day", DataTypes.IntegerType)
          .add("is_fraud", DataTypes.BooleanType);

  @BeforeAll
  static void start() {
    LakehouseConfig config = TestLake.config(dir.resolve("lake"));
    spark = TestLake.spark(config);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * {@code n} decisions, a tenth of them fraud. With {@code separable}, fraud has high z-scores,
   * bursts and new devices and the rest does not; otherwise the label is a coin unrelated to the
   * features.
   */
  static Dataset<Row> decisions(int n, boolean separable, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean fraud = random.nextDouble() < 0.1;
      boolean looksFraud = separable ? fraud : random.nextDouble() < 0.1;
      double z = looksFraud ? 6 + 1.5 * random.nextGaussian() : random.nextGaussian();
      int velocity = looksFraud ? 4 + random.nextInt(5) : 1 + random.nextInt(3);
      boolean newDevice = random.nextDouble() < (looksFraud ? 0.7 : 0.05);
      double mean = 2_000 + 500 * random.nextDouble();
      rows.add(
          RowFactory.create(
              "T" + i,
              random.nextBoolean() ? "CARD_PAYMENT" : "UPI_PAYMENT",
              BigDecimal.valueOf(Math.max(1, mean * (1 + 0.3 * z)))
                  .setScale(2, java.math.RoundingMode.HALF_UP),
              20L + random.nextInt(50),
              mean,
              z,
              velocity,
              random.nextDouble() * 20,
              random.nextDouble() * 40,
              newDevice,
              random.nextInt(24),
              fraud));
    }
    return spark.createDataFrame(rows, DECISIONS);
  }

  @Test
  void separableFraudIsFoundOnTheHeldOutShareAndTheModelIsSavedWithItsFigures() throws Exception {
    String path = dir.resolve("models/separable").toString();
    FraudModel.Figures f = FraudModel.train(decisions(3_000, true, 1), 0.2, 42, 0.9, path);

    assertThat(f.testRows() + f.trainRows()).isEqualTo(3_000);
    assertThat((double) f.testRows() / 3_000).isBetween(0.17, 0.23);
    assertThat(f.baseRate()).isEqualTo((double) f.testFraud() / f.testRows());
    assertThat(f.aucPr()).isGreaterThan(0.9);
    assertThat(f.recallAtThreshold()).isGreaterThan(0.5);
    // The features fraud was built from carry positive weights.
    assertThat(f.coefficients().get("f_z")).isPositive();
    assertThat(f.coefficients().get("f_new_device")).isPositive();
    assertThat(Path.of(path, FraudModel.TRAINING_FILE)).exists();
    assertThat(Files.readString(Path.of(path, FraudModel.TRAINING_FILE))).contains("test_auc_pr");

    // The same seed holds out the same transactions; a new model replaces the old one whole.
    FraudModel.Figures again = FraudModel.train(decisions(3_000, true, 1), 0.2, 42, 0.9, path);
    assertThat(again.testRows()).isEqualTo(f.testRows());
    assertThat(again.testFraud()).isEqualTo(f.testFraud());
    try (Stream<Path> left = Files.list(dir.resolve("models"))) {
      assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("separable")))
          .containsExactly("separable");
    }
  }

  @Test
  void labelsUnrelatedToTheFeaturesScoreNoBetterThanChance() {
    FraudModel.Figures f =
        FraudModel.train(
            decisions(4_000, false, 2), 0.25, 7, 0.9, dir.resolve("models/random").toString());
    // No skill: the area under the precision-recall curve is about the share of fraud (0.1).
    assertThat(f.baseRate()).isBetween(0.07, 0.13);
    assertThat(f.aucPr()).isLessThan(f.baseRate() + 0.08);
  }

  @Test
  void tooFewFraudLabelsIsAClearError() {
    Dataset<Row> few =
        decisions(3_000, true, 3)
            .filter("NOT is_fraud OR CAST(substring(transaction_id, 2) AS INT) < 100");
    assertThatThrownBy(
            () -> FraudModel.train(few, 0.2, 42, 0.9, dir.resolve("models/few").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Not enough labelled fraud to train a model")
        .hasMessageContaining("generate.fraud-rate");
    assertThatThrownBy(
            () -> FraudModel.train(few, 1.0, 42, 0.9, dir.resolve("models/few").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test fraction");
  }

  @Test
  void aSavedModelScoresAMicroBatchAndAlertsAtTheThreshold() {
    String path = dir.resolve("models/scoring").toString();
    assertThat(FraudModel.load(spark, path)).isEmpty();
    FraudModel.train(decisions(3_000, true, 4), 0.2, 42, 0.9, path);
    FraudModel.Scorer scorer = FraudModel.load(spark, path).orElseThrow();

    Decision burst = decision("B1", 7.0, 6, true);
    burst.setHits(new ArrayList<>(List.of(hit("velocity"))));
    Decision usual = decision("U1", 0.1, 1, false);
    Dataset<Row> batch =
        spark.createDataset(List.of(burst, usual), Encoders.bean(Decision.class)).toDF();

    Dataset<Row> scored = FraudModel.withModelHits(scorer.score(batch), 0.9);
    Map<String, Row> byId = new java.util.TreeMap<>();
    for (Row r :
        scored
            .selectExpr(
                "transactionId", FraudModel.BATCH_SCORE, "transform(hits, h -> h.rule) AS rules")
            .collectAsList()) {
      byId.put(r.getString(0), r);
    }
    assertThat(byId.get("B1").getDouble(1)).isGreaterThanOrEqualTo(0.9);
    assertThat(byId.get("B1").getList(2)).containsExactly("velocity", "model");
    assertThat(byId.get("U1").getDouble(1)).isLessThan(0.5);
    assertThat(byId.get("U1").getList(2)).isEmpty();
    // The decision rows carry the score into fraud.decisions.
    assertThat(
            FraudStream.decisionRows(scored)
                .filter("transaction_id = 'B1'")
                .first()
                .getAs("model_score")
                .toString())
        .isEqualTo(String.valueOf(byId.get("B1").getDouble(1)));
  }

  @Test
  void camelNamesOfDecisionColumns() {
    assertThat(FraudModel.camel("amount_inr")).isEqualTo("amountInr");
    assertThat(FraudModel.camel("kmh_from_last")).isEqualTo("kmhFromLast");
    assertThat(FraudModel.camel("z_score")).isEqualTo("zScore");
  }

  private static Decision decision(String id, double z, int velocity, boolean newDevice) {
    Decision d = new Decision();
    d.setTransactionId(id);
    d.setCustomerId("C-" + id);
    d.setAccountId("A-" + id);
    d.setTxnType("CARD_PAYMENT");
    d.setAmount(BigDecimal.valueOf(2_000 * (1 + 0.3 * z)).setScale(2, java.math.RoundingMode.UP));
    d.setCurrency("INR");
    d.setAmountInr(d.getAmount());
    d.setEventTs(Timestamp.valueOf("2026-11-01 10:00:00"));
    d.setDetectedTs(Timestamp.valueOf("2026-11-01 10:00:01"));
    d.setHistoryCount(40);
    d.setMeanInr(2_000);
    d.setZScore(z);
    d.setVelocityCount(velocity);
    d.setKmFromLast(5.0);
    d.setKmhFromLast(10.0);
    d.setNewDevice(newDevice);
    d.setHourOfDay(14);
    d.setKafkaTopic("transactions");
    d.setKafkaTs(Timestamp.valueOf("2026-11-01 10:00:00"));
    return d;
  }

  private static RuleHit hit(String rule) {
    RuleHit h = new RuleHit();
    h.setRule(rule);
    h.setScore(1.5);
    h.setReason("by hand");
    return h;
  }
}
