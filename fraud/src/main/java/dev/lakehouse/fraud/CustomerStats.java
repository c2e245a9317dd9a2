package dev.lakehouse.fraud;

import java.io.Serializable;

/**
 * A customer's running count, mean and sum of squared deviations (Welford) of scored amounts in
 * INR: statistics for the spike rule, never money. A Java bean for the state store.
 */
public class CustomerStats implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private double mean;
  private double m2;

  public long getCount() {
    return count;
  }

  public void setCount(long count) {
    this.count = count;
  }

  public double getMean() {
    return mean;
  }

  public void setMean(double mean) {
    this.mean = mean;
  }

  public double getM2() {
    return m2;
  }

  public void setM2(double m2) {
    this.m2 = m2;
  }
}
