package dev.lakehouse.fraud;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One customer's rule state in memory, as the rules read and change it; {@link FraudProcessor}
 * loads it from the state store and saves it back. Times are event times in epoch milliseconds.
 */
public final class CustomerState {
  /** Running statistics of scored amounts in INR, per kind of spending (see RuleEngine). */
  final Map<String, CustomerStats> spending = new HashMap<>();

  /** Event times of recent scored transactions, ascending (the velocity window's candidates). */
  final List<Long> recent = new ArrayList<>();

  /** The latest (event time) transaction with coordinates; null before the first. */
  LastPlace place;

  /** Device id to the latest event time it was used. */
  final Map<String, Long> devices = new HashMap<>();

  /** Transactions already scored, to the event time: a redelivered creation event is skipped. */
  final Map<String, Long> seen = new HashMap<>();

  /** The latest event time seen, the reference for dropping what no rule can use any more. */
  long newestMs = Long.MIN_VALUE;

  public static CustomerState empty() {
    return new CustomerState();
  }

  /** Scored transactions in the spending statistics, every kind together. */
  public long count() {
    return spending.values().stream().mapToLong(CustomerStats::getCount).sum();
  }

  public Map<String, Long> devices() {
    return devices;
  }

  public List<Long> recent() {
    return recent;
  }
}
