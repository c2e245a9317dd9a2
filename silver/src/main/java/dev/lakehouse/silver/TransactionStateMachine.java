package dev.lakehouse.silver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Decides the current state of one transaction from its lifecycle events: the highest sequence reached
 * through legal transitions (PENDING -> SUCCESS | FAILED, SUCCESS -> REVERSED). Events are judged in
 * sequence order, not arrival order, so a SUCCESS delivered before its PENDING still ends as SUCCESS.
 * An event that would move the state backwards or illegally never wins; it is returned with a reason.
 */
final class TransactionStateMachine {
  private static final Map<String, Integer> RANK = Map.of("PENDING", 0, "SUCCESS", 1, "FAILED", 1, "REVERSED", 2);

  /** The winning event and the rejected ones with their reasons. */
  record Outcome<T>(T current, List<Rejected<T>> rejected) {}

  record Rejected<T>(T event, String reason) {}

  private TransactionStateMachine() {}

  static boolean legal(String from, String to) {
    return (from.equals("PENDING") && (to.equals("SUCCESS") || to.equals("FAILED")))
        || (from.equals("SUCCESS") && to.equals("REVERSED"));
  }

  /**
   * @param events one transaction's events without redeliveries, sorted by sequence and then arrival
   */
  static <T> Outcome<T> resolve(List<T> events, ToIntFunction<T> sequence, Function<T, String> status) {
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
        rejected.add(new Rejected<>(e, "conflicting event for sequence " + seq + ": " + to + " while " + from + " was recorded first"));
      } else if (legal(from, to)) {
        current = e;
      } else if (RANK.getOrDefault(to, 0) < RANK.getOrDefault(from, 0)) {
        rejected.add(new Rejected<>(e, "regressive update " + from + " -> " + to + " (sequence " + seq + ")"));
      } else {
        rejected.add(new Rejected<>(e, "illegal transition " + from + " -> " + to + " (sequence " + seq + ")"));
      }
    }
    return new Outcome<>(current, rejected);
  }
}
