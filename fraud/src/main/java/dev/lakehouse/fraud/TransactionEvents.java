package dev.lakehouse.fraud;

import dev.lakehouse.contract.ContractLimits;
import dev.lakehouse.contract.ContractParser;
import dev.lakehouse.contract.FieldSpec;
import dev.lakehouse.contract.ParsedMessage;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Kafka rows of the transactions topic to the events the rules score: valid creation events
 * (sequence 1) of the customer-initiated debits. Everything else passes by: status changes,
 * credits, platform fees, messages that break the contract (bronze keeps those as dead letters),
 * and amounts in a currency without a fixed INR rate.
 */
final class TransactionEvents implements MapPartitionsFunction<Row, TxnEvent> {
  private static final long serialVersionUID = 1L;

  /** The outgoing payments (see {@link TxnType#isOutgoingPayment}). */
  static final Set<String> SCORED_TYPES = scoredTypes();

  private final ContractLimits limits;
  private final Map<String, BigDecimal> inrRates;

  TransactionEvents(ContractLimits limits, Map<String, BigDecimal> inrRates) {
    this.limits = limits;
    this.inrRates = inrRates;
  }

  private static Set<String> scoredTypes() {
    Set<String> out = new TreeSet<>();
    for (TxnType t : TxnType.values()) {
      if (t.isOutgoingPayment()) {
        out.add(t.name());
      }
    }
    return Set.copyOf(out);
  }

  @Override
  public Iterator<TxnEvent> call(Iterator<Row> input) {
    ContractParser parser = new ContractParser(limits);
    Fields f = new Fields();
    List<TxnEvent> out = new ArrayList<>();
    while (input.hasNext()) {
      TxnEvent e = toEvent(parser, f, inrRates, input.next());
      if (e != null) {
        out.add(e);
      }
    }
    return out.iterator();
  }

  /** Positions of the fields the rules read, in the contract's order. */
  static final class Fields {
    final int transactionId = index("transaction_id");
    final int sequence = index("sequence");
    final int txnType = index("txn_type");
    final int accountId = index("account_id");
    final int customerId = index("customer_id");
    final int amount = index("amount");
    final int currency = index("currency");
    final int eventTs = index("event_ts");
    final int deviceId = index("device_id");
    final int latitude = index("latitude");
    final int longitude = index("longitude");

    private static int index(String name) {
      List<FieldSpec> fields = Topic.TRANSACTIONS.fields();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).name().equals(name)) {
          return i;
        }
      }
      throw new IllegalStateException("The transactions contract has no field " + name);
    }
  }

  /** Kafka row (value, topic, partition, offset, timestamp) to an event, or null to pass by. */
  static TxnEvent toEvent(
      ContractParser parser, Fields f, Map<String, BigDecimal> inrRates, Row kafka) {
    ParsedMessage m = parser.parse(Topic.TRANSACTIONS.topicName(), (byte[]) kafka.get(0));
    if (m.isDeadLetter()) {
      return null;
    }
    Object[] v = m.values();
    if (((Number) v[f.sequence]).intValue() != 1 || !SCORED_TYPES.contains(v[f.txnType])) {
      return null;
    }
    BigDecimal rate = inrRates.get((String) v[f.currency]);
    if (rate == null) {
      return null;
    }
    TxnEvent e = new TxnEvent();
    e.setTransactionId((String) v[f.transactionId]);
    e.setCustomerId((String) v[f.customerId]);
    e.setAccountId((String) v[f.accountId]);
    e.setTxnType((String) v[f.txnType]);
    BigDecimal amount = (BigDecimal) v[f.amount];
    e.setAmount(amount);
    e.setCurrency((String) v[f.currency]);
    e.setAmountInr(amount.multiply(rate).setScale(2, RoundingMode.HALF_UP));
    e.setEventTs((Timestamp) v[f.eventTs]);
    e.setDeviceId((String) v[f.deviceId]);
    e.setLatitude(v[f.latitude] == null ? null : ((Number) v[f.latitude]).doubleValue());
    e.setLongitude(v[f.longitude] == null ? null : ((Number) v[f.longitude]).doubleValue());
    e.setKafkaTopic(kafka.getString(1));
    e.setKafkaPartition(kafka.getInt(2));
    e.setKafkaOffset(kafka.getLong(3));
    e.setKafkaTs(kafka.getTimestamp(4));
    return e;
  }
}
