package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The waves of models the gold run writes at the same time. */
class GoldWavesTest {
  static List<List<String>> names(List<List<GoldModel>> waves) {
    return waves.stream().map(w -> w.stream().map(GoldModel::name).toList()).toList();
  }

  @Test
  void theDimensionsThenTheFactsThenWhatReadsOnlyTheFactsAndSoOn() {
    // Worked out from each model's SQL: the marts read the facts and balances, the monthly
    // rankings read customer_monthly, which reads the balances.
    assertThat(names(GoldModels.waves()))
        .containsExactly(
            List.of("dim_account", "dim_merchant", "dim_customer_changes", "dim_date"),
            List.of("fct_transactions"),
            List.of(
                "fct_daily_account_balance",
                "daily_revenue_summary",
                "monthly_kpis",
                "monthly_transaction_trend"),
            List.of("monthly_statement", "customer_monthly"),
            List.of("customers_in_red", "high_activity_customers", "customers_per_tier"));
  }

  @Test
  void noModelReadsATableWrittenInItsOwnWaveOrALaterOne() {
    List<List<GoldModel>> waves = GoldModels.waves();
    assertThat(waves.stream().mapToInt(List::size).sum()).isEqualTo(GoldModels.ORDER.size());
    for (int w = 0; w < waves.size(); w++) {
      for (GoldModel reader : waves.get(w)) {
        for (int later = w; later < waves.size(); later++) {
          for (GoldModel writer : waves.get(later)) {
            if (writer != reader) {
              String table = writer.target().substring(writer.target().indexOf('.') + 1);
              assertThat(reader.parameters())
                  .as(reader.name() + " reads " + table + ", written in wave " + later)
                  .doesNotContain(table);
            }
          }
        }
      }
    }
  }
}
