package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Publishing versions against a real PostgreSQL server, without Spark: each test writes the
 * versions of one mart, customers_per_tier (one row per month and tier), with plain SQL and
 * publishes them the way the export does. Lock waits, retries, column changes under views, the drop
 * of old versions and the schemas an exporter without CREATE on the database needs.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard only
class MartsSchemaTest {
  static final ExportedTable TIERS = ExportedTableTest.table("customers_per_tier");
  static final String COLUMNS = "month_start date, tier text, customer_count bigint";
  static final LockWaits ONE_QUICK_ATTEMPT =
      new LockWaits(Duration.ofMillis(200), 1, Duration.ZERO);

  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  /** An empty database, as its URL. */
  static String newDatabase() throws SQLException {
    String name = "marts_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name;
  }

  static Connection connect(String url) throws SQLException {
    return PostgresConnections.connect(url, "postgres", null);
  }

  static MartsSchema prepared(Connection c, LockWaits waits) throws SQLException {
    MartsSchema marts = MartsSchema.on(c, waits);
    marts.prepare();
    return marts;
  }

  /**
   * Writes a version of customers_per_tier with the given columns and rows (SQL VALUES), with its
   * primary key, as the export stages one.
   */
  static StagedTable stage(MartsSchema marts, String suffix, String columns, String values)
      throws SQLException {
    String version = TIERS.versionName(suffix);
    marts.execute(
        List.of(
            "CREATE TABLE marts_data." + version + " (" + columns + ")",
            "INSERT INTO marts_data." + version + " VALUES " + values));
    marts.addPrimaryKey(TIERS, suffix);
    long rows = marts.rowCount("marts_data." + version);
    return new StagedTable(
        TIERS,
        version,
        1,
        rows,
        new Checksum(rows, BigInteger.ZERO),
        "One row per month and tier.");
  }

  static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }

  static List<String> versions(Connection c) throws SQLException {
    return column(
        c,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts_data'"
            + " ORDER BY 1");
  }

  @Test
  void anExporterWithoutCreateOnTheDatabaseIsToldWhichSchemaToAskFor() throws Exception {
    String url = newDatabase();
    try (Connection dba = connect(url);
        Statement s = dba.createStatement()) {
      s.execute("CREATE ROLE owner_of_marts LOGIN");
      s.execute("CREATE SCHEMA marts AUTHORIZATION owner_of_marts");
    }
    try (Connection c = PostgresConnections.connect(url, "owner_of_marts", null)) {
      MartsSchema marts = MartsSchema.on(c, LockWaits.DEFAULT);

      assertThatThrownBy(marts::prepare)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot create schema marts_data in database marts_")
          .hasMessageContaining("lacks the CREATE privilege on the database")
          .hasMessageContaining("CREATE SCHEMA marts_data AUTHORIZATION owner_of_marts;");

      try (Connection dba = connect(url);
          Statement s = dba.createStatement()) {
        s.execute("CREATE SCHEMA marts_data AUTHORIZATION owner_of_marts");
      }
      marts.prepare(); // both schemas exist: no CREATE on the database needed
      assertThat(column(c, "SELECT count(*) FROM marts.export_manifest")).containsExactly("0");
    }
  }

  @Test
  void aSecondExportToTheSameDatabaseFailsAtOnceNamingTheFirst() throws Exception {
    String url = newDatabase();
    try (Connection first = connect(url);
        Connection second = connect(url)) {
      MartsSchema.on(first, LockWaits.DEFAULT).lockExports();

      assertThatThrownBy(() -> MartsSchema.on(second, LockWaits.DEFAULT).lockExports())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "another export to this database is running (session pid "
                  + first.unwrap(PGConnection.class).getBackendPID()
                  + ")");
    }
  }

  @Test
  void rowsThatBreakTheGrainFailThePrimaryKeyNamingTheKey() throws Exception {
    try (Connection c = connect(newDatabase())) {
      MartsSchema marts = prepared(c, LockWaits.DEFAULT);

      assertThatThrownBy(
              () ->
                  stage(
                      marts,
                      "00000001",
                      COLUMNS,
                      "('2026-01-01', 'Gold', 3), ('2026-01-01', 'Gold', 4)")) // one key twice
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot add the primary key (month_start, tier)")
          .hasMessageContaining("Key (month_start, tier)=(2026-01-01, Gold) is duplicated")
          .hasMessageContaining("gold.customers_per_tier breaks its grain");
    }
  }

  /**
   * A reader holds the view in an open transaction; the first attempt waits one lock timeout in
   * vain, the reader ends during the second, which then goes through.
   */
  @Test
  void aPublicationTriesAgainAfterALockTimeoutAndGoesThroughOnceTheReaderEnds() throws Exception {
    String url = newDatabase();
    try (Connection exporter = connect(url);
        Connection reader = connect(url);
        Connection observer = connect(url)) {
      LockWaits waits = new LockWaits(Duration.ofSeconds(1), 3, Duration.ofMillis(50));
      MartsSchema marts = prepared(exporter, waits);
      marts.publish(List.of(stage(marts, "00000001", COLUMNS, "('2026-01-01', 'Gold', 3)")), "r1");
      StagedTable next = stage(marts, "00000002", COLUMNS, "('2026-01-01', 'Gold', 4)");
      reader.setAutoCommit(false);
      assertThat(column(reader, "SELECT customer_count FROM marts.customers_per_tier"))
          .containsExactly("3");
      int exporterPid = exporter.unwrap(PGConnection.class).getBackendPID();

      CompletableFuture<Integer> attempt =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return marts.publish(List.of(next), "r2");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      // Each attempt is a transaction of its own: a waiting transaction that started later than
      // the first waiting one is the second attempt.
      Timestamp first =
          await()
              .pollInterval(Duration.ofMillis(20))
              .atMost(Duration.ofSeconds(10))
              .until(() -> waitingSince(observer, exporterPid), t -> t != null);
      await()
          .pollInterval(Duration.ofMillis(20))
          .atMost(Duration.ofSeconds(10))
          .until(() -> waitingSince(observer, exporterPid), t -> t != null && t.after(first));
      reader.commit();

      assertThat(attempt.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(column(observer, "SELECT customer_count FROM marts.customers_per_tier"))
          .containsExactly("4");
    }
  }

  /** The start of the transaction in which the session waits for a lock; null when it does not. */
  static Timestamp waitingSince(Connection observer, int pid) throws SQLException {
    try (PreparedStatement s =
        observer.prepareStatement(
            "SELECT a.xact_start FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
                + " WHERE a.pid = ? AND NOT l.granted")) {
      s.setInt(1, pid);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getTimestamp(1) : null;
      }
    }
  }

  /**
   * A long query on the version a view shows holds that table, not the view: the publication goes
   * through at the first attempt, and only the drop of the old version waits for the next export.
   */
  @Test
  void aReaderOfTheOldVersionDelaysOnlyItsDrop() throws Exception {
    String url = newDatabase();
    try (Connection exporter = connect(url);
        Connection reader = connect(url)) {
      MartsSchema marts = prepared(exporter, ONE_QUICK_ATTEMPT);
      marts.publish(List.of(stage(marts, "00000001", COLUMNS, "('2026-01-01', 'Gold', 3)")), "r1");
      reader.setAutoCommit(false);
      try (Statement s = reader.createStatement()) {
        s.execute("LOCK TABLE marts_data.customers_per_tier__00000001 IN ACCESS SHARE MODE");
      }

      int attempt =
          marts.publish(
              List.of(stage(marts, "00000002", COLUMNS, "('2026-01-01', 'Gold', 4)")), "r2");

      assertThat(attempt).isEqualTo(1);
      assertThat(column(exporter, "SELECT customer_count FROM marts.customers_per_tier"))
          .containsExactly("4");
      assertThat(marts.dropUnusedVersions(ExportedTable.ALL)).isZero(); // the reader holds it
      assertThat(versions(exporter))
          .containsExactly("customers_per_tier__00000001", "customers_per_tier__00000002");

      reader.commit();

      assertThat(marts.dropUnusedVersions(ExportedTable.ALL)).isEqualTo(1);
      assertThat(versions(exporter)).containsExactly("customers_per_tier__00000002");
    }
  }

  /**
   * A column added at the end keeps the view, so the views on it; a column renamed cannot, and the
   * export names the view that stands in the way.
   */
  @Test
  void aColumnChangeUnderAnAnalystsViewFailsNamingTheViewButAnAddedColumnDoesNot()
      throws Exception {
    String url = newDatabase();
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      MartsSchema marts = prepared(c, ONE_QUICK_ATTEMPT);
      marts.publish(List.of(stage(marts, "00000001", COLUMNS, "('2026-01-01', 'Gold', 3)")), "r1");
      s.execute("CREATE SCHEMA analyst");
      s.execute(
          "CREATE VIEW analyst.gold_tier AS SELECT month_start, customer_count"
              + " FROM marts.customers_per_tier WHERE tier = 'Gold'");

      marts.publish(
          List.of(
              stage(
                  marts,
                  "00000002",
                  COLUMNS + ", share_of_month numeric(9,4)",
                  "('2026-01-01', 'Gold', 4, 0.5)")),
          "r2");

      assertThat(column(c, "SELECT customer_count FROM analyst.gold_tier")).containsExactly("4");

      StagedTable renamed =
          stage(
              marts,
              "00000003",
              "month_start date, tier text, customers bigint, share_of_month numeric(9,4)",
              "('2026-01-01', 'Gold', 5, 0.5)");
      assertThatThrownBy(() -> marts.publish(List.of(renamed), "r3"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot publish marts.customers_per_tier: its columns change")
          .hasMessageContaining("customer_count bigint")
          .hasMessageContaining("customers bigint")
          .hasMessageContaining("views are defined on it: analyst.gold_tier")
          .hasMessageContaining("The previous marts are unchanged.");
      assertThat(column(c, "SELECT customer_count FROM analyst.gold_tier")).containsExactly("4");
    }
  }

  @Test
  void aColumnChangeWithoutViewsOnTheMartRecreatesItsViewWithItsGrants() throws Exception {
    String url = newDatabase();
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      MartsSchema marts = prepared(c, ONE_QUICK_ATTEMPT);
      marts.publish(List.of(stage(marts, "00000001", COLUMNS, "('2026-01-01', 'Gold', 3)")), "r1");
      s.execute("CREATE ROLE tier_reader NOLOGIN");
      s.execute("GRANT SELECT ON marts.customers_per_tier TO tier_reader WITH GRANT OPTION");

      marts.publish(
          List.of(
              stage(
                  marts,
                  "00000002",
                  "month_start date, tier text, customers bigint",
                  "('2026-01-01', 'Gold', 4)")),
          "r2");

      assertThat(column(c, "SELECT customers FROM marts.customers_per_tier")).containsExactly("4");
      assertThat(
              column(
                  c,
                  "SELECT has_table_privilege('tier_reader', 'marts.customers_per_tier',"
                      + " 'SELECT WITH GRANT OPTION')"))
          .containsExactly("t");
      assertThat(column(c, "SELECT obj_description('marts.customers_per_tier'::regclass)"))
          .containsExactly("One row per month and tier. Exported from gold.customers_per_tier.");
    }
  }
}
