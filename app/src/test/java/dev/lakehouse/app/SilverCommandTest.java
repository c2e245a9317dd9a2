package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sample capture through ingest, bronze and silver on the command line, with its exit codes.
 */
class SilverCommandTest extends CliTestBase {

  @Test
  void sampleCaptureThroughSilverWithAFailRuleExitingWith3() throws Exception {
    startBroker();
    String[] common = {
      "--data-dir",
      dataDir.toString(),
      "--conf",
      bootstrapConf(),
      "--conf",
      "engine.master=local[2]",
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

    // Dated FX rates: a file with a bad line loads nothing; a good one names what it revalues.
    Path rates = dataDir.resolve("rates.csv");
    Files.writeString(
        rates, "currency,effective_date,inr_per_unit\nUSD,2026-11-01,84.10\nEUR,2026-11-31,90\n");
    CliRun bad = CliRun.of(concat(new String[] {"fx", "load", rates.toString()}, common));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err())
        .contains("1 bad line(s); nothing was loaded")
        .contains("line 3: effective_date '2026-11-31' is not a date");
    Files.writeString(
        rates, "currency,effective_date,inr_per_unit\nUSD,2026-11-01,84.10\nINR,2026-11-01,1\n");
    CliRun load = CliRun.of(concat(new String[] {"fx", "load", rates.toString()}, common));
    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.json().get("added").asInt()).isEqualTo(2);
    JsonNode change = load.json().get("changes").get(0);
    assertThat(change.get("currency").asText()).isEqualTo("USD"); // INR at 1 changes nothing
    assertThat(load.json().get("changes").size()).isEqualTo(1);
    assertThat(change.get("from").asText()).isEqualTo("2026-11-01");
    assertThat(change.get("transactions").asInt()).isZero(); // the sample pays in INR
    CliRun list = CliRun.of(concat(new String[] {"fx", "list", "--currency", "USD"}, common));
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.json().get("rates").get(0).get("inr_per_unit").asText()).isEqualTo("84.100000");
  }
}
