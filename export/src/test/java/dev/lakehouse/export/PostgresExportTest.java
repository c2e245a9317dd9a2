package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.SilverRows;
import dev.lakehouse.silver.SilverTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * The export against a real PostgreSQL server (embedded binaries), on small hand-built golds. The
 * server and the Spark context are shared by the class; every test exports to a database of its
 * own, and a test that changes gold builds a lake of its own.
 */
class PostgresExportTest {
  @TempDir static Path shared;
  static EmbeddedPostgres pg;
  static SparkSession spark;
  static final AtomicInteger DATABASES = new AtomicInteger();

  /** Customer C1 with account A1 (opening 100.00, one 10.00 deposit); no test changes it. */
  static Lake oneAccount;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(shared.resolve("pg"))
            .setCleanDataDirectory(true)
            .start();
    // Starts the shared context; each lake then works in a session of its own on it.
    spark = TestLake.spark(TestLake.config(shared.resolve("base")));
    oneAccount = Lake.withOneAccount(shared.resolve("one-account"));
  }

  @AfterAll
  static void stop() throws Exception {
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
    final LakehouseConfig config;
    private int accounts;

    private Lake(Path dir, SparkSession spark, String url) {
      this.dir = dir;
      this.spark = spark;
      this.config =
          TestLake.config(
              dir, Settings.POSTGRES_URL + "=" + url, Settings.EXPORT_PARALLELISM + "=2");
    }

    /** A new lake with customer C1 and account A1, gold built, exporting to a new database. */
    static Lake withOneAccount(Path dir) throws SQLException {
      Lake lake = new Lake(dir, PostgresExportTest.spark.newSession(), newDatabase());
      // The session's catalog must point at this lake's warehouse before anything loads it.
      LakehouseSpark.catalogProperties(lake.config).forEach((k, v) -> lake.spark.conf().set(k, v));
      // Iceberg's catalog takes its Hadoop settings from the active session when it initialises.
      SparkSession.setActiveSession(lake.spark);
      SilverTables.createIfMissing(lake.spark);
      SilverRows.append(lake.spark, Tables.SILVER_CUSTOMERS, List.of(SilverRows.customer("C1")));
      lake.addAccountAndRebuild(); // A1
      return lake;
    }

    /** The same gold, exporting to a new database. */
    Lake exportingToNewDatabase() throws SQLException {
      Lake lake = new Lake(dir, spark, newDatabase());
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

    Connection connect() throws SQLException {
      return PostgresConnections.connect(config);
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

  @Test
  void exportPublishesEveryTableWithItsManifestRowCommentAndIndexes() throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();

    PostgresExporter.Result r = lake.export();

    int tables = ExportedTable.ALL.size();
    assertThat(r.published()).hasSize(tables);
    assertThat(r.unchanged()).isEmpty();
    assertThat(r.published()).containsEntry("monthly_statement", 1L);
    assertThat(lake.query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
    assertThat(lake.query("SELECT count(*) FROM marts.dim_account"))
        .isEqualTo(2); // A1 and the unknown member
    assertThat(lake.query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(tables);
    assertThat(
            lake.query(
                "SELECT count(*) FROM marts.export_manifest WHERE run_id = '"
                    + r.runId()
                    + "' AND mart = 'monthly_statement' AND row_count = 1 AND checksum LIKE '1:%'"))
        .isEqualTo(1);
    assertThat(
            lake.query(
                "SELECT count(*) FROM pg_indexes"
                    + " WHERE schemaname = 'marts' AND tablename = 'monthly_statement'"))
        .isEqualTo(2);
    assertThat(lake.text("SELECT obj_description('marts.monthly_statement'::regclass)"))
        .startsWith("One row per account and month.");
    assertThat(lake.text("SELECT col_description('marts.monthly_statement'::regclass, 4)"))
        .startsWith("Indian rupees"); // opening_balance_inr
    try (Connection c = lake.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT opening_balance_inr, credits_inr, closing_balance_inr"
                    + " FROM marts.monthly_statement")) {
      rs.next();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("100.00");
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("10.00");
      assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("110.00");
    }
    assertThat(lake.ledgerStatus(r.runId())).isEqualTo("SUCCESS");
  }

  @Test
  void reexportingTheSameGoldIsANoOp() throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();
    lake.export();
    long manifest = lake.query("SELECT count(*) FROM marts.export_manifest");

    PostgresExporter.Result again = lake.export();

    assertThat(again.published()).isEmpty();
    assertThat(again.unchanged()).hasSize(ExportedTable.ALL.size());
    assertThat(again.rows()).isZero();
    assertThat(lake.query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(manifest);
    assertThat(lake.ledgerStatus(again.runId())).isEqualTo("NOOP");
  }

  @Test
  void aFailedExportLeavesThePreviousDataInPlace(@TempDir Path dir) throws Exception {
    Lake lake = Lake.withOneAccount(dir);
    lake.export(); // marts hold A1's statement
    lake.addStatementToGold(); // gold now has 2 statements
    long manifest = lake.query("SELECT count(*) FROM marts.export_manifest");
    PostgresExporter failing =
        new PostgresExporter(
            lake.spark,
            lake.config,
            run -> {
              throw new IllegalStateException("simulated crash after staging");
            });

    assertThatThrownBy(failing::run).hasMessageContaining("simulated crash");

    assertThat(lake.query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
    assertThat(lake.query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(manifest);
    assertThat(
            lake.query(
                "SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema = 'marts' AND table_name LIKE '%__stage_%'"))
        .isZero();
    List<Row> ledger = lake.ledger();
    assertThat(ledger).extracting(row -> row.getString(0)).containsExactly("SUCCESS", "FAILED");
    assertThat(ledger.get(1).getString(1)).contains("simulated crash");
  }

  /** Counts the published statements over and over until stopped, noting what it saw. */
  static final class StatementReader implements Runnable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final Set<Long> seen = ConcurrentHashMap.newKeySet();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicLong reads = new AtomicLong();
    private final Lake lake;

    StatementReader(Lake lake) {
      this.lake = lake;
    }

    @Override
    public void run() {
      try (Connection c = lake.connect();
          Statement s = c.createStatement()) {
        while (running.get()) {
          readOnce(s);
        }
      } catch (SQLException e) {
        errors.add(e.getMessage());
      }
    }

    private void readOnce(Statement s) {
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*), count(DISTINCT account_id) FROM marts.monthly_statement")) {
        r.next();
        long rows = r.getLong(1);
        long accounts = r.getLong(2);
        seen.add(rows);
        if (rows != accounts) {
          errors.add("duplicate statements: " + rows + " rows for " + accounts + " accounts");
        }
        reads.incrementAndGet();
      } catch (SQLException e) {
        errors.add(e.getMessage());
      }
    }
  }

  @Test
  void aConcurrentReaderNeverSeesAnEmptyOrPartialTable(@TempDir Path dir) throws Exception {
    Lake lake = Lake.withOneAccount(dir);
    lake.export(); // the reader needs the table: A1's statement
    StatementReader statements = new StatementReader(lake);
    Thread reader = new Thread(statements);
    reader.start();
    try {
      // Three publications while the reader queries: 2, 3 and 4 statements.
      lake.addStatementToGold();
      lake.export();
      lake.addStatementToGold();
      lake.export();
      lake.addStatementToGold();
      lake.export();
    } finally {
      statements.running.set(false);
      reader.join();
    }
    assertThat(statements.errors).isEmpty();
    assertThat(statements.reads.get()).isGreaterThan(10);
    assertThat(statements.seen).isSubsetOf(1L, 2L, 3L, 4L).contains(4L).doesNotContain(0L);
    assertThat(lake.query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(4);
  }

  @Test
  void copyReadsBackEveryEncodedValueUnchanged() throws Exception {
    String url = newDatabase();
    Timestamp micros = Timestamp.from(Instant.parse("2026-01-05T23:59:59.123456Z"));
    List<List<Object>> rows =
        List.of(
            // text that CSV must protect, a NULL beside an empty text
            Arrays.asList(
                "say \"hi\", then\ntwo lines \\ end",
                null,
                new BigDecimal("-1234.50"),
                micros,
                Date.valueOf("2026-01-31"),
                true,
                42L,
                0.25d),
            Arrays.asList("", "NULL", new BigDecimal("1E+3"), null, null, null, null, null));
    StringBuilder csv = new StringBuilder();
    for (List<Object> row : rows) {
      CsvEncoding.appendLine(row.size(), row::get, csv);
    }

    List<List<Object>> back = new ArrayList<>();
    try (Connection c = PostgresConnections.connect(url, "postgres", null);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (n serial, a text, b text, amount numeric(18,2), ts timestamptz,"
              + " d date, flag boolean, big bigint, x double precision)");
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              CsvEncoding.copyCommand("t (a, b, amount, ts, d, flag, big, x)"),
              new StringReader(csv.toString()));
      try (ResultSet r =
          s.executeQuery("SELECT a, b, amount, ts, d, flag, big, x FROM t ORDER BY n")) {
        while (r.next()) {
          OffsetDateTime ts = r.getObject(4, OffsetDateTime.class);
          back.add(
              Arrays.asList(
                  r.getString(1),
                  r.getString(2),
                  r.getBigDecimal(3),
                  ts == null ? null : Timestamp.from(ts.toInstant()),
                  r.getDate(5),
                  r.getObject(6),
                  r.getObject(7),
                  r.getObject(8)));
        }
      }
    }

    assertThat(back)
        .containsExactly(
            rows.get(0),
            Arrays.asList("", "NULL", new BigDecimal("1000.00"), null, null, null, null, null));
  }
}
