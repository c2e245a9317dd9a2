package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;

/**
 * The export of a gold built by a gold run (customer C1, account A1): what it publishes, its
 * no-ops, the health summaries, lock waits, privileges and the earlier layout.
 */
class PostgresExportTest extends PostgresExportTestBase {
  /** Customer C1 with account A1 (opening 100.00, one 10.00 deposit); no test changes it. */
  static Lake oneAccount;

  @BeforeAll
  static void buildTheLakeWithOneAccount() throws Exception {
    oneAccount = Lake.withOneAccount(shared.resolve("one-account"));
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
