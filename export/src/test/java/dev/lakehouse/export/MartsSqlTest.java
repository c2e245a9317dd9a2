package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class MartsSqlTest {
  static final ExportedTable STATEMENT = ExportedTableTest.table("monthly_statement");

  @Test
  void theManifestHasOneRowPerMartAndRun() {
    assertThat(MartsSql.CREATE_MANIFEST)
        .containsExactly(
            "CREATE TABLE IF NOT EXISTS marts.export_manifest (mart text NOT NULL, gold_snapshot_id"
                + " bigint NOT NULL, run_id text NOT NULL, row_count bigint NOT NULL, checksum text"
                + " NOT NULL, exported_at timestamptz NOT NULL DEFAULT now())",
            "COMMENT ON TABLE marts.export_manifest IS"
                + " 'One row per mart and export run that published it.'");
  }

  @Test
  void aVersionIsATableOfMartsDataThatReplacesALeftoverOfItsName() {
    StructType schema =
        new StructType()
            .add("account_id", DataTypes.StringType)
            .add("opening_balance_inr", DataTypes.createDecimalType(18, 2));

    assertThat(MartsSql.createVersion("monthly_statement__1a2b3c4d", schema))
        .containsExactly(
            "DROP TABLE IF EXISTS marts_data.monthly_statement__1a2b3c4d",
            "CREATE TABLE marts_data.monthly_statement__1a2b3c4d"
                + " (account_id text, opening_balance_inr numeric(18,2))");
  }

  @Test
  void theVersionsPrimaryKeyIsTheGrainNamedForTheVersion() {
    assertThat(MartsSql.addPrimaryKey(STATEMENT, "1a2b3c4d"))
        .isEqualTo(
            "ALTER TABLE marts_data.monthly_statement__1a2b3c4d ADD CONSTRAINT"
                + " monthly_statement__1a2b3c4d_pkey PRIMARY KEY (account_id, month_start)");
  }

  @Test
  void indexesGoOnTheVersionNamedByTableNumberAndRunButThoseThePrimaryKeyServes() {
    // Index 0, (account_id, month_start), is the primary key's own.
    assertThat(MartsSql.createIndexes(STATEMENT, "1a2b3c4d"))
        .containsExactly(
            "CREATE INDEX monthly_statement_1_1a2b3c4d"
                + " ON marts_data.monthly_statement__1a2b3c4d (customer_id)");
    assertThat(MartsSql.createIndexes(ExportedTableTest.table("monthly_kpis"), "1a2b3c4d"))
        .isEmpty(); // month_start is the key
  }

  @Test
  void everyLockWaitIsBoundedForTheSessionAndForEachTransaction() {
    LockWaits waits = new LockWaits(Duration.ofSeconds(5), 3, Duration.ofSeconds(2));
    assertThat(MartsSql.sessionLockTimeout(waits)).isEqualTo("SET lock_timeout = '5000ms'");
    assertThat(MartsSql.transactionLockTimeout(waits))
        .isEqualTo("SET LOCAL lock_timeout = '5000ms'");
    assertThat(waits.text()).isEqualTo("5 s");
    assertThat(waits.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(waits.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(LockWaits.DEFAULT).isEqualTo(waits);
  }

  @Test
  void commentsGiveTheGrainTheSourceAndTheMeaningOfNamedColumns() {
    List<String> sql =
        MartsSql.comments(
            "TABLE",
            "marts_data.monthly_statement__1a2b3c4d",
            "gold.monthly_statement",
            "One row per account and month; the customer's statement.",
            List.of("account_id", "month_start", "opening_balance_inr", "txn_count"));

    assertThat(sql)
        .containsExactly(
            "COMMENT ON TABLE marts_data.monthly_statement__1a2b3c4d IS 'One row per account and"
                + " month; the customer''s statement. Exported from gold.monthly_statement.'",
            "COMMENT ON COLUMN marts_data.monthly_statement__1a2b3c4d.account_id IS 'Business"
                + " key.'",
            "COMMENT ON COLUMN marts_data.monthly_statement__1a2b3c4d.month_start"
                + " IS 'The month, as its first day (UTC); part of the grain.'",
            "COMMENT ON COLUMN marts_data.monthly_statement__1a2b3c4d.opening_balance_inr"
                + " IS 'Indian rupees, exact to the paisa (numeric, 2 decimals).'");
    assertThat(
            MartsSql.comments(
                "VIEW", "marts.monthly_statement", "gold.monthly_statement", "Grain.", List.of()))
        .containsExactly(
            "COMMENT ON VIEW marts.monthly_statement IS 'Grain. Exported from"
                + " gold.monthly_statement.'");
  }

  @Test
  void columnNotesFollowTheNamingConvention() {
    assertThat(MartsSql.columnNote("as_of_month")).startsWith("The month");
    assertThat(MartsSql.columnNote("summary_date")).startsWith("A calendar day");
    assertThat(MartsSql.columnNote("revenue_growth")).startsWith("Change against");
    assertThat(MartsSql.columnNote("merchant_key")).startsWith("Key to a dimension");
    assertThat(MartsSql.columnNote("tier")).isNull();
  }

  @Test
  void publishingPointsTheMartsViewAtTheNewVersionAndDropsNothing() {
    assertThat(
            MartsSql.pointView(
                "monthly_statement",
                "monthly_statement__1a2b3c4d",
                List.of("account_id", "month_start")))
        .isEqualTo(
            "CREATE OR REPLACE VIEW marts.monthly_statement AS SELECT account_id, month_start"
                + " FROM marts_data.monthly_statement__1a2b3c4d");
  }

  @Test
  void grantsAreGivenAgainOnTheView() {
    assertThat(MartsSql.grant("SELECT", "dim_date", "lakehouse_reader", false))
        .isEqualTo("GRANT SELECT ON marts.dim_date TO lakehouse_reader");
    assertThat(MartsSql.grant("SELECT", "dim_date", "PUBLIC", true))
        .isEqualTo("GRANT SELECT ON marts.dim_date TO PUBLIC WITH GRANT OPTION");
  }

  @Test
  void theManifestChecksumIsCountColonSum() {
    assertThat(new Checksum(3, new BigInteger("-9223372036854775809")).text())
        .isEqualTo("3:-9223372036854775809");
    assertThat(new Checksum(0, BigInteger.ZERO).text()).isEqualTo("0:0"); // an empty table
  }
}
