package dev.lakehouse.fraud;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned fraud score: a class-weighted logistic regression over the features the stream
 * already records for every decision (amount against the customer's history, z-score, velocity,
 * distance and speed from the last transaction, new device, night hour, kind of payment). Trained
 * by {@code fraud-train} on {@code fraud.decisions} joined with {@code fraud.labels}, so it learns
 * from exactly what the stream saw when it decided (no training/serving skew), and evaluated on a
 * held-out share of transactions chosen by a hash of their ids (the same split on every run). Saved
 * as a Spark ML pipeline at {@code fraud.model-path}; the stream loads it when it starts.
 */
public final class FraudModel {
  private static final Logger LOG = LoggerFactory.getLogger(FraudModel.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The file in the model's directory with the figures of its training. */
  public static final String TRAINING_FILE = "training.json";

  /** Fewer labelled fraud transactions than this cannot make a model worth scoring with. */
  public static final int MIN_FRAUD = 20;

  /** The score column a scored micro-batch gains. */
  static final String BATCH_SCORE = "modelScore";

  private static final String LABEL = "label";
  private static final String WEIGHT = "weight";
  private static final String SCORE = "score";

  /** The payment kinds the stream scores, one indicator feature each. */
  private static final List<TxnType> KINDS =
      List.of(
          TxnType.CARD_PAYMENT, TxnType.UPI_PAYMENT, TxnType.P2P_TRANSFER_OUT, TxnType.WITHDRAWAL);

  private FraudModel() {}

  /** The feature columns, in the order of the model's coefficients. */
  public static List<String> features() {
    List<String> names =
        new ArrayList<>(
            List.of(
                "f_log_amount",
                "f_log_amount_over_mean",
                "f_z",
                "f_log_history",
                "f_no_history",
                "f_velocity",
                "f_log_km",
                "f_log_kmh",
                "f_new_device",
                "f_night"));
    KINDS.forEach(k -> names.add("f_" + k.name().toLowerCase(java.util.Locale.ROOT)));
    return names;
  }

  /**
   * {@code d} with the feature columns added; {@code name} maps a column name of fraud.decisions
   * ({@code amount_inr}) to {@code d}'s ({@code amountInr} in a micro-batch). Missing values (no
   * history, no coordinates) become 0 with an indicator where it matters; heavy tails are logged or
   * capped, so one absurd amount does not dominate the scaling.
   */
  static Dataset<Row> withFeatures(Dataset<Row> d, UnaryOperator<String> name) {
    Column amount = coalesce(col(name.apply("amount_inr")).cast("double"), lit(0.0));
    Column mean = coalesce(col(name.apply("mean_inr")).cast("double"), lit(0.0));
    Column history = coalesce(col(name.apply("history_count")).cast("double"), lit(0.0));
    Column z = coalesce(col(name.apply("z_score")), lit(0.0));
    Column km = coalesce(col(name.apply("km_from_last")), lit(0.0));
    Column kmh = coalesce(col(name.apply("kmh_from_last")), lit(0.0));
    Column type = col(name.apply("txn_type"));
    Dataset<Row> out =
        d.withColumn("f_log_amount", log1p(amount))
            .withColumn(
                "f_log_amount_over_mean",
                when(history.gt(0), log1p(amount).minus(log1p(mean))).otherwise(0.0))
            .withColumn("f_z", least(greatest(z, lit(-10.0)), lit(50.0)))
            .withColumn("f_log_history", log1p(history))
            .withColumn("f_no_history", when(history.equalTo(0), 1.0).otherwise(0.0))
            .withColumn(
                "f_velocity",
                least(
                    coalesce(col(name.apply("velocity_count")), lit(0)).cast("double"), lit(50.0)))
            .withColumn("f_log_km", log1p(km))
            .withColumn("f_log_kmh", log1p(least(kmh, lit(1e6))))
            .withColumn(
                "f_new_device",
                when(coalesce(col(name.apply("new_device")), lit(false)), 1.0).otherwise(0.0))
            .withColumn(
                "f_night",
                when(coalesce(col(name.apply("hour_of_day")), lit(12)).lt(6), 1.0).otherwise(0.0));
    for (TxnType k : KINDS) {
      out =
          out.withColumn(
              "f_" + k.name().toLowerCase(java.util.Locale.ROOT),
              when(type.equalTo(k.name()), 1.0).otherwise(0.0));
    }
    return out;
  }

  /** {@code amount_inr} to {@code amountInr}: a decision column's name in a micro-batch. */
  static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  /** What training measured, on the held-out transactions. */
  public record Figures(
      String path,
      String trainedAt,
      long seed,
      double testFraction,
      long trainRows,
      long trainFraud,
      long testRows,
      long testFraud,
      double aucPr,
      double baseRate,
      double aucRoc,
      double threshold,
      long alertsAtThreshold,
      Double precisionAtThreshold,
      Double recallAtThreshold,
      Map<String, Double> coefficients) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", path);
      m.put("trained_at", trainedAt);
      m.put("seed", seed);
      m.put("test_fraction", testFraction);
      m.put("train_rows", trainRows);
      m.put("train_fraud", trainFraud);
      m.put("test_rows", testRows);
      m.put("test_fraud", testFraud);
      m.put("test_auc_pr", aucPr);
      m.put("test_base_rate", baseRate);
      m.put("test_auc_roc", aucRoc);
      m.put("threshold", threshold);
      m.put("test_alerts_at_threshold", alertsAtThreshold);
      m.put("test_precision_at_threshold", precisionAtThreshold);
      m.put("test_recall_at_threshold", recallAtThreshold);
      m.put("coefficients", coefficients);
      return m;
    }
  }

  /**
   * Trains on the scored, labelled transactions of the lake's tables and saves the model at {@code
   * fraud.model-path}.
   */
  public static Figures train(
      SparkSession spark, LakehouseConfig config, double testFraction, long seed) {
    FraudTables.createIfMissing(spark);
    Dataset<Row> labelled =
        spark.sql(
            "SELECT d.*, l.is_fraud FROM (SELECT * FROM "
                + Tables.qualified(Tables.FRAUD_DECISIONS)
                + ") d JOIN "
                + Tables.qualified(Tables.FRAUD_LABELS)
                + " l ON d.transaction_id = l.transaction_id");
    return train(
        labelled,
        testFraction,
        seed,
        config.doubleValue(Settings.FRAUD_MODEL_THRESHOLD),
        config.location(Settings.FRAUD_MODEL_PATH));
  }

  /**
   * Trains on {@code labelled} (fraud.decisions' columns plus {@code is_fraud}, one row per
   * transaction), measures on the held-out share and saves the model at {@code path}, replacing the
   * one there only once the new one is completely written.
   */
  public static Figures train(
      Dataset<Row> labelled, double testFraction, long seed, double threshold, String path) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new ConfigException(
          "The test fraction must be between 0 and 1 (exclusive), not " + testFraction + ".");
    }
    SparkSession spark = labelled.sparkSession();
    Dataset<Row> data =
        withFeatures(labelled.dropDuplicates("transaction_id"), UnaryOperator.identity())
            .withColumn(LABEL, when(col("is_fraud"), 1.0).otherwise(0.0))
            .withColumn(
                "is_test",
                pmod(xxhash64(col("transaction_id"), lit(seed)), lit(10_000L))
                    .lt(Math.round(testFraction * 10_000)))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row counts =
          data.selectExpr(
                  "count_if(NOT is_test)",
                  "count_if(NOT is_test AND label = 1)",
                  "count_if(is_test)",
                  "count_if(is_test AND label = 1)")
              .first();
      long trainRows = counts.getLong(0);
      long trainFraud = counts.getLong(1);
      long testRows = counts.getLong(2);
      long testFraud = counts.getLong(3);
      if (trainFraud + testFraud < MIN_FRAUD || trainFraud == 0 || testFraud == 0) {
        throw new ConfigException(
            String.format(
                "Not enough labelled fraud to train a model: %,d fraud among %,d scored, labelled"
                    + " transactions (%,d to train on, %,d to test on; at least %d in all and one"
                    + " in each are needed). Generate data with generate.fraud-rate above 0 or"
                    + " replay a labelled data set (ingest --format sparkov-csv), and run fraud"
                    + " first so the transactions are scored.",
                trainFraud + testFraud, trainRows + testRows, trainFraud, testFraud, MIN_FRAUD));
      }
      // Balanced class weights: each class weighs half of the training set.
      double positive = (double) trainRows / (2.0 * trainFraud);
      double negative = (double) trainRows / (2.0 * (trainRows - trainFraud));
      Dataset<Row> train =
          data.filter(col("is_test").equalTo(false))
              .withColumn(WEIGHT, when(col(LABEL).equalTo(1.0), positive).otherwise(negative));
      LogisticRegression lr =
          new LogisticRegression()
              .setFeaturesCol("scaled")
              .setLabelCol(LABEL)
              .setWeightCol(WEIGHT)
              .setRegParam(0.001)
              .setMaxIter(200);
      PipelineModel model =
          new Pipeline()
              .setStages(
                  new PipelineStage[] {
                    new VectorAssembler()
                        .setInputCols(features().toArray(String[]::new))
                        .setOutputCol("features"),
                    new StandardScaler()
                        .setInputCol("features")
                        .setOutputCol("scaled")
                        .setWithMean(true)
                        .setWithStd(true),
                    lr
                  })
              .fit(train);
      Dataset<Row> test =
          probability(model.transform(data.filter(col("is_test")))).select(SCORE, LABEL);
      double aucPr = auc(test, SCORE, "areaUnderPR");
      double aucRoc = auc(test, SCORE, "areaUnderROC");
      Row atThreshold =
          test.selectExpr(
                  "count_if(" + SCORE + " >= " + threshold + ")",
                  "count_if(" + SCORE + " >= " + threshold + " AND label = 1)")
              .first();
      long alerts = atThreshold.getLong(0);
      long caught = atThreshold.getLong(1);
      Map<String, Double> coefficients = new LinkedHashMap<>();
      double[] weights = ((LogisticRegressionModel) model.stages()[2]).coefficients().toArray();
      List<String> names = features();
      for (int i = 0; i < names.size(); i++) {
        coefficients.put(names.get(i), weights[i]);
      }
      Figures figures =
          new Figures(
              path,
              Instant.now().toString(),
              seed,
              testFraction,
              trainRows,
              trainFraud,
              testRows,
              testFraud,
              aucPr,
              (double) testFraud / testRows,
              aucRoc,
              threshold,
              alerts,
              alerts == 0 ? null : (double) caught / alerts,
              (double) caught / testFraud,
              coefficients);
      save(spark, model, figures, path);
      return figures;
    } finally {
      data.unpersist();
    }
  }

  /** The area under the precision-recall ({@code areaUnderPR}) or ROC curve of a score. */
  static double auc(Dataset<Row> scored, String scoreColumn, String metric) {
    return new BinaryClassificationEvaluator()
        .setRawPredictionCol(scoreColumn)
        .setLabelCol(LABEL)
        .setMetricName(metric)
        .evaluate(scored);
  }

  /**
   * The area under the precision-recall curve of {@code score} against {@code is_fraud} over the
   * rows of {@code scored} that have a score.
   */
  public static double aucPr(Dataset<Row> scored, String score) {
    return auc(
        scored
            .filter(col(score).isNotNull())
            .select(
                col(score).cast("double").as(SCORE),
                when(col("is_fraud"), 1.0).otherwise(0.0).as(LABEL)),
        SCORE,
        "areaUnderPR");
  }

  private static Dataset<Row> probability(Dataset<Row> transformed) {
    return transformed.withColumn(
        SCORE,
        org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1));
  }

  private static void save(SparkSession spark, PipelineModel model, Figures figures, String path) {
    try {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path staging =
          new Path(target.getParent(), target.getName() + ".staging-" + System.currentTimeMillis());
      Path previous = new Path(target.getParent(), target.getName() + ".previous");
      model.write().save(staging.toString());
      try (OutputStream out = fs.create(new Path(staging, TRAINING_FILE), true)) {
        JSON.writeValue(out, figures.toMap());
      }
      // The stream loads the model when it starts; it finds either the old one or the new one.
      if (fs.exists(previous)) {
        fs.delete(previous, true);
      }
      if (fs.exists(target) && !fs.rename(target, previous)) {
        throw new IOException("cannot move the current model " + target + " aside");
      }
      if (!fs.rename(staging, target)) {
        throw new IOException("cannot move the new model " + staging + " to " + target);
      }
      fs.delete(previous, true);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot save the fraud model at " + path + ": " + e, e);
    }
  }

  /** The model saved at {@code path}, ready to score micro-batches; empty when none is saved. */
  public static Optional<Scorer> load(SparkSession spark, String path) {
    try {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(new Path(target, "metadata"))) {
        return Optional.empty();
      }
      String trained = "unknown";
      Path training = new Path(target, TRAINING_FILE);
      if (fs.exists(training)) {
        try (var in = fs.open(training)) {
          var figures = JSON.readTree(in);
          trained =
              figures.path("trained_at").asText()
                  + ", held-out AUC-PR "
                  + String.format("%.3f", figures.path("test_auc_pr").asDouble())
                  + " (base rate "
                  + String.format("%.4f", figures.path("test_base_rate").asDouble())
                  + ")";
        }
      }
      return Optional.of(new Scorer(PipelineModel.load(path), path, trained));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the fraud model at " + path + ": " + e, e);
    }
  }

  /** A loaded model. */
  public static final class Scorer {
    private final PipelineModel model;
    private final String path;
    private final String trained;

    private Scorer(PipelineModel model, String path, String trained) {
      this.model = model;
      this.path = path;
      this.trained = trained;
    }

    /** Where it was loaded from and what its training measured, for the log. */
    public String describe() {
      return path + " (trained " + trained + ")";
    }

    /**
     * The micro-batch of decisions ({@link Decision}'s columns) with {@code modelScore}, the
     * probability of fraud, added.
     */
    Dataset<Row> score(Dataset<Row> batch) {
      List<Column> keep = new ArrayList<>();
      for (String c : batch.columns()) {
        keep.add(col(c));
      }
      keep.add(col(SCORE).as(BATCH_SCORE));
      return probability(model.transform(withFeatures(batch, FraudModel::camel)))
          .select(keep.toArray(Column[]::new));
    }
  }

  /**
   * The scored micro-batch with a {@code model} hit appended to the hits of every decision whose
   * score is at least {@code threshold}; the hit's score is the probability over the threshold.
   */
  static Dataset<Row> withModelHits(Dataset<Row> scored, double threshold) {
    ArrayType hitsType = (ArrayType) scored.schema().apply("hits").dataType();
    StructType hitType = (StructType) hitsType.elementType();
    Column probability = coalesce(col(BATCH_SCORE), lit(0.0));
    List<Column> fields = new ArrayList<>();
    for (StructField f : hitType.fields()) {
      Column value =
          switch (f.name()) {
            case "rule" -> lit(FraudRule.MODEL.id());
            case "score" -> probability.divide(threshold);
            case "reason" ->
                org.apache.spark.sql.functions.format_string(
                    "model fraud probability %.3f at or above %s", probability, lit(threshold));
            default ->
                throw new IllegalStateException("Unexpected field of a rule hit: " + f.name());
          };
      fields.add(value.cast(f.dataType()).as(f.name()));
    }
    Column hit = org.apache.spark.sql.functions.struct(fields.toArray(Column[]::new));
    return scored.withColumn(
        "hits",
        when(
                col(BATCH_SCORE).geq(threshold),
                org.apache.spark.sql.functions.concat(
                    col("hits"), org.apache.spark.sql.functions.array(hit)))
            .otherwise(col("hits")));
  }

  static void logLoaded(Optional<Scorer> scorer, String path, boolean alerting) {
    if (scorer.isEmpty()) {
      if (alerting) {
        LOG.info(
            "No fraud model at {}: the model rule stays off until fraud-train saves one.", path);
      }
      return;
    }
    LOG.info(
        "Fraud model {} loaded: {}.",
        scorer.get().describe(),
        alerting ? "scores and alerts" : "scores only (the model rule is not in fraud.rules)");
  }
}
