package dev.lakehouse.export;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The SQL of the PostgreSQL schema {@code marts}: the manifest, the staging tables with their
 * indexes and comments, and the swap that publishes them. Text only; {@link MartsSchema} runs it.
 */
final class MartsSql {
  static final String SCHEMA = "marts";

  /** Creates the schema and the manifest when missing; safe to run before every export. */
  static final List<String> PREPARE =
      List.of(
          "CREATE SCHEMA IF NOT EXISTS marts",
          "CREATE TABLE IF NOT EXISTS marts.export_manifest (mart text NOT NULL, gold_snapshot_id"
              + " bigint NOT NULL, run_id text NOT NULL, row_count bigint NOT NULL, checksum text"
              + " NOT NULL, exported_at timestamptz NOT NULL DEFAULT now())",
          "COMMENT ON TABLE marts.export_manifest IS"
              + " 'One row per mart and export run that published it.'");

  /** Per mart, the gold snapshot of its latest publication: (mart, gold_snapshot_id). */
  static final String PUBLISHED_SNAPSHOTS =
      "SELECT DISTINCT ON (mart) mart, gold_snapshot_id FROM marts.export_manifest"
          + " ORDER BY mart, exported_at DESC";

  /** Parameters: mart, gold_snapshot_id, run_id, row_count, checksum. */
  static final String INSERT_MANIFEST =
      "INSERT INTO marts.export_manifest (mart, gold_snapshot_id, run_id, row_count, checksum)"
          + " VALUES (?, ?, ?, ?, ?)";

  private MartsSql() {}

  static String qualified(String table) {
    return SCHEMA + "." + table;
  }

  /**
   * An empty staging table with the columns of a gold schema, replacing a leftover of that name.
   */
  static List<String> createStaging(String stage, StructType schema) {
    return List.of(
        dropTable(stage),
        "CREATE TABLE " + qualified(stage) + " (" + PgTypes.columnDefinitions(schema) + ")");
  }

  static String dropTable(String table) {
    return "DROP TABLE IF EXISTS " + qualified(table);
  }

  static String countRows(String table) {
    return "SELECT count(*) FROM " + qualified(table);
  }

  /**
   * The indexes of a table, created on its staging table. The run's suffix keeps their names
   * unique, since an index keeps its name when its table is renamed.
   */
  static List<String> createIndexes(ExportedTable table, String suffix) {
    List<String> statements = new ArrayList<>();
    for (int i = 0; i < table.indexes().size(); i++) {
      statements.add(
          "CREATE INDEX "
              + table.name()
              + "_"
              + i
              + "_"
              + suffix
              + " ON "
              + qualified(table.stagingName(suffix))
              + " ("
              + String.join(", ", table.indexes().get(i))
              + ")");
    }
    return statements;
  }

  /**
   * The table's comment (its grain as gold states it, and where it came from) and a comment on
   * every column whose name tells its meaning.
   */
  static List<String> comments(String stage, String goldTable, String grain, List<String> columns) {
    List<String> statements = new ArrayList<>();
    statements.add(
        "COMMENT ON TABLE "
            + qualified(stage)
            + " IS "
            + literal(grain + " Exported from " + goldTable + "."));
    for (String column : columns) {
      String note = columnNote(column);
      if (note != null) {
        statements.add(
            "COMMENT ON COLUMN " + qualified(stage) + "." + column + " IS " + literal(note));
      }
    }
    return statements;
  }

  /** What a column means, from its suffix (the naming convention of the lakehouse); else null. */
  static String columnNote(String column) {
    if (column.endsWith("_inr")) {
      return "Indian rupees, exact to the paisa (numeric, 2 decimals).";
    }
    if (column.equals("month_start") || column.equals("as_of_month")) {
      return "The month, as its first day (UTC); part of the grain.";
    }
    if (column.endsWith("_date")) {
      return "A calendar day in UTC; part of the grain.";
    }
    if (column.endsWith("_growth")) {
      return "Change against the previous month as a fraction (0.1 = +10 %);"
          + " null when the previous month is zero.";
    }
    if (column.endsWith("_key")) {
      return "Key to a dimension; UNKNOWN when the reference data had not arrived.";
    }
    if (column.endsWith("_id")) {
      return "Business key.";
    }
    return null;
  }

  /**
   * Replaces the live table by its staging table. Run inside the publishing transaction, readers
   * see the old table or the new one, never neither.
   */
  static List<String> swapIn(StagedTable staged) {
    String name = staged.table().name();
    return List.of(
        dropTable(name), "ALTER TABLE " + qualified(staged.stagingName()) + " RENAME TO " + name);
  }

  /** A string literal, quotes doubled. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
