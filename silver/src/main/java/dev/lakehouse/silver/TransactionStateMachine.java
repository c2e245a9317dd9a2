package dev.lakehouse.silver;

import static dev.lakehouse.contract.Vocabulary.TxnStatus.FAILED;
import static dev.lakehouse.contract.Vocabulary.TxnStatus.PENDING;
import static dev.lakehouse.contract.Vocabulary.TxnStatus.REVERSED;
import static dev.lakehouse.contract.Vocabulary.TxnStatus.SUCCESS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Decides the current state of one transaction from its lifecycle events: the highest sequence
 * reached through legal transitions (PENDING -> SUCCESS | FAILED, SUCCESS -> REVERSED). Events are
 * judged in sequence order, not arrival order, so a SUCCESS delivered before its PENDING still ends
 * as SUCCESS. An event that would move the state backwards or illegally never wins; it is returned
 * with a reason.
 */
final class TransactionStateMachine {
  private static final Map<String, Integer> RANK =
      Map.of(PENDING.name(), 0, SUCCESS.name(), 1, FAILED.name(), 1, REVERSED.name(), 2);

  /** The winning event and the rejected ones with their reasons. */
  record Outcome<T>(T current, List<Rejected<T>> rejected) {}

  record Rejected<T>(T event, String reason) {}

  private TransactionStateMachine() {}

  static boolean legal(String from, String to) {
    return (from.equals(PENDING.name()) && (to.equals(SUCCESS.name()) || to.equals(FAILED.name())))
        || (from.equals(SUCCESS.name()) && to.equals(REVERSED.name()));
  }

  /**
   * @param events one transaction's events without redeliveries, sorted by sequence and then
   *     arrival
   */
  static <T> Outcome<T> resolve(
      List<T> events, ToIntFunction<T> sequence, Function<T, String> status) {
    T current = null;
    List<Rejected<T>> rejected = new ArrayList<>();
    for (T e : events) {
      if (current == null) {
        current = e;
        continue;
      }
      String from = status.apply(current);
      String to = status.apply(e);
      int seq = sequence.applyAsInt(e);
      if (seq == sequence.applyAsInt(current)) {
        rejected.add(
            new Rejected<>(
                e,
                "conflicting event for sequence "
                    + seq
                    + ": "
                    + to
                    + " while "
                    + from
                    + " was recorded first"));
      } else if (legal(from, to)) {
        current = e;
      } else if (RANK.getOrDefault(to, 0) < RANK.getOrDefault(from, 0)) {
        rejected.add(
            new Rejected<>(
                e, "regressive update " + from + " -> " + to + " (sequence " + seq + ")"));
      } else {
        rejected.add(
            new Rejected<>(
                e, "illegal transition " + from + " -> " + to + " (sequence " + seq + ")"));
      }
    }
    return new Outcome<>(current, rejected);
  }
}
