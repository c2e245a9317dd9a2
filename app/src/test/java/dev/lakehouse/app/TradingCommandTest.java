package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The trading warehouse on the command line: generated activity, prices from the embedded feed
 * through the real client, bronze, trading silver and gold. The generator, the feed and silver's
 * rules are independent pieces of code that must agree: nothing is quarantined and no trading day
 * is missing.
 */
class TradingCommandTest extends CliTestBase {

  @Test
  void generatedTradesAndFetchedPricesPassEveryRuleIntoGold() {
    startBroker();
    String[] common = {
      "--data-dir",
      dataDir.toString(),
      "--conf",
      bootstrapConf(),
      "--conf",
      "silver.lookback-days=4",
      "--json"
    };
    // 11-21 to 11-27: trading days 11-23, 24, 25 and 27 (the 26th is Thanksgiving).
    CliRun generate =
        CliRun.of(
            concat(
                common,
                "trading",
                "generate",
                "--days",
                "7",
                "--end-date",
                "2026-11-27",
                "--accounts",
                "10",
                "--orders-per-day",
                "8",
                "--seed",
                "3"));
    assertThat(generate.exitCode()).as(generate.err()).isZero();
    JsonNode g = generate.json();
    assertThat(g.get("orders").asInt()).isEqualTo(4 * 8);
    int trades = g.get("trades").asInt() - g.get("corrections").asInt();

    CliRun prices =
        CliRun.of(concat(common, "prices", "fetch", "--from", "2026-11-21", "--to", "2026-11-27"));
    assertThat(prices.exitCode()).as(prices.err()).isZero();
    assertThat(prices.json().get("published").asInt()).isEqualTo(15 * 4);
    assertThat(prices.json().get("requests_sent").asInt()).isEqualTo(15);
    assertThat(prices.out())
        .contains("AAPL: 4 day(s) missing, compact request: OK (HTTP 200) -> API");

    CliRun bronze = CliRun.of(concat(common, "bronze", "--available-now"));
    assertThat(bronze.exitCode()).as(bronze.err()).isZero();
    assertThat(bronze.json().get("dead_letters").asInt()).isZero();

    CliRun silver = CliRun.of(concat(common, "trading", "silver", "--date", "2026-11-27"));
    assertThat(silver.exitCode()).as(silver.err()).isZero();
    JsonNode run = silver.json().get("runs").get(0);
    assertThat(run.get("quarantined").asInt()).isZero();
    assertThat(run.get("merged").get("silver.trades").asInt()).isEqualTo(trades);
    assertThat(run.get("merged").get("silver.daily_prices").asInt()).isEqualTo(15 * 4);
    assertThat(
            spark()
                .sql(
                    "SELECT rows_failed FROM ops.dq_results WHERE rule = 'no_missing_trading_day'"
                        + " AND run_id = '"
                        + run.get("run_id").asText()
                        + "'")
                .first()
                .getLong(0))
        .isZero();

    CliRun gold = CliRun.of(concat(common, "trading", "gold", "--date", "2026-11-27"));
    assertThat(gold.exitCode()).as(gold.err()).isZero();
    assertThat(gold.json().get("gold.fct_trades").asInt()).isEqualTo(trades);
    assertThat(gold.json().get("gold.mart_account_summary").asInt()).isEqualTo(10);
    // Every account's equity is what it holds at the last close, from the positions.
    assertThat(
            spark()
                .sql(
                    "SELECT count(*) FROM gold.mart_account_summary a JOIN (SELECT"
                        + " trading_account_id, sum(market_value) AS mv FROM"
                        + " gold.fct_daily_positions WHERE position_date = DATE '2026-11-27' GROUP"
                        + " BY 1) p USING (trading_account_id) WHERE a.equity <> p.mv")
                .first()
                .getLong(0))
        .isZero();

    CliRun bad =
        CliRun.of(
            concat(common, "trading", "silver", "--date", "2026-11-27", "--from", "2026-11-20"));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("Give either --date or --from/--to, not both.");
  }
}
