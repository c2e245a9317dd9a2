package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Scores every rule of one silver table in a single aggregation: rows checked, rows failed and up
 * to five sample keys per rule. The rules of a table look at different row sets (bronze rows,
 * candidate events, the MERGE source), so a table's rule rows are the union of those sets and each
 * rule's flag is null on the rows it does not check.
 */
public final class RuleEvaluator {
  static final int SAMPLES = 5;

  /**
   * One table's rule rows.
   *
   * @param rows a string key column and one boolean column per rule, named after the rule
   * @param keyColumn the column whose values are reported as sample keys
   * @param rowRules rules whose column is true where the row fails, false where it passes and null
   *     where the rule does not check the row
   * @param uniqueKeys a rule whose column is true on the rows of the MERGE source, which must hold
   *     one row per key; null when the table has none
   */
  public record RuleRows(
      Dataset<Row> rows, String keyColumn, List<Rule> rowRules, Rule uniqueKeys) {
    public RuleRows {
      rowRules = List.copyOf(rowRules);
    }
  }

  /**
   * What one rule found. For a unique-key rule, {@code failed} counts the rows beyond the first per
   * key.
   */
  public record Result(Rule rule, long checked, long failed, List<String> samples) {
    public Result {
      // A duplicated null key is a sample too, which List.copyOf would refuse.
      samples = Collections.unmodifiableList(new ArrayList<>(samples));
    }
  }

  private RuleEvaluator() {}

  /**
   * The results of the table's rules, row rules first, in the order given. One Spark action; a
   * second one collects duplicated keys only when the MERGE source has any.
   */
  public static List<Result> evaluate(RuleRows table) {
    return evaluateAll(List.of(table));
  }

  /**
   * The results of every table's rules, table by table in the order given and row rules first
   * within a table. One Spark action for all tables: each table's aggregation yields one row of
   * scores, and the rows are collected together. A second action per table collects duplicated keys
   * only when that table's MERGE source has any.
   */
  public static List<Result> evaluateAll(List<RuleRows> tables) {
    Dataset<Row> scores = null;
    for (int t = 0; t < tables.size(); t++) {
      Dataset<Row> one = scores(tables.get(t), t);
      if (one != null) {
        scores = scores == null ? one : scores.union(one);
      }
    }
    if (scores == null) {
      return List.of();
    }
    Row[] byTable = new Row[tables.size()];
    for (Row r : scores.collectAsList()) {
      byTable[r.getInt(0)] = r;
    }
    List<Result> results = new ArrayList<>();
    for (int t = 0; t < tables.size(); t++) {
      if (byTable[t] != null) {
        results.addAll(results(tables.get(t), byTable[t].getList(1)));
      }
    }
    return results;
  }

  /**
   * One row (table index, array of per-rule scores) for a table, or null when it has no rules. A
   * score is (checked, failed, samples); a unique-key rule's is (rows, distinct keys, none) until
   * {@link #results} turns it into (rows, duplicates, samples).
   */
  private static Dataset<Row> scores(RuleRows table, int index) {
    Column key = col(table.keyColumn()).cast("string");
    List<Column> scores = new ArrayList<>();
    for (Rule rule : table.rowRules()) {
      Column failed = col(rule.name());
      scores.add(
          score(
              count(failed),
              count(when(failed, lit(1))),
              slice(collect_list(when(failed, key)), 1, SAMPLES)));
    }
    Rule unique = table.uniqueKeys();
    if (unique != null) {
      Column inSource = col(unique.name());
      // A null key is not distinct from anything, so a null key counts as a duplicate.
      scores.add(
          score(
              count(when(inSource, lit(1))),
              count_distinct(when(inSource, key)),
              lit(null).cast("array<string>")));
    }
    if (scores.isEmpty()) {
      return null;
    }
    return table
        .rows()
        .agg(array(scores.toArray(Column[]::new)).as("scores"))
        .select(lit(index).as("table"), col("scores"));
  }

  private static Column score(Column first, Column second, Column samples) {
    return struct(first.as("first"), second.as("second"), samples.as("samples"));
  }

  private static List<Result> results(RuleRows table, List<Row> scores) {
    List<Result> results = new ArrayList<>();
    int i = 0;
    for (Rule rule : table.rowRules()) {
      Row s = scores.get(i++);
      results.add(new Result(rule, s.getLong(0), s.getLong(1), s.getList(2)));
    }
    Rule unique = table.uniqueKeys();
    if (unique != null) {
      Row s = scores.get(i);
      long rows = s.getLong(0);
      long duplicates = rows - s.getLong(1);
      List<String> samples =
          duplicates == 0
              ? List.of()
              : duplicatedKeys(table.rows().filter(col(unique.name())), table.keyColumn());
      results.add(new Result(unique, rows, duplicates, samples));
    }
    return results;
  }

  /** The first keys, in key order, that occur more than once. */
  static List<String> duplicatedKeys(Dataset<Row> rows, String keyColumn) {
    return rows.groupBy(keyColumn)
        .count()
        .filter(col("count").gt(1))
        .orderBy(keyColumn)
        .limit(SAMPLES)
        .select(col(keyColumn).cast("string"))
        .as(Encoders.STRING())
        .collectAsList();
  }
}
