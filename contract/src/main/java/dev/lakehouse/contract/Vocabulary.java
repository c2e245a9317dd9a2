package dev.lakehouse.contract;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The value lists of the contract's enumerated fields, each written once. Producers, the parser,
 * silver's state machine and gold's measures all use these names.
 */
public final class Vocabulary {
  private Vocabulary() {}

  /** The lifecycle status of a transaction. */
  public enum TxnStatus {
    PENDING,
    SUCCESS,
    FAILED,
    REVERSED
  }

  /** What a transaction does to its account's balance when it succeeds. */
  public enum BalanceEffect {
    CREDIT,
    DEBIT
  }

  /** The kinds of transaction and their effect on the balance (see ../shared/DOMAIN.md). */
  public enum TxnType {
    CARD_PAYMENT(BalanceEffect.DEBIT),
    UPI_PAYMENT(BalanceEffect.DEBIT),
    P2P_TRANSFER_OUT(BalanceEffect.DEBIT),
    P2P_TRANSFER_IN(BalanceEffect.CREDIT),
    DEPOSIT(BalanceEffect.CREDIT),
    WITHDRAWAL(BalanceEffect.DEBIT),
    LOAN_DISBURSEMENT(BalanceEffect.CREDIT),
    LOAN_REPAYMENT(BalanceEffect.DEBIT),
    INVESTMENT(BalanceEffect.DEBIT),
    INVESTMENT_REDEMPTION(BalanceEffect.CREDIT),
    FEE(BalanceEffect.DEBIT);

    private final BalanceEffect effect;

    TxnType(BalanceEffect effect) {
      this.effect = effect;
    }

    public BalanceEffect effect() {
      return effect;
    }

    /**
     * Money the customer sends out of the bank or spends: what fraud steals through. Repayments,
     * investments (to the bank's own products, mostly standing instructions) and fees are debits
     * too, but no fraud rule scores them.
     */
    public boolean isOutgoingPayment() {
      return this == CARD_PAYMENT
          || this == UPI_PAYMENT
          || this == P2P_TRANSFER_OUT
          || this == WITHDRAWAL;
    }
  }

  /** Where a transaction was initiated. */
  public enum Channel {
    APP,
    WEB,
    POS,
    ATM,
    BRANCH,
    API
  }

  /** The kinds of account. */
  public enum AccountType {
    SAVINGS,
    CURRENT,
    CREDIT_CARD,
    LOAN,
    INVESTMENT
  }

  /** A merchant's category; card fees may depend on it. */
  public enum MerchantCategory {
    GROCERY,
    FOOD,
    TRAVEL,
    FUEL,
    ELECTRONICS,
    FASHION,
    HEALTH,
    UTILITIES,
    ENTERTAINMENT,
    EDUCATION
  }

  /** A customer's KYC verification status. */
  public enum KycStatus {
    PENDING,
    VERIFIED,
    REJECTED
  }

  /** The sector a listed stock belongs to; sector performance is reported per sector. */
  public enum Sector {
    TECHNOLOGY,
    COMMUNICATION_SERVICES,
    CONSUMER_DISCRETIONARY,
    CONSUMER_STAPLES,
    FINANCIALS,
    HEALTHCARE,
    ENERGY
  }

  /** The exchange a stock is listed on. */
  public enum Exchange {
    NASDAQ,
    NYSE
  }

  /** Who holds a trading account. */
  public enum TradingAccountType {
    INDIVIDUAL,
    INSTITUTIONAL
  }

  /** The direction of an order or a trade. */
  public enum Side {
    BUY,
    SELL
  }

  /** How an order is priced: at the market, or no worse than its limit price. */
  public enum OrderType {
    MARKET,
    LIMIT
  }

  /** Where an order ended: fully executed, partly executed, or cancelled before any execution. */
  public enum OrderStatus {
    FILLED,
    PARTIAL,
    CANCELLED
  }

  /** Where a daily price came from: the market-data API, or its archived raw response. */
  public enum PriceSource {
    API,
    ARCHIVE
  }

  /** The names of an enum's constants, in declaration order. */
  public static Set<String> names(Class<? extends Enum<?>> type) {
    Set<String> names = new LinkedHashSet<>();
    Arrays.stream(type.getEnumConstants()).forEach(e -> names.add(e.name()));
    return Collections.unmodifiableSet(names);
  }

  /** The transaction types with the given balance effect, as a SQL list: {@code 'A', 'B'}. */
  public static String sqlList(BalanceEffect effect) {
    StringBuilder sql = new StringBuilder();
    for (TxnType t : TxnType.values()) {
      if (t.effect() == effect) {
        sql.append(sql.length() == 0 ? "" : ", ").append('\'').append(t.name()).append('\'');
      }
    }
    return sql.toString();
  }
}
