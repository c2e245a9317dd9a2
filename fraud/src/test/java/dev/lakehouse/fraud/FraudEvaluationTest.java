package dev.lakehouse.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fraud-eval on a labelled set small enough to work out by hand. */
class FraudEvaluationTest {
  @TempDir static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    LakehouseConfig config = TestLake.config(dir);
    spark = TestLake.spark(config);
    FraudTables.createIfMissing(spark);
    // Ten scored transactions T1-T10: T1, T2 card testing, T3 a spike, T4 travel; the rest
    // genuine. T11 (fraud) and T12 are labelled but were never scored. T13 is another source's.
    List<String> labels = new ArrayList<>();
    String[] patterns = {"card-testing", "card-testing", "spike", "travel"};
    for (int i = 1; i <= 12; i++) {
      boolean fraud = i <= 4 || i == 11;
      String pattern = i <= 4 ? patterns[i - 1] : i == 11 ? "new-device" : null;
      labels.add(label("T" + i, fraud, pattern, "test"));
    }
    labels.add(label("T13", true, "spike", "other"));
    spark.sql("INSERT INTO " + Tables.FRAUD_LABELS + " VALUES " + String.join(", ", labels));
    List<String> decisions = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      decisions.add(decision("T" + i));
    }
    decisions.add(decision("T13"));
    spark.sql("INSERT INTO " + Tables.FRAUD_DECISIONS + " VALUES " + String.join(", ", decisions));
    // velocity on T1 (twice: a redelivered alert), T2, T5; spike on T3, T6; amount on T6; travel
    // on T7 (T4 missed); spike on T13.
    spark.sql(
        "INSERT INTO "
            + Tables.FRAUD_ALERTS
            + " VALUES "
            + String.join(
                ", ",
                alert("velocity", "T1"),
                alert("velocity", "T1"),
                alert("velocity", "T2"),
                alert("velocity", "T5"),
                alert("spike", "T3"),
                alert("spike", "T6"),
                alert("amount", "T6"),
                alert("travel", "T7"),
                alert("spike", "T13")));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String label(String txn, boolean fraud, String pattern, String source) {
    return String.format(
        "('%s', 'C1', %s, %s, '%s', TIMESTAMP '2026-11-01 00:00:00')",
        txn, fraud, pattern == null ? "NULL" : "'" + pattern + "'", source);
  }

  static String decision(String txn) {
    return "('"
        + txn
        + "', 'C1', 'A1', 'CARD_PAYMENT', 100.00, TIMESTAMP '2026-11-01 10:00:00', TIMESTAMP"
        + " '2026-11-01 10:00:01', 0, 0.0, NULL, 1, NULL, NULL, false, 10, NULL, CAST(array() AS"
        + " ARRAY<STRING>), 'transactions', 0, 1, TIMESTAMP '2026-11-01 10:00:00')";
  }

  static String alert(String rule, String txn) {
    return "('"
        + rule
        + ":"
        + txn
        + "', '"
        + rule
        + "', 1.0, '"
        + txn
        + "', 'C1', 'A1', 'CARD_PAYMENT', 100.00, 'INR', 100.00, TIMESTAMP '2026-11-01"
        + " 10:00:00', TIMESTAMP '2026-11-01 10:00:01', 'test', 'transactions', 0, 1, TIMESTAMP"
        + " '2026-11-01 10:00:00')";
  }

  @Test
  void precisionRecallAndAlertRatePerRuleAndOverall() {
    FraudEvaluation.Report r = FraudEvaluation.evaluate(spark, "test");
    assertThat(r.labelled()).isEqualTo(12);
    assertThat(r.scored()).isEqualTo(10);
    assertThat(r.fraud()).isEqualTo(4);
    assertThat(r.fraudNotScored()).isEqualTo(1);
    Map<String, FraudEvaluation.RuleFigures> byRule = new TreeMap<>();
    r.rules().forEach(f -> byRule.put(f.rule(), f));
    // velocity: T1, T2, T5 alerted; T1, T2 fraud. Precision 2/3, recall 2/4, rate 3/10.
    check(byRule.get("velocity"), 3, 2, 2.0 / 3, 0.5, 0.3);
    // spike: T3, T6; T3 fraud (T13 is another source's).
    check(byRule.get("spike"), 2, 1, 0.5, 0.25, 0.2);
    check(byRule.get("amount"), 1, 0, 0.0, 0.0, 0.1);
    check(byRule.get("travel"), 1, 0, 0.0, 0.0, 0.1);
    assertThat(byRule.get("new-device").alerted()).isZero();
    assertThat(byRule.get("new-device").precision()).isNull();
    // Any rule: T1, T2, T3, T5, T6, T7 alerted; T1, T2, T3 fraud of T1-T4.
    check(byRule.get("any"), 6, 3, 0.5, 0.75, 0.6);
    assertThat(r.recallByPattern().get("card-testing"))
        .containsEntry("velocity", 1.0)
        .containsEntry("spike", 0.0)
        .containsEntry("any", 1.0);
    assertThat(r.recallByPattern().get("travel")).containsEntry("any", 0.0);
    assertThat(r.recallByPattern()).doesNotContainKey("new-device"); // never scored
  }

  @Test
  void everySourceWhenNoneIsNamed() {
    FraudEvaluation.Report r = FraudEvaluation.evaluate(spark, null);
    assertThat(r.labelled()).isEqualTo(13);
    assertThat(r.fraud()).isEqualTo(5);
    FraudEvaluation.RuleFigures spike =
        r.rules().stream().filter(f -> f.rule().equals("spike")).findFirst().orElseThrow();
    check(spike, 3, 2, 2.0 / 3, 0.4, 3.0 / 11);
  }

  static void check(
      FraudEvaluation.RuleFigures f,
      long alerted,
      long truePositives,
      double precision,
      double recall,
      double rate) {
    assertThat(f.alerted()).as(f.rule()).isEqualTo(alerted);
    assertThat(f.truePositives()).as(f.rule()).isEqualTo(truePositives);
    assertThat(f.precision()).as(f.rule()).isCloseTo(precision, within(1e-9));
    assertThat(f.recall()).as(f.rule()).isCloseTo(recall, within(1e-9));
    assertThat(f.alertRate()).as(f.rule()).isCloseTo(rate, within(1e-9));
  }
}
