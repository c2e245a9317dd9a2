package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
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
    Column key = col(table.keyColumn()).cast("string");
    List<Column> aggregates = new ArrayList<>();
    for (Rule rule : table.rowRules()) {
      Column failed = col(rule.name());
      aggregates.add(count(failed));
      aggregates.add(count(when(failed, lit(1))));
      aggregates.add(slice(collect_list(when(failed, key)), 1, SAMPLES));
    }
    Rule unique = table.uniqueKeys();
    if (unique != null) {
      Column inSource = col(unique.name());
      aggregates.add(count(when(inSource, lit(1))));
      // A null key is not distinct from anything, so a null key counts as a duplicate.
      aggregates.add(count_distinct(when(inSource, key)));
    }
    if (aggregates.isEmpty()) {
      return List.of();
    }
    Row r =
        table
            .rows()
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    List<Result> results = new ArrayList<>();
    int i = 0;
    for (Rule rule : table.rowRules()) {
      results.add(new Result(rule, r.getLong(i), r.getLong(i + 1), r.getList(i + 2)));
      i += 3;
    }
    if (unique != null) {
      long rows = r.getLong(i);
      long duplicates = rows - r.getLong(i + 1);
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
