package dev.lakehouse.export;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The SQL of the export's two PostgreSQL schemas: {@code marts} holds what readers query, one view
 * per mart and the manifest; {@code marts_data} holds the versions behind the views, tables with
 * their primary key, indexes and comments, one per export run that wrote them. Text only; {@link
 * MartsSchema} runs it.
 */
final class MartsSql {
  static final String SCHEMA = "marts";
  static final String DATA_SCHEMA = "marts_data";
  static final String MANIFEST = SCHEMA + ".export_manifest";

  /** Creates the manifest; safe to run when it exists. */
  static final List<String> CREATE_MANIFEST =
      List.of(
          "CREATE TABLE IF NOT EXISTS marts.export_manifest (mart text NOT NULL, gold_snapshot_id"
              + " bigint NOT NULL, run_id text NOT NULL, row_count bigint NOT NULL, checksum text"
              + " NOT NULL, exported_at timestamptz NOT NULL DEFAULT now())",
          "COMMENT ON TABLE marts.export_manifest IS"
              + " 'One row per mart and export run that published it.'");

  /**
   * Per mart, the gold snapshot and checksum of its latest publication: (mart, gold_snapshot_id,
   * checksum).
   */
  static final String PUBLISHED_SNAPSHOTS =
      "SELECT DISTINCT ON (mart) mart, gold_snapshot_id, checksum FROM marts.export_manifest"
          + " ORDER BY mart, exported_at DESC";

  /** Parameters: mart, gold_snapshot_id, run_id, row_count, checksum. */
  static final String INSERT_MANIFEST =
      "INSERT INTO marts.export_manifest (mart, gold_snapshot_id, run_id, row_count, checksum)"
          + " VALUES (?, ?, ?, ?, ?)";

  /**
   * Serialises the exports to one database, so that one never drops a version another is still
   * writing. A session-level advisory lock: PostgreSQL releases it when the session ends, however
   * the export ends. The key is a number of the project's own (advisory locks need one).
   */
  static final long EXPORT_LOCK_KEY = 4_242_001L;

  static final String TRY_LOCK_EXPORTS = "SELECT pg_try_advisory_lock(" + EXPORT_LOCK_KEY + ")";

  /** The sessions holding the export lock: (pid). */
  static final String EXPORT_LOCK_HOLDERS =
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = "
          + EXPORT_LOCK_KEY
          + " AND objsubid = 1 AND granted AND database = (SELECT oid FROM pg_database"
          + " WHERE datname = current_database())";

  /** Parameter: a schema name. One row when the schema exists. */
  static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = ?";

  /**
   * Parameter: a qualified relation name. Its pg_class kind ('r' table, 'v' view ...); no row when
   * it does not exist.
   */
  static final String RELATION_KIND = "SELECT relkind FROM pg_class WHERE oid = to_regclass(?)";

  /** Parameter: a qualified relation name. Its columns in order: (name, type with modifiers). */
  static final String COLUMNS =
      "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

  /**
   * Parameter: a qualified relation name. The views (and materialized views) defined on it, by
   * qualified name.
   */
  static final String DEPENDENT_VIEWS =
      "SELECT DISTINCT dependent.oid::regclass::text FROM pg_depend d"
          + " JOIN pg_rewrite r ON r.oid = d.objid"
          + " JOIN pg_class dependent ON dependent.oid = r.ev_class"
          + " WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
          + " AND d.refobjid = to_regclass(?) AND dependent.oid <> d.refobjid ORDER BY 1";

  /**
   * Parameter: a qualified relation name. The privileges its owner granted to others: (privilege,
   * grantee as an identifier or PUBLIC, with grant option).
   */
  static final String GRANTS =
      "SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
          + " ELSE quote_ident(grantee.rolname) END, a.is_grantable"
          + " FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a"
          + " LEFT JOIN pg_roles grantee ON grantee.oid = a.grantee"
          + " WHERE c.oid = to_regclass(?) AND a.grantee <> c.relowner ORDER BY 2, 1";

  /**
   * The version each view of {@code marts} shows: (view, version), for the views over a table of
   * {@code marts_data}.
   */
  static final String CURRENT_VERSIONS =
      "SELECT DISTINCT v.relname, t.relname FROM pg_class v"
          + " JOIN pg_namespace vn ON vn.oid = v.relnamespace AND vn.nspname = 'marts'"
          + " JOIN pg_rewrite r ON r.ev_class = v.oid"
          + " JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid"
          + " AND d.refclassid = 'pg_class'::regclass"
          + " JOIN pg_class t ON t.oid = d.refobjid AND t.relkind = 'r'"
          + " JOIN pg_namespace tn ON tn.oid = t.relnamespace AND tn.nspname = 'marts_data'"
          + " WHERE v.relkind = 'v'";

  /** Every table of {@code marts_data}: (name). */
  static final String DATA_TABLES =
      "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE n.nspname = 'marts_data' AND c.relkind = 'r' ORDER BY 1";

  /**
   * Parameter: a qualified relation name. The other sessions holding a lock on it: (pid, user,
   * application, state, transaction start, lock mode); the details are null where the exporter may
   * not see them.
   */
  static final String LOCK_HOLDERS =
      "SELECT l.pid, a.usename, a.application_name, a.state, a.xact_start, l.mode"
          + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
          + " WHERE l.locktype = 'relation' AND l.relation = to_regclass(?) AND l.granted"
          + " AND l.pid <> pg_backend_pid() ORDER BY l.pid";

  static final String WHO_AND_WHERE = "SELECT current_user, current_database()";

  /** SQLSTATE of a lock not granted within lock_timeout. */
  static final String LOCK_NOT_AVAILABLE = "55P03";

  /** SQLSTATE of a DROP that other objects depend on. */
  static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";

  /** SQLSTATE of a missing privilege. */
  static final String INSUFFICIENT_PRIVILEGE = "42501";

  private MartsSql() {}

  /** A name in schema {@code marts}: a mart's view, or the manifest. */
  static String qualified(String name) {
    return SCHEMA + "." + name;
  }

  /** A version's table in schema {@code marts_data}. */
  static String versioned(String version) {
    return DATA_SCHEMA + "." + version;
  }

  static String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + schema;
  }

  /** Bounds every lock wait of the session. */
  static String sessionLockTimeout(LockWaits waits) {
    return "SET lock_timeout = '" + waits.setting() + "'";
  }

  /** Bounds every lock wait of the current transaction. */
  static String transactionLockTimeout(LockWaits waits) {
    return "SET LOCAL lock_timeout = '" + waits.setting() + "'";
  }

  /** An empty version with the columns of a gold schema, replacing a leftover of that name. */
  static List<String> createVersion(String version, StructType schema) {
    return List.of(
        dropVersion(version),
        "CREATE TABLE " + versioned(version) + " (" + PgTypes.columnDefinitions(schema) + ")");
  }

  static String dropVersion(String version) {
    return "DROP TABLE IF EXISTS " + versioned(version);
  }

  static String countRows(String qualifiedTable) {
    return "SELECT count(*) FROM " + qualifiedTable;
  }

  /**
   * The primary key of the table's grain on one of its versions, named after the version (a
   * constraint's name is unique in its schema).
   */
  static String addPrimaryKey(ExportedTable table, String suffix) {
    String version = table.versionName(suffix);
    return "ALTER TABLE "
        + versioned(version)
        + " ADD CONSTRAINT "
        + version
        + "_pkey PRIMARY KEY ("
        + String.join(", ", table.primaryKey())
        + ")";
  }

  /**
   * The indexes of a table on one of its versions, but those its primary key serves. The run's
   * suffix keeps their names unique in the schema.
   */
  static List<String> createIndexes(ExportedTable table, String suffix) {
    List<String> statements = new ArrayList<>();
    for (int i = 0; i < table.indexes().size(); i++) {
      List<String> columns = table.indexes().get(i);
      if (table.servedByPrimaryKey(columns)) {
        continue;
      }
      statements.add(
          "CREATE INDEX "
              + table.name()
              + "_"
              + i
              + "_"
              + suffix
              + " ON "
              + versioned(table.versionName(suffix))
              + " ("
              + String.join(", ", columns)
              + ")");
    }
    return statements;
  }

  /** Fresh statistics, so the first dashboard query after the swap gets a good plan. */
  static String analyze(String version) {
    return "ANALYZE " + versioned(version);
  }

  /**
   * The comment of a version table or a view ({@code kind} TABLE or VIEW): its grain as gold states
   * it and where it came from, and a comment on every column whose name tells its meaning.
   */
  static List<String> comments(
      String kind, String qualifiedName, String goldTable, String grain, List<String> columns) {
    List<String> statements = new ArrayList<>();
    statements.add(
        "COMMENT ON "
            + kind
            + " "
            + qualifiedName
            + " IS "
            + literal(grain + " Exported from " + goldTable + "."));
    for (String column : columns) {
      String note = columnNote(column);
      if (note != null) {
        statements.add(
            "COMMENT ON COLUMN " + qualifiedName + "." + column + " IS " + literal(note));
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
   * Points the mart's view at a version. PostgreSQL keeps the view itself, so the views defined on
   * it and the privileges granted on it, as long as the new column list starts with the old one.
   */
  static String pointView(String mart, String version, List<String> columns) {
    return "CREATE OR REPLACE VIEW "
        + qualified(mart)
        + " AS SELECT "
        + String.join(", ", columns)
        + " FROM "
        + versioned(version);
  }

  static String dropView(String mart) {
    return "DROP VIEW " + qualified(mart);
  }

  /** Drops the table a mart was before its view (the layout of earlier versions of the export). */
  static String dropEarlierTable(String mart) {
    return "DROP TABLE " + qualified(mart);
  }

  /** Grants a privilege on a mart's view again, as {@link #GRANTS} lists it. */
  static String grant(String privilege, String mart, String grantee, boolean grantOption) {
    return "GRANT "
        + privilege
        + " ON "
        + qualified(mart)
        + " TO "
        + grantee
        + (grantOption ? " WITH GRANT OPTION" : "");
  }

  /** A string literal, quotes doubled. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
