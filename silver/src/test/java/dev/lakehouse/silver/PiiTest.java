package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiTest {
  @Test
  void outsideTheLocalProfileSilverRefusesToRunWithoutTheKey() {
    LakehouseConfig compose = LakehouseConfig.load("compose", Map.of(), Map.of());
    assertThatThrownBy(() -> Pii.key(compose))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_PII_HMAC_KEY");
    LakehouseConfig withKey =
        LakehouseConfig.load("compose", Map.of(), Map.of("LAKEHOUSE_PII_HMAC_KEY", "k3y"));
    assertThat(Pii.key(withKey)).isEqualTo("k3y");
  }

  @Test
  void theLocalProfileFallsBackToTheDevelopmentKey() {
    assertThat(Pii.key(LakehouseConfig.load("local", Map.of(), Map.of())))
        .isEqualTo(Pii.DEVELOPMENT_KEY);
  }

  /** The profile's name does not decide: a "local" profile aimed at real services needs a key. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "kafka.embedded=false",
        "kafka.bootstrap-servers=broker-1.bank.internal:9092",
        "catalog.type=rest",
        "catalog.warehouse=s3a://bank-lake/warehouse"
      })
  void theLocalProfileAgainstRealServicesNeedsTheKey(String setting) {
    String[] kv = setting.split("=", 2);
    LakehouseConfig real = LakehouseConfig.load("local", Map.of(kv[0], kv[1]), Map.of());
    assertThatThrownBy(() -> Pii.key(real))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_PII_HMAC_KEY")
        .hasMessageContaining(kv[0]);
  }

  @Test
  void hmacIsKeyedAndStable() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assertThat(Pii.hmac("Jefe", "what do ya want for nothing?"))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat(Pii.hmac("other", "what do ya want for nothing?"))
        .isNotEqualTo(Pii.hmac("Jefe", "what do ya want for nothing?"));
    assertThat(Pii.hmac("Jefe", null)).isNull();
  }
}
