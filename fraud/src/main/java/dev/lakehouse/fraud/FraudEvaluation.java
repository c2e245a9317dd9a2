package dev.lakehouse.fraud;

import dev.lakehouse.common.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The rules against the labels: per rule and for all rules together, precision (alerted
 * transactions that are fraud), recall (fraud transactions alerted) and alert rate (transactions
 * alerted). The scope is the labelled transactions the stream scored; labelled transactions it did
 * not score (not yet read, or not a scored kind such as a deposit) are counted apart.
 */
public final class FraudEvaluation {
  /** Every rule together: a transaction any rule alerted on. */
  public static final String ANY_RULE = "any";

  private FraudEvaluation() {}

  /**
   * One rule's figures; precision is null when the rule alerted on nothing, recall when the scope
   * holds no fraud.
   */
  public record RuleFigures(
      String rule,
      long alerted,
      long truePositives,
      Double precision,
      Double recall,
      double alertRate) {
    public long falsePositives() {
      return alerted - truePositives;
    }
  }

  /**
   * The evaluation.
   *
   * @param labelled labelled transactions (of the source, when one was named)
   * @param scored of those, the ones the stream scored: the scope
   * @param fraud fraud transactions in the scope
   * @param fraudNotScored fraud transactions labelled but not scored
   * @param rules per rule, then {@link #ANY_RULE}
   * @param recallByPattern per fraud pattern, per rule (and any), the share of that pattern's fraud
   *     alerted
   * @param modelScored transactions of the scope the model scored (after fraud-train saved one)
   * @param modelAucPr the area under the precision-recall curve of the model's score over those;
   *     null when they hold no fraud or nothing but fraud
   * @param modelBaseRate the share of fraud among those: what a score without skill would reach
   */
  public record Report(
      String source,
      long labelled,
      long scored,
      long fraud,
      long fraudNotScored,
      List<RuleFigures> rules,
      Map<String, Map<String, Double>> recallByPattern,
      long modelScored,
      Double modelAucPr,
      Double modelBaseRate) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", source == null ? "all" : source);
      m.put("labelled", labelled);
      m.put("scored", scored);
      m.put("fraud", fraud);
      m.put("fraud_not_scored", fraudNotScored);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (RuleFigures r : rules) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rule", r.rule());
        row.put("alerted", r.alerted());
        row.put("true_positives", r.truePositives());
        row.put("false_positives", r.falsePositives());
        row.put("precision", r.precision());
        row.put("recall", r.recall());
        row.put("alert_rate", r.alertRate());
        rows.add(row);
      }
      m.put("rules", rows);
      m.put("recall_by_pattern", recallByPattern);
      m.put("model_scored", modelScored);
      m.put("model_auc_pr", modelAucPr);
      m.put("model_base_rate", modelBaseRate);
      return m;
    }
  }

  /** Evaluates the alerts against the labels of {@code source} (every source when null). */
  public static Report evaluate(SparkSession spark, String source) {
    FraudTables.createIfMissing(spark);
    String where = source == null ? "" : " WHERE l.source = '" + source.replace("'", "''") + "'";
    spark
        .sql(
            "SELECT l.transaction_id, l.is_fraud, coalesce(l.pattern, 'unnamed') AS pattern,"
                + " d.transaction_id IS NOT NULL AS scored FROM "
                + Tables.qualified(Tables.FRAUD_LABELS)
                + " l LEFT JOIN (SELECT DISTINCT transaction_id FROM "
                + Tables.qualified(Tables.FRAUD_DECISIONS)
                + ") d ON l.transaction_id = d.transaction_id"
                + where)
        .createOrReplaceTempView("fraud_eval_labels");
    spark
        .sql(
            "SELECT DISTINCT rule, transaction_id FROM "
                + Tables.qualified(Tables.FRAUD_ALERTS)
                + " UNION ALL SELECT DISTINCT '"
                + ANY_RULE
                + "', transaction_id FROM "
                + Tables.qualified(Tables.FRAUD_ALERTS))
        .createOrReplaceTempView("fraud_eval_hits");
    Row totals =
        spark
            .sql(
                "SELECT count(*), count_if(scored), count_if(scored AND is_fraud),"
                    + " count_if(NOT scored AND is_fraud) FROM fraud_eval_labels")
            .first();
    long labelled = totals.getLong(0);
    long scored = totals.getLong(1);
    long fraud = totals.getLong(2);
    Map<String, long[]> byRule = new TreeMap<>();
    Map<String, Map<String, Long>> caught = new TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT h.rule, l.is_fraud, l.pattern, count(*) FROM fraud_eval_labels l JOIN"
                    + " fraud_eval_hits h ON l.transaction_id = h.transaction_id WHERE l.scored"
                    + " GROUP BY 1, 2, 3")
            .collectAsList()) {
      long[] counts = byRule.computeIfAbsent(r.getString(0), k -> new long[2]);
      counts[0] += r.getLong(3);
      if (r.getBoolean(1)) {
        counts[1] += r.getLong(3);
        caught
            .computeIfAbsent(r.getString(2), k -> new TreeMap<>())
            .put(r.getString(0), r.getLong(3));
      }
    }
    Map<String, Long> fraudByPattern = new TreeMap<>();
    for (Row r :
        spark
            .sql(
                "SELECT pattern, count(*) FROM fraud_eval_labels WHERE scored AND is_fraud GROUP"
                    + " BY 1")
            .collectAsList()) {
      fraudByPattern.put(r.getString(0), r.getLong(1));
    }
    List<String> order = new ArrayList<>();
    for (FraudRule rule : FraudRule.values()) {
      order.add(rule.id());
    }
    order.add(ANY_RULE);
    List<RuleFigures> rules = new ArrayList<>();
    for (String rule : order) {
      long[] c = byRule.getOrDefault(rule, new long[2]);
      rules.add(
          new RuleFigures(
              rule,
              c[0],
              c[1],
              c[0] == 0 ? null : (double) c[1] / c[0],
              fraud == 0 ? null : (double) c[1] / fraud,
              scored == 0 ? 0 : (double) c[0] / scored));
    }
    Map<String, Map<String, Double>> recallByPattern = new TreeMap<>();
    fraudByPattern.forEach(
        (pattern, n) -> {
          Map<String, Double> perRule = new LinkedHashMap<>();
          for (String rule : order) {
            perRule.put(
                rule, (double) caught.getOrDefault(pattern, Map.of()).getOrDefault(rule, 0L) / n);
          }
          recallByPattern.put(pattern, perRule);
        });
    Dataset<Row> modelScores =
        spark
            .sql(
                "SELECT d.model_score, l.is_fraud FROM fraud_eval_labels l JOIN (SELECT"
                    + " transaction_id, max(model_score) AS model_score FROM "
                    + Tables.qualified(Tables.FRAUD_DECISIONS)
                    + " GROUP BY transaction_id) d ON l.transaction_id = d.transaction_id"
                    + " WHERE d.model_score IS NOT NULL")
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row m = modelScores.selectExpr("count(*)", "count_if(is_fraud)").first();
      long modelScored = m.getLong(0);
      long modelFraud = m.getLong(1);
      Double aucPr =
          modelFraud == 0 || modelFraud == modelScored
              ? null
              : FraudModel.aucPr(modelScores, "model_score");
      return new Report(
          source,
          labelled,
          scored,
          fraud,
          totals.getLong(3),
          rules,
          recallByPattern,
          modelScored,
          aucPr,
          modelScored == 0 ? null : (double) modelFraud / modelScored);
    } finally {
      modelScores.unpersist();
    }
  }
}
