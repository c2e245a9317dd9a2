package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class MartsSqlTest {
  static final ExportedTable STATEMENT = ExportedTableTest.table("monthly_statement");

  @Test
  void theManifestHasOneRowPerMartAndRun() {
    assertThat(MartsSql.PREPARE)
        .containsExactly(
            "CREATE SCHEMA IF NOT EXISTS marts",
            "CREATE TABLE IF NOT EXISTS marts.export_manifest (mart text NOT NULL, gold_snapshot_id"
                + " bigint NOT NULL, run_id text NOT NULL, row_count bigint NOT NULL, checksum text"
                + " NOT NULL, exported_at timestamptz NOT NULL DEFAULT now())",
            "COMMENT ON TABLE marts.export_manifest IS"
                + " 'One row per mart and export run that published it.'");
  }

  @Test
  void aStagingTableReplacesALeftoverOfItsName() {
    StructType schema =
        new StructType()
            .add("account_id", DataTypes.StringType)
            .add("opening_balance_inr", DataTypes.createDecimalType(18, 2));

    assertThat(MartsSql.createStaging("monthly_statement__stage_1a2b3c4d", schema))
        .containsExactly(
            "DROP TABLE IF EXISTS marts.monthly_statement__stage_1a2b3c4d",
            "CREATE TABLE marts.monthly_statement__stage_1a2b3c4d"
                + " (account_id text, opening_balance_inr numeric(18,2))");
  }

  @Test
  void indexesGoOnTheStagingTableNamedByTableNumberAndRun() {
    assertThat(MartsSql.createIndexes(STATEMENT, "1a2b3c4d"))
        .containsExactly(
            "CREATE INDEX monthly_statement_0_1a2b3c4d"
                + " ON marts.monthly_statement__stage_1a2b3c4d (account_id, month_start)",
            "CREATE INDEX monthly_statement_1_1a2b3c4d"
                + " ON marts.monthly_statement__stage_1a2b3c4d (customer_id)");
  }

  @Test
  void commentsGiveTheGrainTheSourceAndTheMeaningOfNamedColumns() {
    List<String> sql =
        MartsSql.comments(
            "monthly_statement__stage_1a2b3c4d",
            "gold.monthly_statement",
            "One row per account and month; the customer's statement.",
            List.of("account_id", "month_start", "opening_balance_inr", "txn_count"));

    assertThat(sql)
        .containsExactly(
            "COMMENT ON TABLE marts.monthly_statement__stage_1a2b3c4d IS 'One row per account and"
                + " month; the customer''s statement. Exported from gold.monthly_statement.'",
            "COMMENT ON COLUMN marts.monthly_statement__stage_1a2b3c4d.account_id IS 'Business"
                + " key.'",
            "COMMENT ON COLUMN marts.monthly_statement__stage_1a2b3c4d.month_start"
                + " IS 'The month, as its first day (UTC); part of the grain.'",
            "COMMENT ON COLUMN marts.monthly_statement__stage_1a2b3c4d.opening_balance_inr"
                + " IS 'Indian rupees, exact to the paisa (numeric, 2 decimals).'");
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
  void publishingDropsTheLiveTableAndRenamesTheStagingOne() {
    StagedTable staged =
        new StagedTable(
            STATEMENT,
            "monthly_statement__stage_1a2b3c4d",
            42L,
            3,
            new Checksum(3, BigInteger.TEN));

    assertThat(MartsSql.swapIn(staged))
        .containsExactly(
            "DROP TABLE IF EXISTS marts.monthly_statement",
            "ALTER TABLE marts.monthly_statement__stage_1a2b3c4d RENAME TO monthly_statement");
  }

  @Test
  void theManifestChecksumIsCountColonSum() {
    assertThat(new Checksum(3, new BigInteger("-9223372036854775809")).text())
        .isEqualTo("3:-9223372036854775809");
    assertThat(new Checksum(0, BigInteger.ZERO).text()).isEqualTo("0:0"); // an empty table
  }
}
