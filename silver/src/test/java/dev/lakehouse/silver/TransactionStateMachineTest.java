package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TransactionStateMachineTest {
  /** An event: its sequence, status and arrival order. */
  record E(int seq, String status, int arrival) {}

  private static TransactionStateMachine.Outcome<E> resolve(E... events) {
    List<E> sorted =
        Stream.of(events)
            .sorted(Comparator.comparingInt(E::seq).thenComparingInt(E::arrival))
            .toList();
    return TransactionStateMachine.resolve(sorted, E::seq, E::status);
  }

  @Test
  void lateSuccessSettlesAPending() {
    var o = resolve(new E(1, "PENDING", 1), new E(2, "SUCCESS", 2));
    assertThat(o.current().status()).isEqualTo("SUCCESS");
    assertThat(o.rejected()).isEmpty();
  }

  @Test
  void successDeliveredBeforeItsPendingStillEndsAsSuccess() {
    var o = resolve(new E(2, "SUCCESS", 1), new E(1, "PENDING", 2));
    assertThat(o.current().status()).isEqualTo("SUCCESS");
    assertThat(o.rejected()).isEmpty();
  }

  @Test
  void successAloneIsAcceptedUntilItsPendingArrives() {
    assertThat(resolve(new E(2, "SUCCESS", 1)).current().status()).isEqualTo("SUCCESS");
  }

  @Test
  void regressivePendingAfterSuccessNeverWins() {
    var o = resolve(new E(1, "PENDING", 1), new E(2, "SUCCESS", 2), new E(3, "PENDING", 3));
    assertThat(o.current().status()).isEqualTo("SUCCESS");
    assertThat(o.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.event().seq()).isEqualTo(3);
              assertThat(r.reason()).isEqualTo("regressive update SUCCESS -> PENDING (sequence 3)");
            });
  }

  @Test
  void successAfterFailedIsIllegal() {
    var o = resolve(new E(1, "PENDING", 1), new E(2, "FAILED", 2), new E(3, "SUCCESS", 3));
    assertThat(o.current().status()).isEqualTo("FAILED");
    assertThat(o.rejected())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.reason())
                    .isEqualTo("illegal transition FAILED -> SUCCESS (sequence 3)"));
  }

  @Test
  void reversalAfterSuccessWins() {
    var o = resolve(new E(3, "REVERSED", 1), new E(1, "PENDING", 2), new E(2, "SUCCESS", 3));
    assertThat(o.current().status()).isEqualTo("REVERSED");
    assertThat(o.rejected()).isEmpty();
  }

  @Test
  void reversalOfAFailedTransactionIsIllegal() {
    var o = resolve(new E(1, "FAILED", 1), new E(2, "REVERSED", 2));
    assertThat(o.current().status()).isEqualTo("FAILED");
    assertThat(o.rejected())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("illegal transition FAILED -> REVERSED"));
  }

  @Test
  void twoDifferentEventsForOneSequenceKeepTheFirstArrival() {
    var o = resolve(new E(1, "PENDING", 1), new E(2, "SUCCESS", 2), new E(2, "FAILED", 3));
    assertThat(o.current().status()).isEqualTo("SUCCESS");
    assertThat(o.rejected())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.reason())
                    .isEqualTo(
                        "conflicting event for sequence 2: FAILED while SUCCESS was recorded"
                            + " first"));
  }
}
