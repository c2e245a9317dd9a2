package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TableSnapshots;
import dev.lakehouse.services.EmbeddedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo (generate -> bronze -> silver, a late week -> backfill -> gold -> PostgreSQL) on a fixed
 * calendar, then the invariants of DOMAIN.md on the lake it built. The demo runs once for the
 * class; a test that writes (a rerun, a gate verdict, a failed run) is rolled back after it, so
 * every test starts from the lake the demo built.
 */
class PipelineInvariantsTest extends CliTestBase {
  static String[] common;
  static TableSnapshots built;
  static EmbeddedPostgres pg;
  static CliRun demo;
  static LakehouseConfig lakeConfig;

  @BeforeAll
  static void runTheDemo() throws Exception {
    pg = EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg")).start();
    Path lake = dataDir.resolve("demo");
    lakeConfig = configure(Settings.DATA_DIR + "=" + lake);
    demo =
        CliRun.of(
            "demo",
            "--events",
            "4000",
            "--days",
            "100",
            "--seed",
            "5",
            "--end-date",
            "2026-10-31",
            "--data-dir",
            dataDir.toString(),
            "--conf",
            "postgres.url=jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
            "--json");
    assertThat(demo.exitCode()).as(demo.err()).isZero();
    // Nothing listens on the port: a command that needs Kafka starts the embedded broker.
    common =
        new String[] {
          "--data-dir",
          lake.toString(),
          "--conf",
          "kafka.bootstrap-servers=localhost:" + EmbeddedKafka.freePort()
        };
    built = TableSnapshots.of(spark());
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aDayThatLostItsRowsIsAnAnomalyThatFailsTheGateWhenAskedAndIsExplained() {
    // The demo observed every date. Silver loses all but one of 2026-10-20's transactions.
    assertThat(scalar("SELECT count(DISTINCT partition_date) FROM ops.table_metrics"))
        .isGreaterThan(90);
    long before =
        scalar(
            "SELECT count(*) FROM silver.transactions WHERE to_date(event_ts) = DATE"
                + " '2026-10-20'");
    assertThat(before).isGreaterThan(5);
    spark()
        .sql(
            "DELETE FROM silver.transactions WHERE to_date(event_ts) = DATE '2026-10-20' AND"
                + " transaction_id <> (SELECT min(transaction_id) FROM silver.transactions WHERE"
                + " to_date(event_ts) = DATE '2026-10-20')");

    CliRun observe =
        CliRun.of(concat(common, "observe", "--date", "2026-10-20", "--layer", "silver", "--json"));
    assertThat(observe.exitCode()).as(observe.err()).isZero();
    JsonNode found = observe.json().get("anomalies");
    JsonNode drop = null;
    for (JsonNode a : found) {
      if (a.get("date").asText().equals("2026-10-20")
          && a.get("series").asText().equals("row_count of silver.transactions")
          && a.get("severity").asText().equals("error")) {
        drop = a;
      }
    }
    assertThat(drop).as(observe.out()).isNotNull();

    // The gate ignores anomalies by default, and fails on them when configured to.
    CliRun gate =
        CliRun.of(
            concat(
                common,
                "--conf",
                "dq-gate.fail-on-anomalies=error",
                "dq-gate",
                "--date",
                "2026-10-20"));
    assertThat(gate.exitCode()).as(gate.out() + gate.err()).isEqualTo(3);
    assertThat(gate.out()).contains("anomaly #" + drop.get("id").asLong());

    CliRun explain =
        CliRun.of(concat(common, "anomalies", "explain", "--id", drop.get("id").asText()));
    assertThat(explain.exitCode()).as(explain.err()).isZero();
    assertThat(explain.out())
        .contains("Anomaly " + drop.get("id").asLong() + " (error): on 2026-10-20 (Tuesday)")
        .contains("row_count of silver.transactions was 1,")
        .contains("the median");
    CliRun unknown = CliRun.of(concat(common, "anomalies", "explain", "--id", "999999"));
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("No anomaly #999999");

    // status in Prometheus' format, for a textfile collector: exit 0, the health in a gauge.
    CliRun prometheus = CliRun.of(concat(common, "status", "--format", "prometheus"));
    assertThat(prometheus.exitCode()).as(prometheus.err()).isZero();
    assertThat(prometheus.out())
        .contains("# TYPE lakehouse_healthy gauge")
        .contains(
            "lakehouse_table_rows{table=\"silver.transactions\"} "
                + (scalar("SELECT count(*) FROM silver.transactions")))
        .contains("# TYPE lakehouse_stream_rows_total counter")
        .contains("lakehouse_anomalies_open{severity=\"error\"}");
  }

  @Test
  void theDashboardsShowTheDemosMartsThroughTheReadOnlyLogin() throws Exception {
    LakehouseConfig web =
        dev.lakehouse.common.TestLake.config(
            dataDir,
            Settings.DATA_DIR + "=" + dataDir.resolve("demo"),
            Settings.POSTGRES_URL + "=jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
            Settings.WEB_PORT + "=0");
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    try (dev.lakehouse.web.WebServer server = ServeCommand.start(web);
        Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      java.util.function.Function<String, JsonNode> get =
          path -> {
            try {
              var response =
                  http.send(
                      java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString());
              assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
              return json.readTree(response.body());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
      // Every October statement: the running balance over the exported transactions ends at the
      // closing balance of the statement mart, and lists every transaction the mart counted.
      ResultSet statements =
          st.executeQuery(
              "SELECT account_id, closing_balance_inr, all_status_count FROM"
                  + " marts.monthly_statement WHERE month_start = DATE '2026-10-01'");
      int checked = 0;
      while (statements.next()) {
        JsonNode s =
            get.apply("api/statement?account=" + statements.getString(1) + "&month=2026-10");
        JsonNode lines = s.get("lines");
        assertThat(lines.size()).isEqualTo(statements.getInt(3));
        BigDecimal last =
            lines.isEmpty()
                ? s.get("opening_balance_inr").decimalValue()
                : lines.get(lines.size() - 1).get("balance_after_inr").decimalValue();
        assertThat(last)
            .as(statements.getString(1))
            .isEqualByComparingTo(statements.getBigDecimal(2));
        checked++;
      }
      assertThat(checked).isGreaterThan(50);
      assertThat(get.apply("api/kpis").get("months").size()).isEqualTo(4);
      // The health summaries the export computed agree with the lake.
      JsonNode health = get.apply("api/health");
      long deadLetters = 0;
      for (JsonNode r : health.get("dead_letters")) {
        deadLetters += r.get("dead_letters").asLong();
      }
      assertThat(deadLetters).isEqualTo(scalar("SELECT count(*) FROM bronze.dead_letters"));
      assertThat(health.get("freshness").size()).isEqualTo(3);
      assertThat(health.get("freshness").get(2).get("row_count").asLong())
          .isEqualTo(scalar("SELECT count(*) FROM gold.fct_transactions"));
      assertThat(health.get("runs").size()).isPositive();
      assertThat(get.apply("api/markets").get("stocks").size()).isEqualTo(15);
      JsonNode advisors = get.apply("api/advisors");
      assertThat(advisors.get("in_red").size())
          .isEqualTo(
              scalar(
                  "SELECT count(*) FROM gold.customers_in_red WHERE as_of_month = DATE '"
                      + advisors.get("month").asText()
                      + "'"));
    }
  }

  @Test
  void theDemoPrintsWhatPostgresHolds() throws Exception {
    assertThat(demo.out())
        .contains("[8/8")
        .contains("Rows per layer")
        .contains("from PostgreSQL")
        .contains("Demo finished");
    JsonNode s = demo.json();
    assertThat(s.get("layers").get("bronze.dead_letters").asLong()).isPositive();
    // The generator makes every reason but the parser's catch-all, which no known defect reaches.
    assertThat(s.get("dead_letters_by_reason").size())
        .isEqualTo(dev.lakehouse.contract.DeadLetterReason.values().length - 1);
    assertThat(s.get("dead_letters_by_reason").has("PARSER_ERROR")).isFalse();
    // Whatever arrived late was recorded by the daily run and applied by the backfill.
    // The commands it suggests name its own last month and week, and they run.
    List<String> next = new java.util.ArrayList<>();
    s.get("next_commands").forEach(c -> next.add(c.asText()));
    assertThat(next)
        .anyMatch(c -> c.matches(".* statement --account A\\d+ --month 2026-10"))
        .anyMatch(c -> c.endsWith(" backfill --from 2026-10-25 --to 2026-10-31"));
    String statement =
        next.stream().filter(c -> c.contains(" statement ")).findFirst().orElseThrow();
    String[] words = statement.substring("bin/lakehouse ".length()).split(" ");
    CliRun run = CliRun.of(concat(common, java.util.Arrays.copyOfRange(words, 2, words.length)));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("2026-10");
    assertThat(s.get("late_arrivals_applied").asLong())
        .isEqualTo(s.get("late_arrivals_detected").asLong());
    assertThat(s.get("layers").get("silver.transactions").asLong())
        .isEqualTo(s.get("layers").get("gold.fct_transactions").asLong());
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      ResultSet months = st.executeQuery("SELECT count(*) FROM marts.monthly_kpis");
      months.next();
      assertThat(s.get("monthly_kpis").size()).isEqualTo(months.getInt(1)).isEqualTo(4);
      ResultSet revenue =
          st.executeQuery("SELECT sum(revenue_inr) FROM marts.daily_revenue_summary");
      revenue.next();
      assertThat(s.get("revenue_inr_total").asText())
          .isEqualTo(revenue.getBigDecimal(1).toPlainString());
      ResultSet red =
          st.executeQuery(
              "SELECT count(*) FROM marts.customers_in_red"
                  + " WHERE as_of_month = (SELECT max(as_of_month) FROM marts.customers_in_red)");
      red.next();
      assertThat(s.get("red_customers_total").asLong()).isEqualTo(red.getLong(1)).isPositive();
      ResultSet kpi =
          st.executeQuery(
              "SELECT revenue_inr FROM marts.monthly_kpis ORDER BY month_start LIMIT 1");
      kpi.next();
      assertThat(s.get("monthly_kpis").get(0).get("revenue_inr").asText())
          .isEqualTo(kpi.getBigDecimal(1).toString());
    }
  }

  @AfterEach
  void restoreTheBuiltLake() {
    built.restore(spark());
  }

  static long scalar(String sql) {
    return spark().sql(sql).first().getLong(0);
  }

  @Test
  void revenueSummaryAddsUpToTheFeesOfTheSameDays() {
    String fees =
        spark().sql("SELECT sum(fee_inr) FROM gold.fct_transactions").first().get(0).toString();
    String revenue =
        spark()
            .sql("SELECT sum(revenue_inr) FROM gold.daily_revenue_summary")
            .first()
            .get(0)
            .toString();
    assertThat(revenue).isEqualTo(fees);
    assertThat(new BigDecimal(fees)).isPositive();
    assertThat(
            scalar(
                "SELECT count(*) FROM (SELECT event_date, sum(fee_inr) f"
                    + " FROM gold.fct_transactions GROUP BY 1) x"
                    + " FULL JOIN (SELECT summary_date, sum(revenue_inr) r"
                    + " FROM gold.daily_revenue_summary GROUP BY 1) y"
                    + " ON x.event_date = y.summary_date WHERE NOT (x.f <=> y.r)"))
        .isZero();
  }

  /**
   * DOMAIN.md's definitions applied in plain Java to silver's rows, sharing no code with gold: an
   * account's balance on a day is its opening balance plus its SUCCESS credits less its SUCCESS
   * debits up to that day; a day's revenue is the fee schedule applied to its SUCCESS transactions,
   * plus FEE transactions in full.
   */
  @Test
  void balancesAndRevenueRecomputedFromSilverInPlainJavaMatchGold() {
    Set<String> credits =
        Set.of("P2P_TRANSFER_IN", "DEPOSIT", "LOAN_DISBURSEMENT", "INVESTMENT_REDEMPTION");
    Map<String, BigDecimal[]> fees = new HashMap<>(); // TYPE or TYPE:CATEGORY -> {bps, fixed}
    for (String part : lakeConfig.get(Settings.GOLD_FEE_SCHEDULE).split(",")) {
      String[] kv = part.trim().split("[=+]");
      fees.put(kv[0], new BigDecimal[] {new BigDecimal(kv[1]), new BigDecimal(kv[2])});
    }
    Map<String, String> categories = new HashMap<>();
    for (Row m :
        spark().sql("SELECT merchant_id, category FROM silver.merchants").collectAsList()) {
      categories.put(m.getString(0), m.getString(1));
    }
    Map<String, BigDecimal> opening = new HashMap<>();
    Map<String, LocalDate> seriesStart = new HashMap<>();
    for (Row a :
        spark()
            .sql("SELECT account_id, opening_balance, to_date(opened_at) FROM silver.accounts")
            .collectAsList()) {
      opening.put(a.getString(0), a.getDecimal(1));
      seriesStart.put(a.getString(0), a.getDate(2).toLocalDate());
    }
    LocalDate[] monthEnds = {
      LocalDate.parse("2026-07-31"),
      LocalDate.parse("2026-08-31"),
      LocalDate.parse("2026-09-30"),
      LocalDate.parse("2026-10-31")
    };
    Map<String, BigDecimal> expectedBalances = new TreeMap<>(); // account@date -> balance
    Map<LocalDate, BigDecimal> expectedRevenue = new TreeMap<>();
    Map<String, Map<LocalDate, BigDecimal>> netByDay = new HashMap<>();
    for (Row t :
        spark()
            .sql(
                "SELECT account_id, txn_type, status, amount_inr, to_date(event_ts), merchant_id"
                    + " FROM silver.transactions")
            .collectAsList()) {
      if (!"SUCCESS".equals(t.getString(2))) {
        continue;
      }
      String account = t.getString(0);
      String type = t.getString(1);
      BigDecimal amount = t.getDecimal(3);
      LocalDate day = t.getDate(4).toLocalDate();
      netByDay
          .computeIfAbsent(account, k -> new TreeMap<>())
          .merge(day, credits.contains(type) ? amount : amount.negate(), BigDecimal::add);
      seriesStart.computeIfPresent(account, (k, start) -> day.isBefore(start) ? day : start);
      BigDecimal fee;
      if ("FEE".equals(type)) {
        fee = amount;
      } else {
        BigDecimal[] rate =
            fees.getOrDefault(type + ":" + categories.get(t.getString(5)), fees.get(type));
        fee =
            rate == null
                ? BigDecimal.ZERO
                : amount
                    .multiply(rate[0])
                    .divide(new BigDecimal(10000))
                    .add(rate[1])
                    .setScale(2, RoundingMode.HALF_UP);
      }
      expectedRevenue.merge(day, fee, BigDecimal::add);
    }
    for (Map.Entry<String, BigDecimal> a : opening.entrySet()) {
      for (LocalDate end : monthEnds) {
        if (seriesStart.get(a.getKey()).isAfter(end)) {
          continue;
        }
        BigDecimal balance = a.getValue();
        for (Map.Entry<LocalDate, BigDecimal> d :
            netByDay.getOrDefault(a.getKey(), Map.of()).entrySet()) {
          if (!d.getKey().isAfter(end)) {
            balance = balance.add(d.getValue());
          }
        }
        expectedBalances.put(a.getKey() + "@" + end, balance);
      }
    }

    Map<String, BigDecimal> goldBalances = new TreeMap<>();
    for (Row b :
        spark()
            .sql(
                "SELECT account_key, balance_date, closing_balance_inr FROM"
                    + " gold.fct_daily_account_balance WHERE balance_date IN (DATE '2026-07-31',"
                    + " DATE '2026-08-31', DATE '2026-09-30', DATE '2026-10-31')")
            .collectAsList()) {
      goldBalances.put(b.getString(0) + "@" + b.getDate(1), b.getDecimal(2));
    }
    Map<LocalDate, BigDecimal> goldRevenue = new TreeMap<>();
    for (Row r :
        spark()
            .sql(
                "SELECT summary_date, sum(revenue_inr) FROM gold.daily_revenue_summary"
                    + " GROUP BY summary_date HAVING sum(revenue_inr) <> 0")
            .collectAsList()) {
      goldRevenue.put(r.getDate(0).toLocalDate(), r.getDecimal(1));
    }
    expectedRevenue.values().removeIf(v -> v.signum() == 0);
    assertThat(expectedBalances).hasSizeGreaterThan(200);
    assertThat(goldBalances).isEqualTo(expectedBalances);
    assertThat(expectedRevenue).hasSizeGreaterThan(90);
    assertThat(goldRevenue).isEqualTo(expectedRevenue);
  }

  @Test
  void everyStatementsTransactionsLeadFromItsOpeningToItsClosingBalance() throws Exception {
    // What the statement command prints, for every account and month at once.
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.monthly_statement s LEFT JOIN (SELECT account_key,"
                    + " trunc(event_date, 'MM') AS month_start, sum(balance_effect_inr) AS net"
                    + " FROM gold.fct_transactions GROUP BY 1, 2) f ON f.account_key ="
                    + " s.account_id AND f.month_start = s.month_start WHERE"
                    + " s.opening_balance_inr + coalesce(f.net, 0) <> s.closing_balance_inr"))
        .isZero();
    // An account whose first SUCCESS transaction predates its opening (the generator makes some):
    // the statement command's running balance ends at the statement's closing balance.
    Row early =
        spark()
            .sql(
                "SELECT f.account_key, date_format(f.event_date, 'yyyy-MM'), s.closing_balance_inr"
                    + " FROM gold.fct_transactions f JOIN gold.dim_account a ON a.account_key ="
                    + " f.account_key JOIN gold.monthly_statement s ON s.account_id ="
                    + " f.account_key AND s.month_start = trunc(f.event_date, 'MM') WHERE"
                    + " f.event_ts < a.opened_at AND f.status = 'SUCCESS' ORDER BY 1, 2 LIMIT 1")
            .first();
    StatementRun statement = statement(early.getString(0), early.getString(1));
    assertThat(statement.lastRunningBalance()).isEqualTo(early.getDecimal(2).toPlainString());
  }

  /** The statement command's run for an account and month, with its CSV's lines. */
  record StatementRun(CliRun run, List<String> lines) {
    String lastRunningBalance() {
      String last = lines.get(lines.size() - 1);
      return last.substring(last.lastIndexOf(',') + 1);
    }
  }

  static StatementRun statement(String account, String month) throws java.io.IOException {
    Path csv = dataDir.resolve("statement-" + account + "-" + month + ".csv");
    CliRun run =
        CliRun.of(
            concat(
                common,
                "statement",
                "--account",
                account,
                "--month",
                month,
                "--out",
                csv.toString(),
                "--json"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return new StatementRun(run, Files.readAllLines(csv));
  }

  @Test
  void closingEqualsOpeningPlusCreditsMinusDebitsAndTheNextOpening() {
    assertThat(scalar("SELECT count(*) FROM gold.monthly_statement")).isGreaterThan(100);
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.monthly_statement WHERE closing_balance_inr <>"
                    + " opening_balance_inr + credits_inr - debits_inr"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.monthly_statement a JOIN gold.monthly_statement b ON"
                    + " a.account_id = b.account_id AND b.month_start = add_months(a.month_start,"
                    + " 1) WHERE a.closing_balance_inr <> b.opening_balance_inr"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.monthly_statement a JOIN gold.monthly_statement b ON"
                    + " a.account_id = b.account_id AND b.month_start = add_months(a.month_start,"
                    + " 1)"))
        .isGreaterThan(100);
  }

  @Test
  void everyFactRowJoinsToItsDimensionsAndNoTransactionIsDropped() {
    assertThat(scalar("SELECT count(*) FROM gold.fct_transactions"))
        .isEqualTo(scalar("SELECT count(*) FROM silver.transactions"));
    for (String join :
        new String[] {
          "gold.dim_customer d ON d.customer_key = f.customer_key",
          "gold.dim_account d ON d.account_key = f.account_key",
          "gold.dim_merchant d ON d.merchant_key = f.merchant_key",
          "gold.dim_date d ON d.date_key = f.date_key"
        }) {
      assertThat(scalar("SELECT count(*) FROM gold.fct_transactions f LEFT ANTI JOIN " + join))
          .as(join)
          .isZero();
    }
  }

  @Test
  void theTradingWarehouseAgreesWithItsPricesAndWithPostgres() throws Exception {
    // The last 30 days of the calendar, 10-02..10-31: 21 weekdays (no exchange holiday), 15 stocks.
    assertThat(scalar("SELECT count(*) FROM silver.daily_prices")).isEqualTo(21 * 15);
    // Generator, feed and silver are separate code: every trade lies in its day's range, no sell
    // exceeds its holding, nothing is quarantined.
    assertThat(scalar("SELECT count(*) FROM silver.trading_quarantine")).isZero();
    assertThat(scalar("SELECT count_if(NOT price_verified) FROM silver.trades")).isZero();
    assertThat(scalar("SELECT count(*) FROM gold.fct_trades")).isPositive();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT count(*), sum(net_pnl), sum(turnover) FROM marts.mart_account_summary")) {
      r.next();
      Row gold =
          spark()
              .sql("SELECT count(*), sum(net_pnl), sum(turnover) FROM gold.mart_account_summary")
              .first();
      assertThat(r.getLong(1)).isEqualTo(gold.getLong(0)).isEqualTo(50);
      assertThat(r.getBigDecimal(2)).isEqualByComparingTo(gold.getDecimal(1));
      assertThat(r.getBigDecimal(3)).isEqualByComparingTo(gold.getDecimal(2));
    }
  }

  /**
   * The trading warehouse's own tests of the system it replaces, on the demo's data: unique grains,
   * keys never null, accepted values, relationships to the dimensions, positive values and valid
   * OHLC.
   */
  @Test
  void theTradingMartsPassUniquenessNotNullAcceptedValuesRelationshipsAndOhlcChecks() {
    Map<String, String> grains =
        Map.of(
            "gold.mart_account_summary", "trading_account_id",
            "gold.mart_daily_trading", "trade_date",
            "gold.mart_stock_performance", "symbol, trade_date",
            "gold.mart_sector_performance", "trade_date, sector",
            "gold.fct_trades", "trade_id",
            "gold.fct_daily_prices", "symbol, trade_date",
            "gold.fct_daily_positions", "trading_account_id, symbol, position_date",
            "gold.dim_stock", "stock_key",
            "gold.dim_trading_account", "trading_account_id");
    grains.forEach(
        (table, key) -> {
          assertThat(scalar("SELECT count(*) - count(DISTINCT " + key + ") FROM " + table))
              .as("unique " + key + " in " + table)
              .isZero();
          String nulls =
              java.util.Arrays.stream(key.split(", "))
                  .map(c -> c + " IS NULL")
                  .collect(java.util.stream.Collectors.joining(" OR "));
          assertThat(scalar("SELECT count(*) FROM " + table + " WHERE " + nulls))
              .as("no null " + key + " in " + table)
              .isZero();
        });
    assertThat(scalar("SELECT count(*) FROM gold.fct_trades WHERE side NOT IN ('BUY', 'SELL')"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.dim_stock WHERE sector NOT IN ("
                    + dev.lakehouse.contract.Vocabulary.names(
                            dev.lakehouse.contract.Vocabulary.Sector.class)
                        .stream()
                        .map(v -> "'" + v + "'")
                        .collect(java.util.stream.Collectors.joining(", "))
                    + ")"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.dim_trading_account WHERE account_type NOT IN"
                    + " ('INDIVIDUAL', 'INSTITUTIONAL')"))
        .isZero();
    // Relationships: every trade to a stock version valid when it executed and to an account.
    assertThat(scalar("SELECT count(*) FROM gold.fct_trades WHERE stock_key IS NULL")).isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.fct_trades t LEFT ANTI JOIN gold.dim_trading_account a"
                    + " USING (trading_account_id)"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.mart_stock_performance s LEFT ANTI JOIN gold.dim_stock d"
                    + " ON d.symbol = s.symbol"))
        .isZero();
    // Positive values and OHLC validity.
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.fct_trades WHERE price <= 0 OR quantity <= 0 OR fees < 0"
                    + " OR notional <= 0"))
        .isZero();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.fct_daily_prices WHERE NOT (low > 0 AND low <="
                    + " least(open, close) AND greatest(open, close) <= high) OR volume < 0"))
        .isZero();
    assertThat(scalar("SELECT count(*) FROM gold.fct_daily_positions WHERE quantity < 0")).isZero();
  }

  @Test
  void theGeneratedDataShowsEveryFeature() {
    assertThat(scalar("SELECT count(*) FROM silver.transactions WHERE status = 'REVERSED'"))
        .isPositive();
    assertThat(scalar("SELECT count(*) FROM bronze.dead_letters")).isPositive();
    assertThat(scalar("SELECT count(DISTINCT month_start) FROM gold.monthly_kpis")).isEqualTo(4);
    assertThat(scalar("SELECT count(*) FROM gold.customer_monthly WHERE is_in_red")).isPositive();
    // Customers sign up during the generated days too, and the first, partial month says so.
    assertThat(scalar("SELECT sum(new_customers) FROM gold.monthly_kpis")).isPositive();
    assertThat(
            scalar(
                "SELECT count(*) FROM gold.monthly_kpis WHERE is_partial_month AND month_start ="
                    + " DATE '2026-07-01'"))
        .isEqualTo(1);
  }

  @Test
  void goldAfterTheDemoIsARecordedNoopAndAForcedRebuildLeavesTheMartsIdentical() {
    String before = checksums();
    long snapshots = scalar("SELECT count(*) FROM gold.fct_transactions.snapshots");
    // The demo's gold run consumed every silver change: a submission for any date finds nothing.
    CliRun again = CliRun.of(concat(common, "gold", "--date", "2026-10-31", "--json"));
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("nothing to do");
    assertThat(again.json().get("run_status").asText()).isEqualTo("NOOP");
    assertThat(scalar("SELECT count(*) FROM gold.fct_transactions.snapshots"))
        .as("a no-op commits nothing")
        .isEqualTo(snapshots);
    assertThat(
            scalar(
                "SELECT count(*) FROM ops.runs WHERE job = 'gold' AND status = 'NOOP'"
                    + " AND business_date = DATE '2026-10-31'"))
        .isEqualTo(1);

    CliRun forced = CliRun.of(concat(common, "gold", "--date", "2026-10-31", "--force", "--json"));
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(forced.json().get("run_status").asText()).isEqualTo("SUCCESS");
    assertThat(forced.json().get("rows_written").size()).isPositive();
    assertThat(scalar("SELECT count(*) FROM gold.fct_transactions.snapshots"))
        .isGreaterThan(snapshots);
    assertThat(checksums()).isEqualTo(before);
  }

  @Test
  void theDataQualityGatePassesAProcessedDateAndStopsAMissingRunOrTooMuchQuarantine() {
    CliRun pass = CliRun.of(concat(common, "dq-gate", "--date", "2026-10-15", "--json"));
    assertThat(pass.exitCode()).as(pass.out() + pass.err()).isZero();
    assertThat(pass.json().get("passed").asBoolean()).isTrue();
    assertThat(pass.json().get("silver_run_id").asText()).isNotBlank();
    long quarantined = pass.json().get("rows_quarantined").asLong();
    assertThat(quarantined).as("the generated data has quarantined rows").isPositive();

    CliRun missing = CliRun.of(concat(common, "dq-gate", "--date", "2026-11-05"));
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.out()).contains("silver has not run for 2026-11-05");

    CliRun strict =
        CliRun.of(
            concat(
                common, "--conf", "dq.max-quarantine-ratio=0", "dq-gate", "--date", "2026-10-15"));
    assertThat(strict.exitCode()).isEqualTo(3);
    assertThat(strict.err()).contains("quarantined " + String.format("%,d", quarantined));

    // Every verdict is a row in the ledger, the failed ones too.
    assertThat(CliRun.of(concat(common, "dq-gate", "--date", "2026-10-15")).exitCode()).isZero();
    assertThat(scalar("SELECT count(*) FROM ops.runs WHERE job = 'dq-gate' AND status = 'FAILED'"))
        .isEqualTo(2);
    assertThat(scalar("SELECT count(*) FROM ops.runs WHERE job = 'dq-gate' AND status = 'SUCCESS'"))
        .isEqualTo(2);
  }

  @Test
  void everyAnalystQueryRuns() throws Exception {
    Path queries = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/queries");
    List<Path> files;
    try (Stream<Path> list = Files.list(queries)) {
      files = list.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(6);
    for (Path f : files) {
      CliRun run = CliRun.of(concat(common, "sql", "-f", f.toString()));
      assertThat(run.exitCode()).as(f + ": " + run.err()).isZero();
      assertThat(run.out()).as(f.toString()).containsPattern("\\((\\d+) rows?");
    }
    CliRun red =
        CliRun.of(
            concat(
                common, "sql", "-f", queries.resolve("customers_in_red.sql").toString(), "--json"));
    assertThat(red.json().get("results").size()).isPositive();
  }

  @Test
  void aStatementListsTheMonthsTransactionsAndEndsAtTheClosingBalance() throws Exception {
    Row pick =
        spark()
            .sql(
                "SELECT account_id, date_format(month_start, 'yyyy-MM'),"
                    + " closing_balance_inr, all_status_count FROM gold.monthly_statement"
                    + " WHERE all_status_count > 3 ORDER BY account_id, month_start LIMIT 1")
            .first();
    StatementRun statement = statement(pick.getString(0), pick.getString(1));
    assertThat(statement.run().json().get("closing_balance_inr").asText())
        .isEqualTo(pick.getDecimal(2).toPlainString());
    assertThat(statement.run().json().get("transactions").asLong()).isEqualTo(pick.getLong(3));
    assertThat(statement.lastRunningBalance()).isEqualTo(pick.getDecimal(2).toPlainString());
    assertThat(statement.lines()).hasSize(4 + (int) pick.getLong(3));

    CliRun badMonth =
        CliRun.of(
            concat(common, "statement", "--account", pick.getString(0), "--month", "2026-13"));
    assertThat(badMonth.exitCode()).isEqualTo(2);
    assertThat(badMonth.err()).contains("Invalid --month '2026-13'");
    CliRun unknown =
        CliRun.of(concat(common, "statement", "--account", "A404", "--month", pick.getString(1)));
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("No statement for account A404");
  }

  @Test
  void statusIsHealthyUntilARunFailsAndThenExitsWith1() {
    CliRun healthy = CliRun.of(concat(common, "status", "--json"));
    assertThat(healthy.exitCode()).as(healthy.out() + healthy.err()).isZero();
    assertThat(healthy.json().get("healthy").asBoolean()).isTrue();
    assertThat(healthy.json().get("tables").get("gold.fct_transactions").get("rows").asLong())
        .isPositive();
    assertThat(healthy.out()).contains("HEALTHY").contains("Last runs:");

    // The generated data holds a few illegal status updates; as a fail rule they stop the run.
    CliRun strict =
        CliRun.of(
            concat(
                common,
                "backfill",
                "--from",
                "2026-07-24",
                "--to",
                "2026-10-31",
                "--force",
                "--conf",
                "silver.severity-overrides=txn_legal_transition=fail"));
    assertThat(strict.exitCode()).as(strict.err()).isEqualTo(3);

    CliRun unhealthy = CliRun.of(concat(common, "status", "--json"));
    assertThat(unhealthy.exitCode()).isEqualTo(1);
    assertThat(unhealthy.json().get("status").asText()).isEqualTo("unhealthy");
    assertThat(unhealthy.json().get("problems").toString()).contains("the last silver run failed");
  }

  private static String checksums() {
    StringBuilder sb = new StringBuilder();
    for (String t :
        new String[] {
          "fct_transactions",
          "fct_daily_account_balance",
          "daily_revenue_summary",
          "monthly_statement",
          "customer_monthly",
          "customers_in_red",
          "high_activity_customers",
          "monthly_kpis",
          "customers_per_tier",
          "monthly_transaction_trend",
          "dim_customer",
          "dim_account"
        }) {
      sb.append(
              spark()
                  .sql(
                      "SELECT count(*), sum(CAST(xxhash64(to_json(struct(*)))"
                          + " AS DECIMAL(38,0))) FROM gold."
                          + t)
                  .first())
          .append(';');
    }
    return sb.toString();
  }
}
