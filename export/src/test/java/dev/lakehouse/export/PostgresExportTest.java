package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TestLake;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.gold.SilverRows;
import dev.lakehouse.silver.SilverTables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The export against a real PostgreSQL server (embedded binaries), on a small hand-built gold. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresExportTest {
  @TempDir static Path dataDir;
  static EmbeddedPostgres pg;
  static SparkSession spark;
  static LakehouseConfig config;
  static int accounts;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg")).setCleanDataDirectory(true).start();
    config = TestLake.config(dataDir, Settings.POSTGRES_URL + "=jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
        Settings.EXPORT_PARALLELISM + "=2");
    spark = TestLake.spark(config);
    SilverTables.createIfMissing(spark);
    SilverRows.append(spark, Tables.SILVER_CUSTOMERS, List.of(SilverRows.customer("C1")));
    addAccountAndRebuild(); // A1
  }

  @AfterAll
  static void stop() throws Exception {
    spark.stop();
    pg.close();
  }

  /** A new account with one deposit, then gold again: the statement mart gains a row. */
  static void addAccountAndRebuild() {
    accounts++;
    SilverRows.append(spark, Tables.SILVER_ACCOUNTS, List.of(SilverRows.account("A" + accounts, "C1", "100.00")));
    SilverRows.append(spark, Tables.SILVER_TRANSACTIONS,
        List.of(SilverRows.tx("A" + accounts, "DEPOSIT", "10.00", "SUCCESS", "2026-01-05", null)));
    GoldJob.runRange(spark, config, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31));
  }

  static long query(String sql) throws SQLException {
    try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  @Order(1)
  void exportPublishesEveryTableWithItsManifestRowCommentAndIndexes() throws Exception {
    PostgresExporter.Result r = PostgresExporter.export(spark, config);

    assertThat(r.published()).hasSize(PostgresExporter.EXPORTS.size());
    assertThat(query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM marts.dim_account")).isEqualTo(2); // A1 and the unknown member
    assertThat(query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(PostgresExporter.EXPORTS.size());
    assertThat(query("SELECT count(*) FROM marts.export_manifest WHERE run_id = '" + r.runId()
        + "' AND mart = 'monthly_statement' AND row_count = 1 AND checksum LIKE '1:%'")).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'marts' AND tablename = 'monthly_statement'")).isEqualTo(2);
    try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT obj_description('marts.monthly_statement'::regclass)")) {
      rs.next();
      assertThat(rs.getString(1)).startsWith("One row per account and month.");
    }
    try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT col_description('marts.monthly_statement'::regclass, 4)")) {
      rs.next();
      assertThat(rs.getString(1)).startsWith("Indian rupees"); // opening_balance_inr
    }
    try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT opening_balance_inr, credits_inr, closing_balance_inr FROM marts.monthly_statement")) {
      rs.next();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("100.00");
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("10.00");
      assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("110.00");
    }
  }

  @Test
  @Order(2)
  void reexportingTheSameGoldIsANoOp() throws Exception {
    long manifest = query("SELECT count(*) FROM marts.export_manifest");
    PostgresExporter.Result again = PostgresExporter.export(spark, config);
    assertThat(again.published()).isEmpty();
    assertThat(again.unchanged()).hasSize(PostgresExporter.EXPORTS.size());
    assertThat(query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(manifest);
  }

  @Test
  @Order(3)
  void aFailedExportLeavesThePreviousDataInPlace() throws Exception {
    addAccountAndRebuild(); // gold now has 2 statements
    long manifest = query("SELECT count(*) FROM marts.export_manifest");
    PostgresExporter failing = new PostgresExporter(spark, config, run -> {
      throw new IllegalStateException("simulated crash after staging");
    });

    assertThatThrownBy(failing::run).hasMessageContaining("simulated crash");

    assertThat(query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(1);
    assertThat(query("SELECT count(*) FROM marts.export_manifest")).isEqualTo(manifest);
    assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts'"
        + " AND table_name LIKE '%__stage_%'")).isZero();
  }

  @Test
  @Order(4)
  void aConcurrentReaderNeverSeesAnEmptyOrPartialTable() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    List<String> errors = new CopyOnWriteArrayList<>();
    long[] reads = new long[1];
    Thread reader = new Thread(() -> {
      try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement()) {
        while (running.get()) {
          try (ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT account_id) FROM marts.monthly_statement")) {
            r.next();
            seen.add(r.getLong(1));
            if (r.getLong(1) != r.getLong(2)) {
              errors.add("duplicate statements: " + r.getLong(1) + " rows for " + r.getLong(2) + " accounts");
            }
            reads[0]++;
          } catch (SQLException e) {
            errors.add(e.getMessage());
          }
        }
      } catch (SQLException e) {
        errors.add(e.getMessage());
      }
    });
    reader.start();
    try {
      // Three publications while the reader queries: 2, 3 and 4 statements.
      PostgresExporter.export(spark, config);
      addAccountAndRebuild();
      PostgresExporter.export(spark, config);
      addAccountAndRebuild();
      PostgresExporter.export(spark, config);
    } finally {
      running.set(false);
      reader.join();
    }
    assertThat(errors).isEmpty();
    assertThat(reads[0]).isGreaterThan(10);
    assertThat(seen).isSubsetOf(1L, 2L, 3L, 4L).contains(4L).doesNotContain(0L);
    assertThat(query("SELECT count(*) FROM marts.monthly_statement")).isEqualTo(4);
  }

}
