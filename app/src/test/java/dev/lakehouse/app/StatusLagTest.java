package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lag arithmetic of {@code status}: end offsets minus the next offsets a stream will read. */
class StatusLagTest {
  @Test
  void lagSumsThePartitionsOfOneTopicAndCountsAnUnreadPartitionWhole() {
    Map<String, Long> ends =
        Map.of(
            "transactions-0", 40L,
            "transactions-1", 9L,
            "transactions-2", 8L,
            "customers-0", 5L);
    Map<String, Long> next = Map.of("transactions-0", 25L, "transactions-2", 8L);
    // 40 - 25 on partition 0, all 9 of partition 1 (never read), none of partition 2.
    assertThat(StatusCommand.behind("transactions", ends, next)).isEqualTo(24);
    assertThat(StatusCommand.behind("customers", ends, next)).isEqualTo(5);
    assertThat(StatusCommand.behind("accounts", ends, next)).isZero();
  }

  @Test
  void aStreamAheadOfTheEndOffsetsIsNotNegativeLag() {
    // After a topic was deleted and created again, a checkpoint can be ahead of it.
    assertThat(
            StatusCommand.behind(
                "transactions", Map.of("transactions-0", 3L), Map.of("transactions-0", 10L)))
        .isZero();
  }
}
