package dev.lakehouse.fraud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.streaming.ListState;
import org.apache.spark.sql.streaming.MapState;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StatefulProcessor;
import org.apache.spark.sql.streaming.TTLConfig;
import org.apache.spark.sql.streaming.TimeMode;
import org.apache.spark.sql.streaming.TimerValues;
import org.apache.spark.sql.streaming.ValueState;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rules per customer in Spark's state store (RocksDB): each micro-batch's transactions of a
 * customer, in event-time order, go through {@link RuleEngine} with the state the customer's
 * earlier transactions left. Every state variable has a processing-time TTL
 * (fraud.state-ttl-hours), so customers who stop transacting leave the store; within it, the engine
 * forgets by event time what its rules can no longer use.
 */
final class FraudProcessor extends StatefulProcessor<String, TxnEvent, Decision> {
  private static final long serialVersionUID = 1L;

  private final FraudRules rules;
  private final Duration stateTtl;
  private transient MapState<String, CustomerStats> spending;
  private transient ValueState<LastPlace> place;
  private transient ListState<Long> recent;
  private transient MapState<String, Long> devices;
  private transient MapState<String, Long> seen;
  private transient RuleEngine engine;

  FraudProcessor(FraudRules rules, Duration stateTtl) {
    this.rules = rules;
    this.stateTtl = stateTtl;
  }

  @Override
  public void init(OutputMode outputMode, TimeMode timeMode) {
    TTLConfig ttl = new TTLConfig(stateTtl);
    spending =
        getHandle()
            .getMapState("spending", Encoders.STRING(), Encoders.bean(CustomerStats.class), ttl);
    place = getHandle().getValueState("place", Encoders.bean(LastPlace.class), ttl);
    recent = getHandle().getListState("recent", Encoders.LONG(), ttl);
    devices = getHandle().getMapState("devices", Encoders.STRING(), Encoders.LONG(), ttl);
    seen = getHandle().getMapState("seen", Encoders.STRING(), Encoders.LONG(), ttl);
    engine = new RuleEngine(rules);
  }

  @Override
  public Iterator<Decision> handleInputRows(
      String customerId, Iterator<TxnEvent> rows, TimerValues timerValues) {
    List<TxnEvent> events = new ArrayList<>();
    rows.foreach(events::add);
    events.sort(
        Comparator.comparing(TxnEvent::getEventTs)
            .thenComparing(TxnEvent::getKafkaPartition)
            .thenComparing(TxnEvent::getKafkaOffset));
    CustomerState s = load();
    long now = timerValues.getCurrentProcessingTimeInMs();
    List<Decision> out = new ArrayList<>(events.size());
    for (TxnEvent e : events) {
      Decision d = engine.decide(e, s, now);
      if (d != null) {
        out.add(d);
      }
    }
    save(s);
    return CollectionConverters.asScala(out).iterator();
  }

  private CustomerState load() {
    CustomerState s = CustomerState.empty();
    for (Iterator<Tuple2<String, CustomerStats>> it = spending.iterator(); it.hasNext(); ) {
      Tuple2<String, CustomerStats> k = it.next();
      s.spending.put(k._1(), k._2());
    }
    s.place = place.get();
    if (s.place != null) {
      s.newestMs = s.place.getEventMs();
    }
    recent.get().foreach(s.recent::add);
    s.recent.sort(null);
    for (Iterator<Tuple2<String, Long>> it = devices.iterator(); it.hasNext(); ) {
      Tuple2<String, Long> d = it.next();
      s.devices.put(d._1(), d._2());
    }
    for (Iterator<Tuple2<String, Long>> it = seen.iterator(); it.hasNext(); ) {
      Tuple2<String, Long> d = it.next();
      s.seen.put(d._1(), d._2());
      s.newestMs = Math.max(s.newestMs, d._2());
    }
    return s;
  }

  private void save(CustomerState s) {
    for (Map.Entry<String, CustomerStats> k : s.spending.entrySet()) {
      spending.updateValue(k.getKey(), k.getValue());
    }
    if (s.place != null) {
      place.update(s.place);
    }
    if (s.recent.isEmpty()) {
      recent.clear();
    } else {
      recent.put(s.recent.toArray(new Long[0]));
    }
    devices.clear();
    for (Map.Entry<String, Long> d : s.devices.entrySet()) {
      devices.updateValue(d.getKey(), d.getValue());
    }
    seen.clear();
    for (Map.Entry<String, Long> d : s.seen.entrySet()) {
      seen.updateValue(d.getKey(), d.getValue());
    }
  }
}
