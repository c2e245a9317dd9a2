package dev.lakehouse.fraud;

import java.io.Serializable;

/** One rule that fired on a transaction, and by how much. A Java bean for Spark's encoder. */
public class RuleHit implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The rule's id ({@link FraudRule#id()}). */
  private String rule;

  /** How far past the rule's threshold: 1 is at it. */
  private double score;

  /** What the rule saw, in words. */
  private String reason;

  public String getRule() {
    return rule;
  }

  public void setRule(String rule) {
    this.rule = rule;
  }

  public double getScore() {
    return score;
  }

  public void setScore(double score) {
    this.score = score;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  static RuleHit of(FraudRule rule, double score, String reason) {
    RuleHit h = new RuleHit();
    h.setRule(rule.id());
    h.setScore(score);
    h.setReason(reason);
    return h;
  }
}
