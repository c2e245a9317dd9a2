package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** demo end to end at a small size; the numbers it prints must be what PostgreSQL holds. */
class DemoTest extends CliTestBase {

  @Test
  void demoRunsEndToEndAndPrintsWhatPostgresHolds() throws Exception {
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg")).start()) {
      String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
      CliRun demo =
          CliRun.of(
              "demo",
              "--events",
              "8000",
              "--days",
              "100",
              "--data-dir",
              dataDir.toString(),
              "--conf",
              "postgres.url=" + url,
              "--conf",
              "spark.master=local[2]",
              "--conf",
              "spark.shuffle-partitions=2",
              "--json");
      assertThat(demo.exitCode()).as(demo.err()).isZero();
      assertThat(demo.out())
          .contains("[8/8")
          .contains("Rows per layer")
          .contains("from PostgreSQL")
          .contains("Demo finished");
      JsonNode s = demo.json();
      assertThat(s.get("layers").get("bronze.dead_letters").asLong()).isPositive();
      assertThat(s.get("dead_letters_by_reason").size()).isEqualTo(12);
      // Whatever arrived late was recorded by the daily run and applied by the backfill.
      assertThat(s.get("late_arrivals_applied").asLong())
          .isEqualTo(s.get("late_arrivals_detected").asLong());
      assertThat(s.get("layers").get("silver.transactions").asLong())
          .isEqualTo(s.get("layers").get("gold.fct_transactions").asLong());
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        ResultSet months = st.executeQuery("SELECT count(*) FROM marts.monthly_kpis");
        months.next();
        assertThat(s.get("monthly_kpis").size())
            .isEqualTo(months.getInt(1))
            .isGreaterThanOrEqualTo(4);
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
  }
}
