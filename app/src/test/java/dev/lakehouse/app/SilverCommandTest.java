package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sample capture through ingest, bronze and silver on the command line, with its exit codes.
 */
class SilverCommandTest extends CliTestBase {

  @Test
  void sampleCaptureThroughSilverWithAFailRuleExitingWith3() {
    startBroker();
    String[] common = {
      "--data-dir",
      dataDir.toString(),
      "--conf",
      bootstrapConf(),
      "--conf",
      "spark.master=local[2]",
      "--json"
    };
    Path sample =
        Path.of(System.getProperty("user.dir"))
            .getParent()
            .resolve("data/samples/transactions.jsonl");
    assertThat(
            CliRun.of(
                    concat(
                        new String[] {
                          "ingest", "--topic", "transactions", "--file", sample.toString()
                        },
                        common))
                .exitCode())
        .isZero();
    CliRun bronze = CliRun.of(concat(new String[] {"bronze", "--available-now"}, common));
    assertThat(bronze.exitCode()).as(bronze.err()).isZero();
    assertThat(bronze.json().get("bronze_rows").get("transactions").asInt()).isEqualTo(3);
    assertThat(bronze.json().get("dead_letters").asInt()).isEqualTo(3);

    // The sample's account is not in silver.accounts: a warn rule by default, made a fail rule
    // here.
    CliRun strict =
        CliRun.of(
            concat(
                new String[] {
                  "silver",
                  "--date",
                  "2026-11-21",
                  "--conf",
                  "silver.severity-overrides=txn_account_known=fail"
                },
                common));
    assertThat(strict.exitCode()).isEqualTo(3);
    assertThat(strict.err())
        .contains("txn_account_known (1 rows)")
        .contains("Nothing was committed");

    CliRun silver = CliRun.of(concat(new String[] {"silver", "--date", "2026-11-21"}, common));
    assertThat(silver.exitCode()).as(silver.err()).isZero();
    JsonNode run = silver.json().get("runs").get(0);
    assertThat(run.get("status").asText()).isEqualTo("SUCCESS");
    assertThat(run.get("dq_failures").get("txn_account_known").asInt()).isEqualTo(1);
    assertThat(silver.out()).contains("silver 2026-11-21 (window 2026-11-18..2026-11-21): SUCCESS");

    CliRun sql =
        CliRun.of(
            concat(
                new String[] {
                  "sql", "SELECT transaction_id, status, events_seen FROM silver.transactions"
                },
                common));
    assertThat(sql.json().get("results").toString())
        .isEqualTo(
            "[{\"transaction_id\":\"T-SAMPLE-1\",\"status\":\"SUCCESS\",\"events_seen\":2}]");

    CliRun gap = CliRun.of(concat(new String[] {"silver", "--date", "2026-11-23"}, common));
    assertThat(gap.exitCode()).isEqualTo(2);
    assertThat(gap.err()).contains("missed: 2026-11-22");
  }
}
