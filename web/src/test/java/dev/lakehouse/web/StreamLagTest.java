package dev.lakehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamLagTest {
  @Test
  void withNothingListeningTheLagIsUnknown() {
    StreamLag lag = new StreamLag("127.0.0.1:1");
    Map<String, Long> result =
        lag.apply(
            List.of(
                Map.of("kafka_topic", "transactions", "kafka_partition", 0, "last_offset", 9L)));
    assertThat(result).isNull();
  }

  @Test
  void nothingLandedIsNoLag() {
    assertThat(new StreamLag("127.0.0.1:1").apply(List.of())).isEmpty();
  }
}
