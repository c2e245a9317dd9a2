package dev.lakehouse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.lakehouse.common.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every page in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium) against a real PostgreSQL holding hand-made marts, read through the read-only login the
 * server uses in production. Each page must render with no console error, and show the figures the
 * marts hold, checked against the marts queried directly. A screenshot of each page is saved under
 * {@code target/screenshots/}.
 */
class DashboardsBrowserTest {
  private static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  private static EmbeddedPostgres pg;
  private static WebServer web;
  private static ChromeDriver browser;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    try (Connection admin = pg.getPostgresDatabase().getConnection()) {
      MartsFixture.create(admin);
      ReaderRole.ensure(admin, "lakehouse_bi");
    }
    MartsDatabase reader =
        new MartsDatabase(pg.getJdbcUrl("lakehouse_bi", "postgres"), "lakehouse_bi", null);
    reader.checkReady();
    web =
        WebServer.start(
            reader, landed -> Map.of("transactions-0", 7L, "transactions-1", 0L), "127.0.0.1", 0);
    base = web.url();
    browser = Browsers.headlessChromium();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (web != null) {
      web.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void screenshot(TestInfo info) throws Exception {
    String page = info.getTags().stream().findFirst().orElse(null);
    if (page != null) {
      Files.write(SCREENSHOTS.resolve(page + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
  }

  @Test
  @org.junit.jupiter.api.Tag("kpis")
  void theKpiPageShowsTheLatestCompleteMonthAndChartsEveryMonthOfTheMart() throws Exception {
    open("kpis");

    // The latest month is partial (2026-11): the cards show October, the last complete one.
    assertThat(browser.findElement(By.tagName("h2")).getText()).contains("2026-10");
    assertThat(amount(card("revenue_inr"))).isEqualByComparingTo(mart("revenue_inr", "2026-10"));
    assertThat(amount(card("volume_inr"))).isEqualByComparingTo(mart("volume_inr", "2026-10"));
    assertThat(amount(card("active_customers")))
        .isEqualByComparingTo(mart("active_customers", "2026-10"));
    assertThat(browser.findElement(By.cssSelector("[data-kpi=revenue_inr]")).getText())
        .contains("+25%");
    assertThat(browser.findElement(By.cssSelector("[data-kpi=new_customers]")).getText())
        .contains("-20%");
    // One point per month of the mart, in order, partial months labelled so.
    assertThat(chartLabels("revenue"))
        .containsExactly("2026-08 (partial)", "2026-09", "2026-10", "2026-11 (partial)");
    assertThat(chartData("revenue", 0)).containsExactly(1200.5, 2400.0, 3000.0, 100.0);
    assertThat(chartData("volume", 0)).containsExactly(250000.0, 512345.67, 640000.0, 9000.0);
    // Transactions per type: the successful counts of the trend mart, stacked per type.
    assertThat(chartData("by-type", 0)).containsExactly(650.0, 800.0); // PAYMENT
    assertThat(chartData("by-type", 1)).containsExactly(150.0, 200.0); // SALARY
    assertThat(chartData("by-tier", 1)).containsExactly(40.0, 45.0); // tier 2
    assertThat(browser.findElements(By.cssSelector("#months tbody tr.partial"))).hasSize(2);
    assertNoConsoleErrors();
  }

  @Test
  @org.junit.jupiter.api.Tag("statements")
  void theStatementMatchesTheMartAndItsDownloadsCarryTheSameNumbers() throws Exception {
    open("statements?account=A00000001&month=2026-10");

    BigDecimal closing = mart("closing_balance_inr");
    assertThat(closing).isEqualByComparingTo("49747.50"); // 1,000 + 50,000 - 1,250.50 - 2
    assertThat(amount(browser.findElement(By.cssSelector("#closing .value"))))
        .isEqualByComparingTo(closing);
    assertThat(amount(browser.findElement(By.cssSelector("#opening .value"))))
        .isEqualByComparingTo("1000.00");
    List<WebElement> lines = browser.findElements(By.cssSelector("#lines tbody tr"));
    assertThat(lines).hasSize(4); // October's four, not November's nor another account's
    List<BigDecimal> balances = new ArrayList<>();
    for (WebElement line : lines) {
      balances.add(amount(line.findElement(By.cssSelector("td[data-key=balance_after_inr]"))));
    }
    assertThat(balances)
        .usingElementComparator(BigDecimal::compareTo)
        .containsExactly(
            new BigDecimal("51000.00"),
            new BigDecimal("49749.50"),
            new BigDecimal("49749.50"), // the failed payment moves nothing
            closing);
    // A merchant and a city whose names are markup are shown as text, and nothing ran.
    String merchant = lines.get(1).findElement(By.cssSelector("td[data-key=merchant]")).getText();
    assertThat(merchant).isEqualTo(MartsFixture.SCRIPT_MERCHANT);
    assertThat(lines.get(1).findElement(By.cssSelector("td[data-key=merchant_city]")).getText())
        .isEqualTo(MartsFixture.SCRIPT_CITY);
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss")).isNull();

    String csvUrl = browser.findElement(By.id("download-csv")).getAttribute("href");
    HttpResponse<String> csv = get(csvUrl);
    assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    CsvParserSettings settings = new CsvParserSettings();
    settings.setSkipEmptyLines(false);
    List<String[]> rows = new CsvParser(settings).parseAll(new StringReader(csv.body()));
    assertThat(rows.get(1)[0]).isEqualTo("A00000001");
    assertThat(new BigDecimal(rows.get(1)[7])).isEqualByComparingTo(closing);
    assertThat(new BigDecimal(rows.get(1)[3])).isEqualByComparingTo("1000.00");
    assertThat(rows.get(5)[4]).isEqualTo(MartsFixture.SCRIPT_MERCHANT); // quoted, then read back
    assertThat(new BigDecimal(rows.get(rows.size() - 1)[10])).isEqualByComparingTo(closing);
    assertThat(csv.body()).contains("\r\n");

    String pdfUrl = browser.findElement(By.id("download-pdf")).getAttribute("href");
    HttpResponse<byte[]> pdf =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(pdfUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(pdf.headers().firstValue("Content-Type")).hasValue("application/pdf");
    String text;
    try (var doc = Loader.loadPDF(pdf.body())) {
      text = new PDFTextStripper().getText(doc);
    }
    assertThat(text)
        .contains("Account A00000001")
        .contains("Closing balance")
        .contains("49,747.50 INR")
        .contains("1,000.00 INR")
        .contains("50,000.00 INR");
    assertNoConsoleErrors();
  }

  @Test
  void aStatementThatDoesNotExistOrABadMonthIsAClearError() throws Exception {
    HttpResponse<String> none = get(base + "api/statement?account=A00000009&month=2026-10");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("No statement for account A00000009 in 2026-10");
    HttpResponse<String> bad = get(base + "statement.pdf?account=A00000001&month=October");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("use YYYY-MM");
    HttpResponse<String> hostile = get(base + "api/accounts?q=%27%3B%20DROP%20TABLE");
    assertThat(hostile.statusCode()).isEqualTo(400);
  }

  @Test
  @org.junit.jupiter.api.Tag("advisors")
  void theAdvisorListsShowTheMonthsCustomersWithMaskedNamesSortableAndFilterable()
      throws Exception {
    open("advisors");

    List<WebElement> red = browser.findElements(By.cssSelector("#in-red tbody tr"));
    assertThat(red).hasSize((int) count("customers_in_red WHERE as_of_month = '2026-10-01'"));
    assertThat(cell(red.get(0), "customer_id")).isEqualTo("C00000002"); // the longest streak
    assertThat(cell(red.get(0), "name_masked")).isEqualTo("A**** S****"); // the current version
    assertThat(cell(red.get(0), "city")).isEqualTo(MartsFixture.SCRIPT_CITY);
    assertThat(amount(red.get(0).findElement(By.cssSelector("td[data-key=month_end_balance_inr]"))))
        .isEqualByComparingTo("-1500.25");
    // Sorting by balance puts the deepest first; filtering keeps the matching rows only.
    browser.findElements(By.cssSelector("#in-red th")).get(4).click();
    assertThat(cell(browser.findElements(By.cssSelector("#in-red tbody tr")).get(0), "customer_id"))
        .isEqualTo("C00000002");
    browser.findElements(By.cssSelector("#in-red th")).get(4).click(); // descending
    assertThat(cell(browser.findElements(By.cssSelector("#in-red tbody tr")).get(0), "customer_id"))
        .isEqualTo("C00000003");
    browser.findElement(By.id("filter")).sendKeys("chennai");
    assertThat(browser.findElements(By.cssSelector("#in-red tbody tr"))).hasSize(1);
    assertThat(browser.findElements(By.cssSelector("#high-activity tbody tr td.note"))).hasSize(1);
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss")).isNull();
    assertNoConsoleErrors();
  }

  @Test
  @org.junit.jupiter.api.Tag("health")
  void theHealthPageShowsFreshnessLagRunsFailuresDeadLettersAndTheLastExport() throws Exception {
    open("health");

    assertThat(browser.findElements(By.cssSelector("#freshness tbody tr"))).hasSize(3);
    List<WebElement> stream = browser.findElements(By.cssSelector("#stream tbody tr"));
    assertThat(cell(stream.get(0), "lag")).isEqualTo("7");
    assertThat(cell(stream.get(0), "last_offset")).isEqualTo("99");
    List<WebElement> runs = browser.findElements(By.cssSelector("#runs tbody tr"));
    assertThat(cell(runs.get(0), "status")).isEqualTo("FAILED"); // the latest first
    assertThat(cell(runs.get(0), "error")).isEqualTo("disk full");
    // Dead letters summed per topic and reason over the days: 3 + 4 malformed.
    List<WebElement> dead = browser.findElements(By.cssSelector("#dead-letters tbody tr"));
    assertThat(cell(dead.get(0), "reason_code")).isEqualTo("MALFORMED_JSON");
    assertThat(cell(dead.get(0), "dead_letters")).isEqualTo("7");
    assertThat(chartData("dead-letters", 0)).containsExactly(7.0, 2.0);
    assertThat(cell(browser.findElements(By.cssSelector("#late tbody tr")).get(0), "outstanding"))
        .isEqualTo("2");
    // The manifest of the latest export only.
    List<WebElement> manifest = browser.findElements(By.cssSelector("#manifest tbody tr"));
    assertThat(manifest).hasSize(2);
    assertThat(cell(manifest.get(0), "gold_snapshot_id")).isEqualTo("12");
    assertThat(browser.findElement(By.id("as-of")).getText()).contains("new-run");
    // The anomalies, the latest first, and the history of the first one's metric with its band.
    List<WebElement> anomalies = browser.findElements(By.cssSelector("#anomalies tbody tr"));
    assertThat(anomalies).hasSize(2);
    assertThat(cell(anomalies.get(0), "anomaly_id")).isEqualTo("7");
    assertThat(cell(anomalies.get(0), "severity")).isEqualTo("error");
    assertThat(chartData("anomaly-7", 0)).containsExactly(410.0, 395.0, 120.0);
    assertThat(chartData("anomaly-7", 1)).containsExactly(335.0, 338.0, 340.0);
    assertNoConsoleErrors();
  }

  @Test
  @org.junit.jupiter.api.Tag("fraud")
  void theFraudPageChartsAlertsPerDayAndRuleAndListsTheLatest() throws Exception {
    open("fraud");

    assertThat(chartLabels("alerts")).containsExactly("2026-10-05", "2026-10-06");
    assertThat(chartData("alerts", 0)).containsExactly(1.0, 0.0); // amount
    assertThat(chartData("alerts", 1)).containsExactly(1.0, 1.0); // velocity
    List<WebElement> alerts = browser.findElements(By.cssSelector("#alerts tbody tr"));
    assertThat(alerts).hasSize((int) count("fraud_alerts"));
    assertThat(cell(alerts.get(0), "transaction_id")).isEqualTo("T8"); // the latest first
    assertNoConsoleErrors();
  }

  @Test
  @org.junit.jupiter.api.Tag("markets")
  void theMarketsPageShowsEachStockOnTheLatestDayAndSectorSeries() throws Exception {
    open("markets");

    List<WebElement> stocks = browser.findElements(By.cssSelector("#stocks tbody tr"));
    assertThat(stocks).hasSize(2);
    assertThat(cell(stocks.get(1), "symbol")).isEqualTo("TSLA");
    assertThat(cell(stocks.get(1), "sector")).isEqualTo("Automotive");
    assertThat(cell(stocks.get(1), "close")).isEqualTo("210.00");
    assertThat(cell(stocks.get(1), "return_1d")).isEqualTo("+5%");
    assertThat(chartData("sector-returns", 0)).containsExactly(0.01, 0.05); // Automotive
    assertThat(chartData("sector-returns", 1)).containsExactly(null, -0.02); // Technology: a gap
    assertNoConsoleErrors();
  }

  @Test
  void theServerReadsThroughAReadOnlyLoginThatCannotWriteNorSeeTheVersions() throws Exception {
    MartsDatabase reader =
        new MartsDatabase(pg.getJdbcUrl("lakehouse_bi", "postgres"), "lakehouse_bi", null);
    try (Connection c = reader.connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("DELETE FROM marts.monthly_kpis"))
          .isInstanceOf(SQLException.class);
    }
    try (Connection c =
            java.sql.DriverManager.getConnection(
                pg.getJdbcUrl("lakehouse_bi", "postgres"), "lakehouse_bi", null);
        Statement s = c.createStatement()) {
      // Even a session that does not ask for read-only is read-only by the role's default.
      assertThatThrownBy(() -> s.execute("CREATE TABLE marts.x (a int)"))
          .hasMessageContaining("read-only transaction");
      assertThatThrownBy(() -> s.executeQuery("SELECT * FROM marts_data.monthly_kpis__0000abcd"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void theServerRefusesToStartWithoutPostgresOrWithoutTheMarts() throws Exception {
    MartsDatabase nowhere =
        new MartsDatabase("jdbc:postgresql://127.0.0.1:1/postgres", "lakehouse_bi", null);
    assertThatThrownBy(nowhere::checkReady)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Cannot read the marts: PostgreSQL at")
        .hasMessageContaining("unreachable");
    try (Connection admin = pg.getPostgresDatabase().getConnection();
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE empty_db");
    }
    MartsDatabase empty =
        new MartsDatabase(
            pg.getJdbcUrl("postgres", "empty_db").replace("user=postgres", ""), "postgres", null);
    assertThatThrownBy(empty::checkReady)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("The marts are missing")
        .hasMessageContaining("monthly_kpis")
        .hasMessageContaining("lakehouse export");
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() throws Exception {
    HttpResponse<String> metrics = get(base + "metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    assertThat(metrics.body())
        .contains("# TYPE lakehouse_table_rows gauge")
        .contains("lakehouse_table_rows{layer=\"bronze\",table=\"bronze.transactions\"} 1234")
        .contains("lakehouse_job_last_run_failed{job=\"gold\"} 1")
        .contains("lakehouse_job_last_run_failed{job=\"silver\"} 0")
        .contains("# TYPE lakehouse_dead_letters_total counter")
        .contains(
            "lakehouse_dead_letters_total{topic=\"transactions\",reason=\"MALFORMED_JSON\"} 7")
        .contains(
            "lakehouse_stream_lag_messages{stream=\"bronze\",topic=\"transactions\","
                + "partition=\"0\"} 7")
        .contains("lakehouse_anomalies{severity=\"error\"} 1")
        .contains("lakehouse_late_arrivals_outstanding 2");
    // Every sample line is name{labels} value, as the format says.
    for (String line : metrics.body().split("\n")) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*\\})? -?[0-9.eE+-]+|NaN");
    }
  }

  @Test
  void chartJsIsServedByTheApplicationAndPagesAllowOnlyTheirOwnScripts() throws Exception {
    HttpResponse<String> chart = get(base + "static/chart.umd.js");
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("Chart.js v4");
    HttpResponse<String> page = get(base + "kpis");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'");
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://");
    assertThat(get(base + "static/..%2Fpage.html").statusCode()).isEqualTo(404);
  }

  private static void open(String path) {
    browser.get(base + path);
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> d.findElement(By.tagName("body")).getAttribute("data-ready") != null);
    assertThat(browser.findElement(By.tagName("body")).getAttribute("data-ready"))
        .as("page script finished: %s", browser.findElement(By.id("status")).getText())
        .isEqualTo("true");
  }

  private static void assertNoConsoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).isEmpty();
  }

  private static WebElement card(String kpi) {
    return browser.findElement(By.cssSelector("[data-kpi=" + kpi + "] .value"));
  }

  private static String cell(WebElement row, String key) {
    return row.findElement(By.cssSelector("td[data-key=" + key + "]")).getText();
  }

  /** The number an element shows, whatever its currency sign and digit grouping. */
  private static BigDecimal amount(WebElement e) {
    return new BigDecimal(e.getText().replaceAll("[^0-9.\\-]", ""));
  }

  @SuppressWarnings("unchecked")
  private static List<String> chartLabels(String id) {
    return (List<String>)
        ((JavascriptExecutor) browser)
            .executeScript("return window.charts[arguments[0]].data.labels", id);
  }

  @SuppressWarnings("unchecked")
  private static List<Double> chartData(String id, int dataset) {
    List<Object> raw =
        (List<Object>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return window.charts[arguments[0]].data.datasets[arguments[1]].data",
                    id,
                    dataset);
    return raw.stream().map(v -> v == null ? null : ((Number) v).doubleValue()).toList();
  }

  private static BigDecimal mart(String column, String month) throws SQLException {
    return scalar(
        "SELECT " + column + " FROM marts.monthly_kpis WHERE month_start = '" + month + "-01'");
  }

  private static BigDecimal mart(String column) throws SQLException {
    return scalar(
        "SELECT "
            + column
            + " FROM marts.monthly_statement WHERE account_id = 'A00000001'"
            + " AND month_start = '2026-10-01'");
  }

  private static long count(String from) throws SQLException {
    return scalar("SELECT count(*) FROM marts." + from).longValueExact();
  }

  private static BigDecimal scalar(String sql) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getBigDecimal(1);
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
