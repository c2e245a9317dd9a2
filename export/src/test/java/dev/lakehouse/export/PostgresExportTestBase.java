package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.fraud.FraudTables;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.GoldTables;
import dev.lakehouse.gold.SilverRows;
import dev.lakehouse.silver.SilverTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the export tests against a real PostgreSQL server (embedded binaries) share: the server and
 * the Spark context, started once per class; every test exports to a database of its own, and a
 * test that changes gold builds a lake of its own.
 */
abstract class PostgresExportTestBase {
  @TempDir static Path shared;
  static EmbeddedPostgres pg;
  static SparkSession spark;
  static final AtomicInteger DATABASES = new AtomicInteger();

  @BeforeAll
  static void startTheServerAndSpark() throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(shared.resolve("pg"))
            .setCleanDataDirectory(true)
            .start();
    // Starts the shared context; each lake then works in a session of its own on it.
    spark = TestLake.spark(TestLake.config(shared.resolve("base")));
  }

  @AfterAll
  static void stopTheServerAndSpark() throws Exception {
    spark.stop();
    pg.close();
  }

  /** An empty database on the shared server, as the URL the export connects to. */
  static String newDatabase() throws SQLException {
    String name = "export_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name;
  }

  /**
   * A lake (Iceberg warehouse and the Spark session that sees it, on the shared context) and the
   * database it exports to.
   */
  static final class Lake {
    final Path dir;
    final SparkSession spark;
    final String url;
    final LakehouseConfig config;
    private int accounts;

    private Lake(Path dir, SparkSession spark, String url, String user) {
      this.dir = dir;
      this.spark = spark;
      this.url = url;
      this.config =
          TestLake.config(
              dir,
              Settings.POSTGRES_URL + "=" + url,
              Settings.POSTGRES_USER + "=" + user,
              Settings.EXPORT_PARALLELISM + "=2",
              // Tables of one row go through the driver's COPY, larger ones the executors'.
              Settings.EXPORT_DRIVER_COPY_ROWS + "=1");
    }

    private Lake(Path dir, SparkSession spark, String url) {
      this(dir, spark, url, "postgres");
    }

    /** A new lake with customer C1 and account A1, gold built, exporting to a new database. */
    static Lake withOneAccount(Path dir) throws SQLException {
      Lake lake = new Lake(dir, PostgresExportTestBase.spark.newSession(), newDatabase());
      // The session's catalog must point at this lake's warehouse before anything loads it.
      LakehouseSpark.catalogProperties(lake.config).forEach((k, v) -> lake.spark.conf().set(k, v));
      // Iceberg's catalog takes its Hadoop settings from the active session when it initialises.
      SparkSession.setActiveSession(lake.spark);
      SilverTables.createIfMissing(lake.spark);
      SilverRows.append(lake.spark, Tables.SILVER_CUSTOMERS, List.of(SilverRows.customer("C1")));
      lake.addAccountAndRebuild(); // A1
      FraudTables.createIfMissing(lake.spark);
      lake.spark.sql(
          "INSERT INTO "
              + Tables.qualified(Tables.FRAUD_ALERTS)
              + " VALUES ('amount:T9', 'amount', 1.25, 'T9', 'C1', 'A1', 'CARD_PAYMENT', 3000.05,"
              + " 'USD', 250006.17, TIMESTAMP '2026-01-05 10:00:00', TIMESTAMP '2026-01-05"
              + " 10:00:01', 'INR 250006.17 >= 200000', 'transactions', 0, 41, TIMESTAMP"
              + " '2026-01-05 10:00:00')");
      return lake;
    }

    /**
     * A new lake whose gold holds only A1's statement (opening 100.00, one 10.00 deposit), written
     * straight into gold, exporting to a new database: for the tests of publishing, which need a
     * gold that changes, not a gold run, which costs seconds.
     */
    static Lake withOneStatement(Path dir) throws SQLException {
      Lake lake = new Lake(dir, PostgresExportTestBase.spark.newSession(), newDatabase());
      LakehouseSpark.catalogProperties(lake.config).forEach((k, v) -> lake.spark.conf().set(k, v));
      SparkSession.setActiveSession(lake.spark);
      GoldTables.createIfMissing(lake.spark);
      lake.addStatementToGold(); // A1
      return lake;
    }

    /** The same gold, exporting to a new database. */
    Lake exportingToNewDatabase() throws SQLException {
      Lake lake = new Lake(dir, spark, newDatabase());
      lake.accounts = accounts;
      return lake;
    }

    /** The same gold and database, exported by another PostgreSQL user. */
    Lake exportingAs(String user) {
      Lake lake = new Lake(dir, spark, url, user);
      lake.accounts = accounts;
      return lake;
    }

    /** A new account with one deposit, then gold again: the statement mart gains a row. */
    void addAccountAndRebuild() {
      accounts++;
      SilverRows.append(
          spark,
          Tables.SILVER_ACCOUNTS,
          List.of(SilverRows.account("A" + accounts, "C1", "100.00")));
      SilverRows.append(
          spark,
          Tables.SILVER_TRANSACTIONS,
          List.of(
              SilverRows.tx("A" + accounts, "DEPOSIT", "10.00", "SUCCESS", "2026-01-05", null)));
      GoldJob.runRange(spark, config, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31));
    }

    /**
     * One more statement row straight into gold (account A2, A3 ...): a new gold snapshot of the
     * statement mart without the cost of a gold run, which the export tests do not need.
     */
    void addStatementToGold() {
      accounts++;
      spark.sql(
          "INSERT INTO "
              + Tables.qualified(Tables.GOLD_MONTHLY_STATEMENT)
              + " VALUES ('A"
              + accounts
              + "', 'C1', DATE '2026-01-01', 100.00, 10.00, 0.00, 0.00, 110.00, 1, 1)");
    }

    PostgresExporter.Result export() {
      return PostgresExporter.export(spark, config);
    }

    /** An export whose lock waits are short, so that a test of them runs in a second or two. */
    PostgresExporter.Result exportWaiting(LockWaits waits) {
      return new PostgresExporter(spark, config, run -> {}, waits).run();
    }

    /** Runs statements as the superuser postgres on the lake's database (what a DBA does). */
    void asDba(String... statements) throws SQLException {
      try (Connection c = PostgresConnections.connect(url, "postgres", null);
          Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
    }

    /** The versions of a mart in schema marts_data, by name. */
    List<String> versions(String mart) throws SQLException {
      List<String> names = new ArrayList<>();
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                      + " 'marts_data' AND table_name LIKE '"
                      + mart
                      + "\\_\\_%' ORDER BY 1")) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
      return names;
    }

    Connection connect() throws SQLException {
      return PostgresConnections.connect(config);
    }

    /**
     * After a failed export of a lake with one published statement: that statement is what readers
     * see, the manifest is as it was, and nothing of the failed run is left (one version per mart,
     * the one its view shows).
     */
    void assertOnlyThePublishedVersionsAreLeft(String statementVersion, long manifest)
        throws SQLException {
      assertThat(query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
      assertThat(query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(manifest);
      assertThat(versions("monthly_statement")).containsExactly(statementVersion);
      assertThat(
              query(
                  "SELECT count(*) FROM information_schema.tables WHERE table_schema ="
                      + " 'marts_data'"))
          .isEqualTo(ExportedTable.ALL.size());
    }

    long query(String sql) throws SQLException {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery(sql)) {
        r.next();
        return r.getLong(1);
      }
    }

    String text(String sql) throws SQLException {
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery(sql)) {
        r.next();
        return r.getString(1);
      }
    }

    /** The export's rows in ops.runs, oldest first: status and error. */
    List<Row> ledger() {
      return spark
          .sql(
              "SELECT status, error FROM "
                  + Tables.qualified(Tables.OPS_RUNS)
                  + " WHERE job = 'export' ORDER BY started_at")
          .collectAsList();
    }

    String ledgerStatus(String runId) {
      return spark
          .sql(
              "SELECT status FROM "
                  + Tables.qualified(Tables.OPS_RUNS)
                  + " WHERE run_id = '"
                  + runId
                  + "'")
          .first()
          .getString(0);
    }
  }
}
