package dev.lakehouse.fraud;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the fraud stream decided about one transaction: the features it computed from the customer's
 * state at that moment, and the rules that fired. A Java bean for Spark's encoder.
 */
public class Decision implements Serializable {
  private static final long serialVersionUID = 1L;

  private String transactionId;
  private String customerId;
  private String accountId;
  private String txnType;
  private BigDecimal amount;
  private String currency;
  private BigDecimal amountInr;
  private Timestamp eventTs;

  /** When the stream decided. */
  private Timestamp detectedTs;

  /** Scored transactions of the customer before this one. */
  private long historyCount;

  /** Their mean amount in INR (0 without history). */
  private double meanInr;

  /** Deviations above that mean; null below the minimum history. */
  private Double zScore;

  /** Transactions in the velocity window, this one included. */
  private int velocityCount;

  /** Distance from the previous transaction with coordinates; null without one. */
  private Double kmFromLast;

  /** The speed that distance implies; null without one. */
  private Double kmhFromLast;

  /** A device the customer has not used within the device TTL, while it has another. */
  private boolean newDevice;

  /** UTC hour of the event. */
  private int hourOfDay;

  /** The rules that fired (enabled ones only). */
  private List<RuleHit> hits = new ArrayList<>();

  private String kafkaTopic;
  private int kafkaPartition;
  private long kafkaOffset;

  /** When Kafka received the creation event. */
  private Timestamp kafkaTs;

  public String getTransactionId() {
    return transactionId;
  }

  public void setTransactionId(String transactionId) {
    this.transactionId = transactionId;
  }

  public String getCustomerId() {
    return customerId;
  }

  public void setCustomerId(String customerId) {
    this.customerId = customerId;
  }

  public String getAccountId() {
    return accountId;
  }

  public void setAccountId(String accountId) {
    this.accountId = accountId;
  }

  public String getTxnType() {
    return txnType;
  }

  public void setTxnType(String txnType) {
    this.txnType = txnType;
  }

  public BigDecimal getAmount() {
    return amount;
  }

  public void setAmount(BigDecimal amount) {
    this.amount = amount;
  }

  public String getCurrency() {
    return currency;
  }

  public void setCurrency(String currency) {
    this.currency = currency;
  }

  public BigDecimal getAmountInr() {
    return amountInr;
  }

  public void setAmountInr(BigDecimal amountInr) {
    this.amountInr = amountInr;
  }

  public Timestamp getEventTs() {
    return eventTs;
  }

  public void setEventTs(Timestamp eventTs) {
    this.eventTs = eventTs;
  }

  public Timestamp getDetectedTs() {
    return detectedTs;
  }

  public void setDetectedTs(Timestamp detectedTs) {
    this.detectedTs = detectedTs;
  }

  public long getHistoryCount() {
    return historyCount;
  }

  public void setHistoryCount(long historyCount) {
    this.historyCount = historyCount;
  }

  public double getMeanInr() {
    return meanInr;
  }

  public void setMeanInr(double meanInr) {
    this.meanInr = meanInr;
  }

  public Double getZScore() {
    return zScore;
  }

  public void setZScore(Double zScore) {
    this.zScore = zScore;
  }

  public int getVelocityCount() {
    return velocityCount;
  }

  public void setVelocityCount(int velocityCount) {
    this.velocityCount = velocityCount;
  }

  public Double getKmFromLast() {
    return kmFromLast;
  }

  public void setKmFromLast(Double kmFromLast) {
    this.kmFromLast = kmFromLast;
  }

  public Double getKmhFromLast() {
    return kmhFromLast;
  }

  public void setKmhFromLast(Double kmhFromLast) {
    this.kmhFromLast = kmhFromLast;
  }

  public boolean isNewDevice() {
    return newDevice;
  }

  public void setNewDevice(boolean newDevice) {
    this.newDevice = newDevice;
  }

  public int getHourOfDay() {
    return hourOfDay;
  }

  public void setHourOfDay(int hourOfDay) {
    this.hourOfDay = hourOfDay;
  }

  public List<RuleHit> getHits() {
    return hits;
  }

  public void setHits(List<RuleHit> hits) {
    this.hits = hits;
  }

  public String getKafkaTopic() {
    return kafkaTopic;
  }

  public void setKafkaTopic(String kafkaTopic) {
    this.kafkaTopic = kafkaTopic;
  }

  public int getKafkaPartition() {
    return kafkaPartition;
  }

  public void setKafkaPartition(int kafkaPartition) {
    this.kafkaPartition = kafkaPartition;
  }

  public long getKafkaOffset() {
    return kafkaOffset;
  }

  public void setKafkaOffset(long kafkaOffset) {
    this.kafkaOffset = kafkaOffset;
  }

  public Timestamp getKafkaTs() {
    return kafkaTs;
  }

  public void setKafkaTs(Timestamp kafkaTs) {
    this.kafkaTs = kafkaTs;
  }
}
