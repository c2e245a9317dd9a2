package dev.lakehouse.fraud;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;

/**
 * A transaction as the fraud rules see it: the creation event (sequence 1) of a customer-initiated
 * debit, with its amount in INR and where it came from on Kafka. A Java bean for Spark's encoder.
 */
public class TxnEvent implements Serializable {
  private static final long serialVersionUID = 1L;

  private String transactionId;
  private String customerId;
  private String accountId;
  private String txnType;

  /** In the transaction's currency. */
  private BigDecimal amount;

  private String currency;

  /** At the configured fixed INR rate of the currency (fx.inr-rates). */
  private BigDecimal amountInr;

  private Timestamp eventTs;

  /** Null when the message names none. */
  private String deviceId;

  private Double latitude;
  private Double longitude;
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

  public String getDeviceId() {
    return deviceId;
  }

  public void setDeviceId(String deviceId) {
    this.deviceId = deviceId;
  }

  public Double getLatitude() {
    return latitude;
  }

  public void setLatitude(Double latitude) {
    this.latitude = latitude;
  }

  public Double getLongitude() {
    return longitude;
  }

  public void setLongitude(Double longitude) {
    this.longitude = longitude;
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
