package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.TestLake;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
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

/** All rules of a table scored in one aggregation, on inline rule rows. */
class RuleEvaluatorTest {
  static final Rule POSITIVE = new Rule("positive", "silver.t", Severity.QUARANTINE, "amount > 0");
  static final Rule KNOWN = new Rule("known", "silver.t", Severity.WARN, "account is known");
  static final Rule UNIQUE = new Rule("unique", "silver.t", Severity.FAIL, "one row per key");
  static final StructType SCHEMA =
      new StructType()
          .add("key", DataTypes.StringType)
          .add(POSITIVE.name(), DataTypes.BooleanType)
          .add(KNOWN.name(), DataTypes.BooleanType)
          .add(UNIQUE.name(), DataTypes.BooleanType);

  @TempDir static Path dataDir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestLake.spark(TestLake.config(dataDir));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Dataset<Row> rows(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return spark.createDataFrame(list, SCHEMA);
  }

  /** How the job scored one rule before: its own aggregation over the rows the rule checks. */
  static RuleEvaluator.Result perRule(Dataset<Row> rows, Rule rule) {
    Column failed = col(rule.name());
    Row r =
        rows.filter(failed.isNotNull())
            .agg(
                count(lit(1)),
                sum(when(failed, 1).otherwise(0)),
                slice(collect_list(when(failed, col("key").cast("string"))), 1, 5))
            .first();
    return new RuleEvaluator.Result(
        rule, r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1), r.getList(2));
  }

  /**
   * How the job checked a MERGE source before: rows minus distinct keys, then the duplicated keys.
   */
  static RuleEvaluator.Result perRuleUnique(Dataset<Row> rows, Rule rule) {
    Dataset<Row> source = rows.filter(col(rule.name()));
    Row r =
        source.agg(count(lit(1)), org.apache.spark.sql.functions.countDistinct(col("key"))).first();
    long duplicates = r.getLong(0) - r.getLong(1);
    return new RuleEvaluator.Result(
        rule,
        r.getLong(0),
        duplicates,
        duplicates == 0 ? List.of() : RuleEvaluator.duplicatedKeys(source, "key"));
  }

  @Test
  void oneAggregationGivesTheCountsAndSamplesOfOneAggregationPerRule() {
    Dataset<Row> rows =
        rows(
            // bronze-like rows, checked by POSITIVE only
            new Object[] {"K1", false, null, null},
            new Object[] {"K2", true, null, null},
            new Object[] {"K3", true, null, null},
            new Object[] {null, true, null, null}, // a failing row without key: counted, no sample
            // MERGE-source rows, checked by KNOWN and UNIQUE; K4 twice
            new Object[] {"K4", null, false, true},
            new Object[] {"K5", null, true, true},
            new Object[] {"K4", null, false, true},
            // a row that KNOWN checks but the MERGE source dropped
            new Object[] {"K6", null, true, null});

    List<RuleEvaluator.Result> results =
        RuleEvaluator.evaluate(
            new RuleEvaluator.RuleRows(rows, "key", List.of(POSITIVE, KNOWN), UNIQUE));

    assertThat(results)
        .extracting(RuleEvaluator.Result::rule)
        .containsExactly(POSITIVE, KNOWN, UNIQUE);
    RuleEvaluator.Result positive = results.get(0);
    assertThat(positive.checked()).isEqualTo(4);
    assertThat(positive.failed()).isEqualTo(3);
    assertThat(positive.samples()).containsExactlyInAnyOrder("K2", "K3");
    RuleEvaluator.Result known = results.get(1);
    assertThat(known.checked()).isEqualTo(4);
    assertThat(known.failed()).isEqualTo(2);
    assertThat(known.samples()).containsExactlyInAnyOrder("K5", "K6");
    RuleEvaluator.Result unique = results.get(2);
    assertThat(unique.checked()).isEqualTo(3);
    assertThat(unique.failed()).isEqualTo(1);
    assertThat(unique.samples()).containsExactly("K4");

    for (int i = 0; i < 2; i++) {
      RuleEvaluator.Result old = perRule(rows, results.get(i).rule());
      assertThat(results.get(i).checked()).isEqualTo(old.checked());
      assertThat(results.get(i).failed()).isEqualTo(old.failed());
      assertThat(results.get(i).samples()).containsExactlyInAnyOrderElementsOf(old.samples());
    }
    assertThat(unique).isEqualTo(perRuleUnique(rows, UNIQUE));
  }

  @Test
  void samplesStopAtFiveFailingKeys() {
    List<Object[]> list = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      list.add(new Object[] {"F" + i, true, null, true});
    }
    list.add(new Object[] {"P1", false, null, true});
    Dataset<Row> rows = rows(list.toArray(Object[][]::new));

    RuleEvaluator.Result positive =
        RuleEvaluator.evaluate(new RuleEvaluator.RuleRows(rows, "key", List.of(POSITIVE), UNIQUE))
            .get(0);

    assertThat(positive.checked()).isEqualTo(8);
    assertThat(positive.failed()).isEqualTo(7);
    assertThat(positive.samples()).hasSize(5).allMatch(k -> k.startsWith("F"));
  }

  @Test
  void duplicateKeysInAMergeSourceAreCountedWithSamples() {
    Dataset<Row> rows =
        rows(
            new Object[] {"T1", null, null, true},
            new Object[] {"T2", null, null, true}, // T2 twice
            new Object[] {"T2", null, null, true},
            new Object[] {"T3", null, null, true}, // T3 three times
            new Object[] {"T3", null, null, true},
            new Object[] {"T3", null, null, true},
            new Object[] {"T9", null, null, null}); // not in the MERGE source
    RuleEvaluator.Result check =
        RuleEvaluator.evaluate(new RuleEvaluator.RuleRows(rows, "key", List.of(), UNIQUE)).get(0);
    assertThat(check.checked()).isEqualTo(6);
    assertThat(check.failed()).isEqualTo(3);
    assertThat(check.samples()).containsExactly("T2", "T3");
    RuleEvaluator.Result distinct =
        RuleEvaluator.evaluate(
                new RuleEvaluator.RuleRows(rows.distinct(), "key", List.of(), UNIQUE))
            .get(0);
    assertThat(distinct.failed()).isZero();
    assertThat(distinct.samples()).isEmpty();
  }
}
