package dev.lakehouse.common;

import java.util.List;

/** The Kafka topics of the event contract. */
public final class Topics {
  public static final String TRANSACTIONS = "transactions";
  public static final String CUSTOMERS = "customers";
  public static final String ACCOUNTS = "accounts";
  public static final String MERCHANTS = "merchants";

  public static final List<String> ALL = List.of(TRANSACTIONS, CUSTOMERS, ACCOUNTS, MERCHANTS);

  private Topics() {}
}
