package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.TestLake;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlTemplateTest {

  @Test
  void valuesAreRenderedAsSqlLiteralsByType() {
    SqlTemplate t =
        SqlTemplate.of(
            "t",
            "SELECT * FROM ${orders} WHERE d BETWEEN ${first} AND ${last} AND ts < ${until} AND"
                + " amount >= ${floor} AND n > ${n} AND ok = ${ok} AND status = ${status} AND"
                + " ${rule}");
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("orders", SqlTemplate.table("lakehouse.gold.fct_transactions"));
    values.put("first", LocalDate.of(2026, 1, 1));
    values.put("last", LocalDate.of(2026, 12, 31));
    values.put("until", LocalDate.of(2026, 2, 1).atStartOfDay());
    values.put("floor", new BigDecimal("1E+5")); // plain, never 1E+5 (a DOUBLE in SQL)
    values.put("n", 3);
    values.put("ok", true);
    values.put("status", "it's"); // quoted, the quote escaped
    values.put("rule", SqlTemplate.sql("txn_type IN ('DEPOSIT', 'FEE')"));

    assertThat(t.render(values))
        .isEqualTo(
            "SELECT * FROM lakehouse.gold.fct_transactions WHERE d BETWEEN DATE '2026-01-01' AND"
                + " DATE '2026-12-31' AND ts < TIMESTAMP '2026-02-01 00:00:00' AND amount >= 100000"
                + " AND n > 3 AND ok = TRUE AND status = 'it\\'s' AND txn_type IN ('DEPOSIT',"
                + " 'FEE')");
  }

  @Test
  void aParameterUsedTwiceIsFilledTwice() {
    assertThat(SqlTemplate.of("t", "${d} = ${d}").render(Map.of("d", LocalDate.of(2026, 3, 1))))
        .isEqualTo("DATE '2026-03-01' = DATE '2026-03-01'");
  }

  @Test
  void aMissingParameterIsNamed() {
    SqlTemplate t = SqlTemplate.of("gold/models/x.sql", "SELECT ${a}, ${b}, ${c}");
    assertThatThrownBy(() -> t.render(Map.of("b", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot fill SQL template gold/models/x.sql: no value for [a, c].");
  }

  @Test
  void anUnusedParameterIsNamed() {
    SqlTemplate t = SqlTemplate.of("gold/models/x.sql", "SELECT ${a}");
    assertThatThrownBy(() -> t.render(Map.of("a", 1, "window_end", LocalDate.of(2026, 1, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not use [window_end]");
  }

  @Test
  void aValueOfAnUnknownTypeIsRefused() {
    SqlTemplate t = SqlTemplate.of("t", "SELECT ${a}");
    assertThatThrownBy(() -> t.render(Map.of("a", 1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameter a has a value of unsupported type Double");
  }

  @Test
  void aTableNameMustBeAnIdentifier() {
    assertThat(SqlTemplate.table("gold_customer_changes").text())
        .isEqualTo("gold_customer_changes");
    assertThatThrownBy(() -> SqlTemplate.table("gold.t; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not a table name");
  }

  @Test
  void aMissingResourceIsNamed() {
    assertThatThrownBy(() -> SqlTemplate.load("gold/models/no_such_model.sql"))
        .hasMessageContaining("gold/models/no_such_model.sql");
  }

  /**
   * The run offers every parameter a model declares, and each file uses exactly what its model
   * declares.
   */
  @Test
  void everyModelFileUsesExactlyTheParametersItsModelDeclares(@TempDir Path dataDir) {
    Map<String, Object> run =
        GoldModels.parameters(
            TestLake.config(dataDir),
            LocalDate.of(2026, 1, 1),
            LocalDate.of(2026, 1, 31),
            LocalDate.of(2026, 2, 28),
            Map.of());
    Set<String> names = new HashSet<>();
    for (GoldModel model : GoldModels.ORDER) {
      assertThat(names.add(model.name())).as("model names are unique").isTrue();
      assertThat(run).containsKeys(model.parameters().toArray(String[]::new));
      assertThat(GoldModel.template(GoldModel.MODELS + model.name()).parameters())
          .as(model.name())
          .containsExactlyInAnyOrderElementsOf(model.parameters());
      assertThat(model.sql(run)).doesNotContain("${");
    }
  }
}
