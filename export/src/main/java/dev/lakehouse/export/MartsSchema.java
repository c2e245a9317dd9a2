package dev.lakehouse.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schemas {@code marts} and {@code marts_data} over one JDBC connection, which the caller owns:
 * runs the statements of {@link MartsSql}, reads the manifest, and publishes new versions in one
 * transaction by pointing each mart's view at its version. Every lock the connection asks for is
 * bounded by the lock timeout of {@link LockWaits}; a transaction whose lock times out is rolled
 * back and tried again a bounded number of times.
 */
final class MartsSchema {
  private static final Logger LOG = LoggerFactory.getLogger(MartsSchema.class);
  private static final String UNCHANGED = " The previous marts are unchanged.";

  /** One column of a view or a table, its type with modifiers ({@code numeric(38,2)}). */
  record Column(String name, String type) {
    @Override
    public String toString() {
      return name + " " + type;
    }
  }

  /** What the latest publication of a mart holds: its gold snapshot and its checksum's text. */
  record Published(long snapshot, String checksum) {}

  /** A privilege granted on a relation to someone other than its owner. */
  record Grant(String privilege, String grantee, boolean grantOption) {}

  /** The work of one transaction. */
  private interface Work {
    void run() throws SQLException;
  }

  private final Connection connection;
  private final LockWaits waits;

  /** What the running transaction is asking a lock on, for the message when none is granted. */
  private String locking;

  private MartsSchema(Connection connection, LockWaits waits) {
    this.connection = connection;
    this.waits = waits;
  }

  /** The schemas over a connection whose every lock wait is bounded from now on. */
  static MartsSchema on(Connection connection, LockWaits waits) throws SQLException {
    MartsSchema marts = new MartsSchema(connection, waits);
    marts.execute(List.of(MartsSql.sessionLockTimeout(waits)));
    return marts;
  }

  /**
   * Takes the export lock of the database for the rest of the session, or fails at once when
   * another export holds it.
   */
  void lockExports() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.TRY_LOCK_EXPORTS)) {
      r.next();
      if (r.getBoolean(1)) {
        return;
      }
    }
    throw new IllegalStateException(
        "Cannot export: another export to this database is running (session pid "
            + String.join(", ", strings(MartsSql.EXPORT_LOCK_HOLDERS, null))
            + "). Wait for it to finish, then export again."
            + UNCHANGED);
  }

  /**
   * Creates what is missing of the two schemas and the manifest. A schema that exists is left
   * alone, so an exporter that owns both schemas needs no CREATE privilege on the database.
   */
  void prepare() throws SQLException {
    for (String schema : List.of(MartsSql.SCHEMA, MartsSql.DATA_SCHEMA)) {
      if (strings(MartsSql.SCHEMA_EXISTS, schema).isEmpty()) {
        createSchema(schema);
      }
    }
    if (relationKind(MartsSql.MANIFEST) == null) {
      inTransaction(
          "create " + MartsSql.MANIFEST,
          () -> {
            locking = MartsSql.MANIFEST;
            run(MartsSql.CREATE_MANIFEST);
          });
    }
  }

  private void createSchema(String schema) throws SQLException {
    try {
      inTransaction("create schema " + schema, () -> run(List.of(MartsSql.createSchema(schema))));
    } catch (SQLException e) {
      if (!MartsSql.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
        throw e;
      }
      String user;
      String database;
      try (Statement s = connection.createStatement();
          ResultSet r = s.executeQuery(MartsSql.WHO_AND_WHERE)) {
        r.next();
        user = r.getString(1);
        database = r.getString(2);
      }
      throw new IllegalStateException(
          "Cannot create schema "
              + schema
              + " in database "
              + database
              + ": it does not exist and user "
              + user
              + " lacks the CREATE privilege on the database. Have a DBA create it once, owned by"
              + " the exporter: CREATE SCHEMA "
              + schema
              + " AUTHORIZATION "
              + user
              + "; (see docs/postgres-access.md).",
          e);
    }
  }

  /** COPYs the CSV rows {@code csv} reads into table {@code versioned} over this connection. */
  void copyIn(String versioned, java.io.Reader csv) throws SQLException {
    try {
      connection
          .unwrap(org.postgresql.PGConnection.class)
          .getCopyAPI()
          .copyIn(CsvEncoding.copyCommand(versioned), csv);
    } catch (java.io.IOException e) {
      throw new SQLException("COPY into " + versioned + " failed: " + e.getMessage(), e);
    }
  }

  /** Runs the statements in order, each committed on its own. */
  void execute(List<String> statements) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /**
   * Mart name to the gold snapshot its latest publication holds, for the marts whose view shows a
   * version. A mart that is still a table of the earlier layout counts as never published, so the
   * first export moves it to a view.
   */
  Map<String, Published> publishedSnapshots() throws SQLException {
    Set<String> viewed = currentVersions().keySet();
    Map<String, Published> snapshots = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.PUBLISHED_SNAPSHOTS)) {
      while (r.next()) {
        if (viewed.contains(r.getString(1))) {
          snapshots.put(r.getString(1), new Published(r.getLong(2), r.getString(3)));
        }
      }
    }
    return snapshots;
  }

  /** Mart name to the version its view shows. */
  Map<String, String> currentVersions() throws SQLException {
    Map<String, String> versions = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.CURRENT_VERSIONS)) {
      while (r.next()) {
        versions.put(r.getString(1), r.getString(2));
      }
    }
    return versions;
  }

  long rowCount(String qualifiedTable) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.countRows(qualifiedTable))) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * Adds the primary key of the table's grain to its new version; rows that break the grain (two
   * rows for one key, or a key column null) fail the export with the key PostgreSQL names.
   */
  void addPrimaryKey(ExportedTable table, String suffix) throws SQLException {
    try {
      execute(List.of(MartsSql.addPrimaryKey(table, suffix)));
    } catch (SQLException e) {
      String state = e.getSQLState();
      if (!"23505".equals(state) && !"23502".equals(state)) {
        throw e;
      }
      String key = String.join(", ", table.primaryKey());
      throw new IllegalStateException(
          "Cannot add the primary key ("
              + key
              + ") to "
              + MartsSql.versioned(table.versionName(suffix))
              + ": "
              + e.getMessage()
              + " "
              + table.goldTable()
              + " breaks its grain of one row per ("
              + key
              + "); correct gold, then export again."
              + UNCHANGED,
          e);
    }
  }

  /**
   * One transaction: point every mart's view at its new version and record its manifest row. On any
   * failure nothing of it is visible; after a lock timeout it is tried again, up to {@link
   * LockWaits#attempts()} times in all. Returns the attempt that committed (0 when nothing was
   * staged).
   */
  int publish(List<StagedTable> staged, String runId) throws SQLException {
    if (staged.isEmpty()) {
      return 0;
    }
    return inTransaction(
        "publish the marts",
        () -> {
          try (PreparedStatement manifest = connection.prepareStatement(MartsSql.INSERT_MANIFEST)) {
            for (StagedTable t : staged) {
              pointView(t);
              locking = MartsSql.MANIFEST;
              manifest.setString(1, t.table().name());
              manifest.setLong(2, t.snapshotId());
              manifest.setString(3, runId);
              manifest.setLong(4, t.rows());
              manifest.setString(5, t.checksum().text());
              manifest.executeUpdate();
            }
          }
        });
  }

  /**
   * Points the mart's view at the staged version: replaces the view, or creates it, or replaces the
   * table of the earlier layout by it; then comments it.
   */
  private void pointView(StagedTable t) throws SQLException {
    String mart = t.table().name();
    String view = MartsSql.qualified(mart);
    String version = MartsSql.versioned(t.version());
    List<Column> columns = columns(version);
    List<String> names = columns.stream().map(Column::name).toList();
    String point = MartsSql.pointView(mart, t.version(), names);
    String kind = relationKind(view);
    locking = view;
    if (kind == null) {
      run(List.of(point));
    } else if (kind.equals("v")) {
      List<Column> shown = columns(view);
      if (startsWith(columns, shown)) {
        run(List.of(point));
      } else {
        recreateView(mart, version, point, shown, columns);
      }
    } else if (kind.equals("r")) {
      replaceEarlierTable(mart, version, point);
    } else {
      throw new IllegalStateException(
          "Cannot publish "
              + view
              + ": a relation of kind '"
              + kind
              + "' has that name, where the export keeps a view. Rename or drop it, then export"
              + " again."
              + UNCHANGED);
    }
    run(MartsSql.comments("VIEW", view, t.table().goldTable(), t.grain(), names));
  }

  /**
   * The view's columns change in a way CREATE OR REPLACE VIEW refuses (a column dropped, renamed,
   * retyped or moved): drop the view and create it again with its grants, unless views are defined
   * on it, which PostgreSQL would have to drop too; then fail, naming them.
   */
  private void recreateView(
      String mart, String version, String point, List<Column> shown, List<Column> columns)
      throws SQLException {
    String view = MartsSql.qualified(mart);
    String change = "were (" + join(shown) + "), now (" + join(columns) + ")";
    List<String> dependents = strings(MartsSql.DEPENDENT_VIEWS, view);
    if (!dependents.isEmpty()) {
      throw new IllegalStateException(
          "Cannot publish "
              + view
              + ": its columns change ("
              + change
              + ") and views are defined on it: "
              + String.join(", ", dependents)
              + ". PostgreSQL can replace a view only by one whose columns start with the old ones"
              + " and will not drop a view that others use. Save the definitions of those views"
              + " (SELECT pg_get_viewdef('"
              + dependents.get(0)
              + "'::regclass, true)), drop them, export again, then create them again on the new"
              + " columns."
              + UNCHANGED);
    }
    List<Grant> grants = grants(view);
    run(List.of(MartsSql.dropView(mart), point));
    grantAgain(mart, grants);
    LOG.warn(
        "The columns of {} change ({}); no view is defined on it, so the export dropped it,"
            + " created it again over {} and granted again the {} privileges given on it.",
        view,
        change,
        version,
        grants.size());
  }

  /**
   * Replaces the table of the earlier layout ({@code marts.<mart>} a table rewritten by every
   * export) by the view, once, with the table's grants. A view defined on that table cannot move to
   * the new view, so its owner must drop and recreate it; the export names it and fails rather than
   * drop someone's view.
   */
  private void replaceEarlierTable(String mart, String version, String point) throws SQLException {
    String table = MartsSql.qualified(mart);
    List<String> dependents = strings(MartsSql.DEPENDENT_VIEWS, table);
    if (!dependents.isEmpty()) {
      throw earlierTableInUse(table, String.join(", ", dependents), null);
    }
    List<Grant> grants = grants(table);
    try {
      run(List.of(MartsSql.dropEarlierTable(mart)));
    } catch (SQLException e) {
      if (MartsSql.DEPENDENT_OBJECTS_STILL_EXIST.equals(e.getSQLState())) {
        throw earlierTableInUse(table, e.getMessage(), e);
      }
      throw e;
    }
    run(List.of(point));
    grantAgain(mart, grants);
    LOG.info(
        "Replaced the table {} of the earlier layout by a view over {} and granted again the {}"
            + " privileges given on the table.",
        table,
        version,
        grants.size());
  }

  private static IllegalStateException earlierTableInUse(
      String table, String dependents, SQLException cause) {
    return new IllegalStateException(
        "Cannot replace the table "
            + table
            + " (the layout of earlier exports) by a view over versioned tables: other objects"
            + " depend on it: "
            + dependents
            + ". This happens once, on the first export with views. Save the definitions of those"
            + " views (SELECT pg_get_viewdef('<view>'::regclass, true)), drop them, export again,"
            + " then create them again on the view "
            + table
            + ": from then on they survive every export."
            + UNCHANGED,
        cause);
  }

  private void grantAgain(String mart, List<Grant> grants) throws SQLException {
    List<String> statements = new ArrayList<>();
    for (Grant g : grants) {
      statements.add(MartsSql.grant(g.privilege(), mart, g.grantee(), g.grantOption()));
    }
    run(statements);
  }

  /**
   * Drops the versions no view shows any more (the ones the last publication replaced, and those of
   * exports that crashed), each in a transaction of its own with a bounded lock wait. A version
   * still read, or with a view of someone else on it, stays, with a log line; the next export tries
   * again. Never fails the export. Returns how many it dropped.
   */
  int dropUnusedVersions(List<ExportedTable> tables) {
    List<String> unused = new ArrayList<>();
    try {
      Set<String> current = new HashSet<>(currentVersions().values());
      for (String table : strings(MartsSql.DATA_TABLES, null)) {
        if (!current.contains(table) && tables.stream().anyMatch(t -> t.isVersion(table))) {
          unused.add(table);
        }
      }
    } catch (SQLException e) {
      LOG.warn(
          "Cannot list the old versions in {}: {}. The next export tries again.",
          MartsSql.DATA_SCHEMA,
          e.getMessage());
      return 0;
    }
    int dropped = 0;
    for (String version : unused) {
      String table = MartsSql.versioned(version);
      try {
        SQLException timeout =
            attemptOnce(
                () -> {
                  locking = table;
                  run(List.of(MartsSql.dropVersion(version)));
                });
        if (timeout == null) {
          dropped++;
        } else {
          LOG.warn(
              "Cannot drop the old version {} yet: no lock on it within {} ({}). The next export"
                  + " tries again.",
              table,
              waits.text(),
              lockHolders(table));
        }
      } catch (SQLException e) {
        LOG.warn(
            "Cannot drop the old version {}: {} The next export tries again.",
            table,
            e.getMessage());
      }
    }
    return dropped;
  }

  /**
   * Runs the work in one transaction with a bounded lock wait; after a lock timeout, pauses and
   * tries again, up to the attempts of {@link LockWaits}, then fails naming the lock and who held
   * it. Returns the attempt that committed.
   */
  private int inTransaction(String what, Work work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      SQLException timeout = attemptOnce(work);
      if (timeout == null) {
        if (attempt > 1) {
          LOG.info("Managed to {} at attempt {} of {}.", what, attempt, waits.attempts());
        }
        return attempt;
      }
      String on = locking == null ? "an object of schema " + MartsSql.SCHEMA : locking;
      String holders = lockHolders(locking);
      if (attempt >= waits.attempts()) {
        throw new IllegalStateException(
            "Cannot "
                + what
                + ": a lock on "
                + on
                + " was not granted within "
                + waits.text()
                + " in any of "
                + waits.attempts()
                + " attempts; "
                + holders
                + ". Let those transactions end (or have a DBA end them with SELECT"
                + " pg_terminate_backend(pid)), then export again."
                + UNCHANGED,
            timeout);
      }
      Duration pause = waits.backoffAfter(attempt);
      LOG.warn(
          "Attempt {} of {} to {} waited {} for a lock on {} in vain ({}); trying again in {} ms.",
          attempt,
          waits.attempts(),
          what,
          waits.text(),
          on,
          holders,
          pause.toMillis());
      pause(pause);
    }
  }

  /**
   * One transaction with a bounded lock wait: commits the work, or rolls it back and returns the
   * lock timeout that stopped it; any other failure is rolled back and thrown.
   */
  private SQLException attemptOnce(Work work) throws SQLException {
    locking = null;
    connection.setAutoCommit(false);
    try {
      run(List.of(MartsSql.transactionLockTimeout(waits)));
      work.run();
      connection.commit();
      return null;
    } catch (SQLException e) {
      connection.rollback();
      if (MartsSql.LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
        return e;
      }
      throw e;
    } catch (RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** The sessions holding a lock on the relation, for a message: pid, user, state, since when. */
  private String lockHolders(String relation) throws SQLException {
    if (relation == null) {
      return "no session known to hold it";
    }
    List<String> holders = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(MartsSql.LOCK_HOLDERS)) {
      s.setString(1, relation);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          StringJoiner details = new StringJoiner(", ", " (", ")");
          details.setEmptyValue("");
          if (r.getString(2) != null) {
            details.add("user " + r.getString(2));
          }
          if (r.getString(3) != null && !r.getString(3).isEmpty()) {
            details.add("application " + r.getString(3));
          }
          if (r.getString(4) != null) {
            Timestamp since = r.getTimestamp(5);
            details.add(
                r.getString(4)
                    + (since == null
                        ? ""
                        : ", transaction open since "
                            + since.toInstant().truncatedTo(ChronoUnit.SECONDS)));
          }
          details.add(r.getString(6));
          holders.add("pid " + r.getInt(1) + details);
        }
      }
    }
    return holders.isEmpty()
        ? "no session holds a lock on it any more"
        : "sessions holding a lock on it: " + String.join("; ", holders);
  }

  private static void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting to try the export again.", e);
    }
  }

  private void run(List<String> statements) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The relation's pg_class kind, or null when it does not exist. */
  private String relationKind(String relation) throws SQLException {
    List<String> kind = strings(MartsSql.RELATION_KIND, relation);
    return kind.isEmpty() ? null : kind.get(0);
  }

  private List<Column> columns(String relation) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(MartsSql.COLUMNS)) {
      s.setString(1, relation);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          columns.add(new Column(r.getString(1), r.getString(2)));
        }
      }
    }
    return columns;
  }

  private List<Grant> grants(String relation) throws SQLException {
    List<Grant> grants = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(MartsSql.GRANTS)) {
      s.setString(1, relation);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          grants.add(new Grant(r.getString(1), r.getString(2), r.getBoolean(3)));
        }
      }
    }
    return grants;
  }

  /** The first column of every row of a query with one text parameter, or none when null. */
  private List<String> strings(String sql, String parameter) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      if (parameter != null) {
        s.setString(1, parameter);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          values.add(r.getString(1));
        }
      }
    }
    return values;
  }

  /** True when {@code columns} begins with {@code prefix}: same names and types, same order. */
  static boolean startsWith(List<Column> columns, List<Column> prefix) {
    return columns.size() >= prefix.size() && columns.subList(0, prefix.size()).equals(prefix);
  }

  private static String join(List<Column> columns) {
    return String.join(", ", columns.stream().map(Column::toString).toList());
  }
}
