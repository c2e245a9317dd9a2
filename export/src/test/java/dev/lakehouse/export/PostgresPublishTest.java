package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing against a real PostgreSQL server, on golds written straight into gold (no gold run): a
 * failed export leaves what readers see in place, a concurrent reader never sees an empty or
 * partial table, and an analyst's view and grants survive new data.
 */
class PostgresPublishTest extends PostgresExportTestBase {
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
}
