package dev.lakehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void aFamilysSamplesStayTogetherUnderItsHeaderWhateverTheOrderTheyCameIn() {
    PrometheusText p = new PrometheusText();
    p.family("a_total", "counter", "A.").sample("a_total", 1, "stream", "bronze");
    p.family("b_seconds", "gauge", "B.").sample("b_seconds", 0.25);
    p.family("a_total", "counter", "A.").sample("a_total", 2, "stream", "fraud");

    assertThat(p.toString())
        .isEqualTo(
            "# HELP a_total A.\n# TYPE a_total counter\na_total{stream=\"bronze\"} 1\n"
                + "a_total{stream=\"fraud\"} 2\n"
                + "# HELP b_seconds B.\n# TYPE b_seconds gauge\nb_seconds 0.25\n");
  }

  @Test
  void labelValuesAreEscapedAndNumbersWrittenWithoutExponents() {
    PrometheusText p = new PrometheusText();
    p.family("x", "gauge", "X.").sample("x", 1.793487599999E9, "rule", "a \"b\"\\c\nd");
    assertThat(p.toString()).endsWith("x{rule=\"a \\\"b\\\"\\\\c\\nd\"} 1793487599.999\n");
  }

  @Test
  void namesFollowTheConventions() {
    PrometheusText p = new PrometheusText();
    assertThatThrownBy(() -> p.family("rows", "counter", "."))
        .hasMessageContaining("ends with _total");
    assertThatThrownBy(() -> p.family("bad-name", "gauge", "."))
        .hasMessageContaining("Not a Prometheus metric name");
    assertThatThrownBy(() -> p.sample("undeclared", 1)).hasMessageContaining("Declare");
  }
}
