package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.junit.jupiter.api.Timeout;
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
      Lake lake = new Lake(dir, PostgresExportTest.spark.newSession(), newDatabase());
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
      Lake lake = new Lake(dir, PostgresExportTest.spark.newSession(), newDatabase());
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

  @Test
  void exportPublishesEveryTableAsAViewWithItsManifestRowCommentIndexesAndPrimaryKey()
      throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();

    PostgresExporter.Result r = lake.export();

    // The fraud stream's alerts are published with the marts, amounts still exact.
    assertThat(r.published()).containsEntry("fraud_alerts", 1L);
    try (Connection c = lake.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT alert_id, rule, amount, amount_inr FROM marts.fraud_alerts")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("amount:T9");
      assertThat(rs.getString(2)).isEqualTo("amount");
      assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("3000.05");
      assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("250006.17");
      assertThat(rs.next()).isFalse();
    }
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
    // Readers see views only; each shows the one version this run wrote, named for the run.
    assertThat(
            lake.query(
                "SELECT count(*) FROM information_schema.views WHERE table_schema = 'marts'"))
        .isEqualTo(tables);
    String version = "monthly_statement__" + r.runId().substring(0, 8);
    assertThat(lake.versions("monthly_statement")).containsExactly(version);
    assertThat(
            lake.query(
                "SELECT count(*) FROM information_schema.view_table_usage WHERE view_schema ="
                    + " 'marts' AND view_name = 'monthly_statement' AND table_schema ="
                    + " 'marts_data' AND table_name = '"
                    + version
                    + "'"))
        .isEqualTo(1);
    // The key's index serves (account_id, month_start); the customer_id index is the other.
    assertThat(
            lake.text(
                "SELECT string_agg(indexdef, ' | ' ORDER BY indexname) FROM pg_indexes"
                    + " WHERE schemaname = 'marts_data' AND tablename = '"
                    + version
                    + "'"))
        .isEqualTo(
            "CREATE INDEX monthly_statement_1_"
                + r.runId().substring(0, 8)
                + " ON marts_data."
                + version
                + " USING btree (customer_id) | CREATE UNIQUE INDEX "
                + version
                + "_pkey ON marts_data."
                + version
                + " USING btree (account_id, month_start)");
    // Every version has the primary key of its table's grain (DOMAIN.md and gold's comments).
    Map<String, String> keys = new TreeMap<>();
    try (Connection c = lake.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT split_part(t.relname, '__', 1), string_agg(a.attname, ', ' ORDER BY"
                    + " k.ord) FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid"
                    + " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname ="
                    + " 'marts_data' CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY"
                    + " k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum ="
                    + " k.attnum WHERE con.contype = 'p' GROUP BY t.relname")) {
      while (rs.next()) {
        keys.put(rs.getString(1), rs.getString(2));
      }
    }
    assertThat(keys)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("daily_revenue_summary", "summary_date, merchant_category, city_tier"),
                Map.entry("monthly_statement", "account_id, month_start"),
                Map.entry("customers_in_red", "as_of_month, customer_id"),
                Map.entry("high_activity_customers", "as_of_month, customer_id"),
                Map.entry("monthly_kpis", "month_start"),
                Map.entry("customers_per_tier", "month_start, tier"),
                Map.entry("monthly_transaction_trend", "month_start, txn_type"),
                Map.entry("mart_account_summary", "trading_account_id"),
                Map.entry("mart_daily_trading", "trade_date"),
                Map.entry("mart_stock_performance", "symbol, trade_date"),
                Map.entry("mart_sector_performance", "trade_date, sector"),
                Map.entry("dim_stock", "stock_key"),
                Map.entry("dim_trading_account", "trading_account_id"),
                Map.entry("dim_customer", "customer_key"),
                Map.entry("dim_account", "account_key"),
                Map.entry("dim_merchant", "merchant_key"),
                Map.entry("dim_date", "date_key"),
                Map.entry("fct_transactions", "transaction_id"),
                Map.entry("fraud_alerts", "alert_id")));
    // The comments are on the view readers see, and on the version.
    assertThat(lake.text("SELECT obj_description('marts.monthly_statement'::regclass)"))
        .startsWith("One row per account and month.");
    assertThat(lake.text("SELECT col_description('marts.monthly_statement'::regclass, 4)"))
        .startsWith("Indian rupees"); // opening_balance_inr
    assertThat(lake.text("SELECT obj_description('marts_data." + version + "'::regclass)"))
        .startsWith("One row per account and month.");
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
  void theHealthSummariesFollowTheOpsTablesAndArePublishedAgainOnlyWhenTheyChange()
      throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();
    lake.export();
    long batchRuns =
        lake.spark
            .sql("SELECT count(*) FROM " + Tables.OPS_RUNS + " WHERE job <> 'export'")
            .first()
            .getLong(0);
    assertThat(batchRuns).isPositive(); // gold ran
    assertThat(lake.query("SELECT count(*) FROM marts.health_runs")).isEqualTo(batchRuns);
    // No stream ran on this lake: its summaries are published empty, with their columns.
    assertThat(lake.query("SELECT count(*) FROM marts.health_stream")).isZero();
    assertThat(lake.query("SELECT count(*) FROM marts.health_freshness WHERE layer = 'gold'"))
        .isEqualTo(1);

    dev.lakehouse.ops.RunLedger.append(
        lake.spark,
        dev.lakehouse.ops.RunRecord.builder("health-test-run", "silver", "daily")
            .businessDate(java.time.LocalDate.of(2026, 1, 2))
            .status("FAILED")
            .startedAt(new java.sql.Timestamp(System.currentTimeMillis()))
            .counts(new dev.lakehouse.ops.RunRecord.Counts(0, 0, 0, 0, 0))
            .error("simulated failure")
            .build());
    PostgresExporter.Result again = lake.export();

    assertThat(again.published()).containsOnlyKeys("health_runs");
    assertThat(lake.query("SELECT count(*) FROM marts.health_runs")).isEqualTo(batchRuns + 1);
    assertThat(
            lake.query(
                "SELECT count(*) FROM marts.health_runs WHERE status = 'FAILED'"
                    + " AND error = 'simulated failure'"))
        .isEqualTo(1);
  }

  @Test
  void aFailedExportLeavesThePreviousDataInPlace(@TempDir Path dir) throws Exception {
    Lake lake = Lake.withOneStatement(dir);
    lake.export(); // marts hold A1's statement
    String statementVersion = lake.versions("monthly_statement").get(0);
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

    lake.assertOnlyThePublishedVersionsAreLeft(statementVersion, manifest);
    List<Row> ledger = lake.ledger();
    assertThat(ledger).extracting(row -> row.getString(0)).containsExactly("SUCCESS", "FAILED");
    assertThat(ledger.get(1).getString(1)).contains("simulated crash");
  }

  /**
   * Tables are staged side by side: when one of them fails (a statement that breaks its grain)
   * while others are staged, the export fails naming the key, and no version of any table is left
   * behind, whichever finished first.
   */
  @Test
  void aTableThatFailsWhileOthersAreStagedLeavesNoVersionOfAny(@TempDir Path dir) throws Exception {
    Lake lake = Lake.withOneStatement(dir);
    lake.export();
    String statementVersion = lake.versions("monthly_statement").get(0);
    long manifest = lake.query("SELECT count(*) FROM marts.export_manifest");
    // A1's statement twice: the new version's primary key fails. The health summaries change too
    // (the first export is a run of its own now), so they are staged at the same time.
    lake.spark.sql(
        "INSERT INTO "
            + Tables.qualified(Tables.GOLD_MONTHLY_STATEMENT)
            + " SELECT * FROM "
            + Tables.qualified(Tables.GOLD_MONTHLY_STATEMENT));
    assertThat(lake.config.intValue(Settings.EXPORT_TABLES_AT_ONCE)).isGreaterThan(1);

    assertThatThrownBy(lake::export)
        .hasMessageContaining("primary key (account_id, month_start)")
        .hasMessageContaining("The previous marts are unchanged.");

    lake.assertOnlyThePublishedVersionsAreLeft(statementVersion, manifest);
    assertThat(lake.ledger())
        .extracting(row -> row.getString(0))
        .containsExactly("SUCCESS", "FAILED");
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
    Lake lake = Lake.withOneStatement(dir);
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
    assertThat(lake.versions("monthly_statement")).hasSize(1); // the three replaced are dropped
  }

  @Test
  void anAnalystsViewAndAGrantOnAMartSurviveThePublicationOfNewData(@TempDir Path dir)
      throws Exception {
    Lake lake = Lake.withOneStatement(dir);
    lake.export(); // A1's statement: opening 100.00 + a 10.00 deposit = closing 110.00
    lake.asDba(
        "CREATE SCHEMA analyst",
        "CREATE VIEW analyst.big_balances AS SELECT account_id, closing_balance_inr"
            + " FROM marts.monthly_statement WHERE closing_balance_inr >= 100",
        "CREATE ROLE statement_reader LOGIN",
        "GRANT USAGE ON SCHEMA marts TO statement_reader",
        "GRANT SELECT ON marts.monthly_statement TO statement_reader");
    assertThat(lake.text("SELECT sum(closing_balance_inr) FROM analyst.big_balances"))
        .isEqualTo("110.00");
    lake.addStatementToGold(); // A2: closing 110.00 as well

    PostgresExporter.Result r = lake.export();

    assertThat(r.published()).containsOnlyKeys("monthly_statement");
    // The analyst's view reads the new version: 110.00 + 110.00.
    assertThat(lake.query("SELECT count(*) FROM analyst.big_balances")).isEqualTo(2);
    assertThat(lake.text("SELECT sum(closing_balance_inr) FROM analyst.big_balances"))
        .isEqualTo("220.00");
    try (Connection c = PostgresConnections.connect(lake.url, "statement_reader", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM marts.monthly_statement")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2);
    }
    assertThat(lake.versions("monthly_statement"))
        .containsExactly("monthly_statement__" + r.runId().substring(0, 8));
  }

  /**
   * A reader in an open transaction on a mart holds its view; the publication asks to replace the
   * view, waits one lock timeout per attempt, and gives up after the last attempt.
   */
  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard only
  void aReaderHoldingAMartPastEveryAttemptFailsTheExportNamingItsSession() throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();
    lake.export();
    String before = lake.versions("monthly_statement").get(0);
    // Forgets the publication of the statements, so the next export publishes them again (what
    // a new gold snapshot would do) without a gold run.
    lake.asDba("DELETE FROM marts.export_manifest WHERE mart = 'monthly_statement'");
    try (Connection reader = lake.connect();
        Statement s = reader.createStatement()) {
      reader.setAutoCommit(false);
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM marts.monthly_statement")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      int readerPid = reader.unwrap(PGConnection.class).getBackendPID();

      assertThatThrownBy(
              () -> lake.exportWaiting(new LockWaits(Duration.ofMillis(200), 3, Duration.ZERO)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot publish the marts: a lock on marts.monthly_statement")
          .hasMessageContaining("within 200 ms in any of 3 attempts")
          .hasMessageContaining("pid " + readerPid + " (user postgres")
          .hasMessageContaining("AccessShareLock")
          .hasMessageContaining("The previous marts are unchanged.");

      // The reader is undisturbed; the failed run left no version behind.
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM marts.monthly_statement")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      reader.commit();
    }
    assertThat(lake.versions("monthly_statement")).containsExactly(before);
    assertThat(lake.ledger()).extracting(row -> row.getString(0)).endsWith("FAILED");

    PostgresExporter.Result r = lake.export(); // the reader has gone

    assertThat(r.published()).containsOnlyKeys("monthly_statement");
    assertThat(lake.versions("monthly_statement"))
        .containsExactly("monthly_statement__" + r.runId().substring(0, 8));
    assertThat(lake.query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
  }

  /**
   * The roles of docs/postgres-access.md, as a DBA creates them: the exporter owns its two schemas
   * and has no CREATE privilege on the database; a BI login reads the marts through the reader role
   * and nothing else.
   */
  @Test
  void anExporterOwningItsSchemasWithoutCreateOnTheDatabaseExportsForAReadOnlyBiLogin()
      throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase().exportingAs("lakehouse_exporter");
    String database = lake.url.substring(lake.url.lastIndexOf('/') + 1);
    lake.asDba(
        "CREATE ROLE lakehouse_exporter LOGIN",
        "CREATE ROLE lakehouse_reader NOLOGIN",
        "CREATE ROLE lakehouse_bi LOGIN",
        "GRANT lakehouse_reader TO lakehouse_bi",
        "ALTER ROLE lakehouse_bi SET default_transaction_read_only = on",
        "GRANT CONNECT ON DATABASE " + database + " TO lakehouse_exporter, lakehouse_reader",
        "CREATE SCHEMA marts AUTHORIZATION lakehouse_exporter",
        "CREATE SCHEMA marts_data AUTHORIZATION lakehouse_exporter",
        "GRANT USAGE ON SCHEMA marts TO lakehouse_reader",
        "ALTER DEFAULT PRIVILEGES FOR ROLE lakehouse_exporter IN SCHEMA marts"
            + " GRANT SELECT ON TABLES TO lakehouse_reader");
    assertThat(
            lake.text(
                "SELECT has_database_privilege('lakehouse_exporter', current_database(),"
                    + " 'CREATE')"))
        .isEqualTo("f");

    PostgresExporter.Result r = lake.export();

    assertThat(r.published()).hasSize(ExportedTable.ALL.size());
    try (Connection bi = PostgresConnections.connect(lake.url, "lakehouse_bi", null);
        Statement s = bi.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT (SELECT count(*) FROM marts.monthly_statement),"
                  + " (SELECT count(*) FROM marts.export_manifest)")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
        assertThat(rs.getLong(2)).isEqualTo(ExportedTable.ALL.size());
      }
      String version = "marts_data.monthly_statement__" + r.runId().substring(0, 8);
      assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM " + version))
          .hasMessageContaining("permission denied for schema marts_data");
      assertThatThrownBy(() -> s.execute("DELETE FROM marts.monthly_statement"))
          .hasMessageContaining("permission denied for view monthly_statement");
      try (ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("on");
      }
    }
  }

  /**
   * A database the export wrote before views: marts.monthly_statement is a table, and the manifest
   * says the current gold is published. An analyst's view on that table stops the move (PostgreSQL
   * cannot move it to the view); once its owner drops it, the next export moves every table.
   */
  @Test
  void theFirstExportReplacesATableOfTheEarlierLayoutByAViewUnlessAViewDependsOnIt()
      throws Exception {
    Lake lake = oneAccount.exportingToNewDatabase();
    long statementSnapshot =
        LakehouseSpark.currentSnapshotId(lake.spark, Tables.GOLD_MONTHLY_STATEMENT);
    lake.asDba(
        "CREATE SCHEMA marts",
        "CREATE TABLE marts.export_manifest (mart text NOT NULL, gold_snapshot_id bigint NOT NULL,"
            + " run_id text NOT NULL, row_count bigint NOT NULL, checksum text NOT NULL,"
            + " exported_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO marts.export_manifest (mart, gold_snapshot_id, run_id, row_count, checksum)"
            + " VALUES ('monthly_statement', "
            + statementSnapshot
            + ", 'earlier', 1, '1:0')",
        // A stale closing balance, to see which data the view shows.
        "CREATE TABLE marts.monthly_statement AS SELECT 'A1'::text AS account_id, 'C1'::text AS"
            + " customer_id, DATE '2026-01-01' AS month_start, 100.00::numeric(38,2) AS"
            + " opening_balance_inr, 10.00::numeric(38,2) AS credits_inr, 0.00::numeric(38,2) AS"
            + " debits_inr, 0.00::numeric(38,2) AS fees_inr, 999.00::numeric(38,2) AS"
            + " closing_balance_inr, 1::bigint AS txn_count, 1::bigint AS all_status_count",
        "CREATE ROLE earlier_reader LOGIN",
        "GRANT USAGE ON SCHEMA marts TO earlier_reader",
        "GRANT SELECT ON marts.monthly_statement TO earlier_reader",
        "CREATE SCHEMA analyst",
        "CREATE VIEW analyst.statement_total AS"
            + " SELECT sum(closing_balance_inr) AS total_inr FROM marts.monthly_statement");

    assertThatThrownBy(lake::export)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot replace the table marts.monthly_statement")
        .hasMessageContaining("depend on it: analyst.statement_total")
        .hasMessageContaining("pg_get_viewdef")
        .hasMessageContaining("The previous marts are unchanged.");
    assertThat(
            lake.text(
                "SELECT relkind FROM pg_class WHERE oid = 'marts.monthly_statement'::regclass"))
        .isEqualTo("r");
    assertThat(lake.text("SELECT total_inr FROM analyst.statement_total")).isEqualTo("999.00");
    assertThat(lake.query("SELECT count(*) FROM pg_views WHERE schemaname = 'marts'")).isZero();

    lake.asDba("DROP VIEW analyst.statement_total");
    PostgresExporter.Result r = lake.export();

    assertThat(r.published()).hasSize(ExportedTable.ALL.size());
    assertThat(
            lake.text(
                "SELECT relkind FROM pg_class WHERE oid = 'marts.monthly_statement'::regclass"))
        .isEqualTo("v");
    try (Connection c = PostgresConnections.connect(lake.url, "earlier_reader", null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT closing_balance_inr FROM marts.monthly_statement")) {
      rs.next();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("110.00"); // gold's, not the stale one
    }
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
