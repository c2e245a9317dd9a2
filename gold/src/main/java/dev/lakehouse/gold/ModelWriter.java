package dev.lakehouse.gold;

import static org.apache.spark.sql.functions.expr;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.gold.GoldModel.Write;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes a gold model's rows to its table the way the model says: MERGE, overwrite or type 2
 * history.
 */
final class ModelWriter {
  /** The SCD2 sub-models and statement read the classified rows through this view. */
  private static final String CUSTOMER_CHANGES_VIEW = "gold_customer_changes";

  private ModelWriter() {}

  /** Builds and writes one model; the rows written, when the model's write reports them. */
  static OptionalLong write(SparkSession spark, GoldModel model, Map<String, Object> parameters) {
    Dataset<Row> rows = spark.sql(model.sql(parameters));
    Write write = model.write();
    if (write instanceof Write.Merge merge) {
      return merge(rows, model, merge, parameters);
    } else if (write instanceof Write.Overwrite overwrite) {
      String condition =
          fill(
              SqlTemplate.of(model.name() + " overwrite condition", overwrite.condition()),
              parameters,
              "the overwrite of " + model.target());
      return OptionalLong.of(overwrite(rows, model.target(), condition));
    } else if (write instanceof Write.Scd2 scd2) {
      scd2(rows, model, scd2, parameters);
      return OptionalLong.empty();
    }
    throw new IllegalStateException(
        "Unknown write " + write + " of gold model " + model.name() + ".");
  }

  private static OptionalLong merge(
      Dataset<Row> rows, GoldModel model, Write.Merge merge, Map<String, Object> parameters) {
    String view = "gold_" + model.name() + "_source";
    String statement = statement(merge.statement(), model.target(), view, parameters);
    if (!merge.counted()) {
      rows.createOrReplaceTempView(view);
      rows.sparkSession().sql(statement);
      return OptionalLong.empty();
    }
    // Persisted: the model's rows are counted and merged from one computation.
    Dataset<Row> source = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = source.count();
      source.createOrReplaceTempView(view);
      rows.sparkSession().sql(statement);
      return OptionalLong.of(count);
    } finally {
      source.unpersist();
    }
  }

  /**
   * Classifies the source against the current versions once (cached, since the close statement
   * changes what a second look would see), closes or updates current versions, inserts the new
   * ones, adds the UNKNOWN member when the table lacks it and an inferred member for every customer
   * the window's transactions name without a version.
   */
  private static void scd2(
      Dataset<Row> changes, GoldModel model, Write.Scd2 scd2, Map<String, Object> parameters) {
    SparkSession spark = changes.sparkSession();
    String target = Tables.qualified(model.target());
    Map<String, Object> withChanges = new HashMap<>(parameters);
    withChanges.put("customer_changes", SqlTemplate.table(CUSTOMER_CHANGES_VIEW));
    changes.createOrReplaceTempView(CUSTOMER_CHANGES_VIEW);
    spark.table(CUSTOMER_CHANGES_VIEW).cache();
    try {
      if (any(spark, "change IN ('moved', 'type1', 'corrected', 'completed')")) {
        spark.sql(statement(scd2.close(), model.target(), null, withChanges));
      }
      insert(spark, target, scd2.versions(), withChanges);
    } finally {
      spark.catalog().uncacheTable(CUSTOMER_CHANGES_VIEW);
    }
    if (spark
            .sql("SELECT 1 FROM " + target + " WHERE customer_key = '" + GoldTables.UNKNOWN + "'")
            .count()
        == 0) {
      insert(spark, target, scd2.unknownMember(), Map.of());
    }
    // Customers the window's transactions name before silver knows them (usually none).
    insert(spark, target, scd2.inferredMembers(), parameters);
  }

  private static boolean any(SparkSession spark, String condition) {
    return spark
            .sql("SELECT 1 FROM " + CUSTOMER_CHANGES_VIEW + " WHERE " + condition)
            .limit(1)
            .count()
        > 0;
  }

  /**
   * Appends a sub-model's rows, which are in the table's column order; no rows, no commit (an empty
   * append would still add a snapshot).
   */
  private static void insert(
      SparkSession spark, String target, String model, Map<String, Object> parameters) {
    Dataset<Row> rows =
        spark.sql(fill(GoldModel.template(GoldModel.MODELS + model), parameters, "model " + model));
    if (rows.isEmpty()) {
      return;
    }
    String view = "gold_" + model;
    rows.createOrReplaceTempView(view);
    spark.sql("INSERT INTO " + target + " SELECT * FROM " + view);
  }

  /** A write statement with ${target} (and ${source}, when given) bound, the rest from the run. */
  private static String statement(
      String name, String target, String source, Map<String, Object> parameters) {
    Map<String, Object> available = new HashMap<>(parameters);
    available.put("target", SqlTemplate.table(Tables.qualified(target)));
    if (source != null) {
      available.put("source", SqlTemplate.table(source));
    }
    return fill(GoldModel.template(GoldModel.WRITES + name), available, "the write of " + target);
  }

  /** The template filled with the parameters it uses, taken from the run's. */
  private static String fill(SqlTemplate template, Map<String, Object> available, String user) {
    return template.render(GoldModel.pick(available, template.parameters(), user));
  }

  /**
   * Overwrites the rows of a table matching a condition with new rows, in one Iceberg commit, and
   * returns the rows written: the commit's added-records, read from its snapshot summary rather
   * than by scanning the table again.
   */
  static long overwrite(Dataset<Row> rows, String table, String condition) {
    SparkSession spark = rows.sparkSession();
    Dataset<Row> typed = rows.selectExpr(castTo(spark.table(Tables.qualified(table)).schema()));
    long before = LakehouseSpark.currentSnapshotId(spark, table);
    try {
      typed.writeTo(Tables.qualified(table)).overwrite(expr(condition));
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("Table " + table + " does not exist.", e);
    }
    org.apache.iceberg.Snapshot after = LakehouseSpark.icebergTable(spark, table).currentSnapshot();
    if (after == null || after.snapshotId() == before) {
      return 0;
    }
    return Long.parseLong(after.summary().getOrDefault("added-records", "0"));
  }

  /** Each column cast to the target's type, so DECIMAL sums land as DECIMAL(18,2). */
  static String[] castTo(StructType target) {
    String[] out = new String[target.size()];
    for (int i = 0; i < target.size(); i++) {
      StructField f = target.fields()[i];
      out[i] = "CAST(" + f.name() + " AS " + f.dataType().sql() + ") AS " + f.name();
    }
    return out;
  }
}
