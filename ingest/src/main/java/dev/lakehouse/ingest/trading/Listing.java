package dev.lakehouse.ingest.trading;

import dev.lakehouse.contract.Vocabulary.Exchange;
import dev.lakehouse.contract.Vocabulary.Sector;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * A listed stock of the trading warehouse with the parameters of its simulated price: the first
 * close of the simulation, the yearly drift and volatility of its geometric Brownian motion, and
 * its typical daily volume.
 */
public record Listing(
    String symbol,
    String name,
    Sector sector,
    Exchange exchange,
    BigDecimal firstClose,
    double drift,
    double volatility,
    long typicalVolume) {

  /** The 15 stocks the trading warehouse replaces. */
  public static final List<Listing> ALL =
      List.of(
          of("AAPL", "Apple Inc.", Sector.TECHNOLOGY, Exchange.NASDAQ, "185.00", 0.12, 0.26, 55),
          of(
              "MSFT",
              "Microsoft Corp.",
              Sector.TECHNOLOGY,
              Exchange.NASDAQ,
              "375.00",
              0.14,
              0.24,
              22),
          of(
              "GOOGL",
              "Alphabet Inc.",
              Sector.COMMUNICATION_SERVICES,
              Exchange.NASDAQ,
              "140.00",
              0.13,
              0.30,
              28),
          of(
              "AMZN",
              "Amazon.com Inc.",
              Sector.CONSUMER_DISCRETIONARY,
              Exchange.NASDAQ,
              "152.00",
              0.15,
              0.32,
              45),
          of(
              "META",
              "Meta Platforms Inc.",
              Sector.COMMUNICATION_SERVICES,
              Exchange.NASDAQ,
              "355.00",
              0.18,
              0.38,
              18),
          of(
              "TSLA",
              "Tesla Inc.",
              Sector.CONSUMER_DISCRETIONARY,
              Exchange.NASDAQ,
              "245.00",
              0.10,
              0.58,
              110),
          of("NVDA", "NVIDIA Corp.", Sector.TECHNOLOGY, Exchange.NASDAQ, "495.00", 0.30, 0.50, 45),
          of(
              "JPM",
              "JPMorgan Chase & Co.",
              Sector.FINANCIALS,
              Exchange.NYSE,
              "170.00",
              0.09,
              0.22,
              9),
          of(
              "BAC",
              "Bank of America Corp.",
              Sector.FINANCIALS,
              Exchange.NYSE,
              "33.50",
              0.07,
              0.28,
              40),
          of("JNJ", "Johnson & Johnson", Sector.HEALTHCARE, Exchange.NYSE, "157.00", 0.04, 0.16, 7),
          of("PFE", "Pfizer Inc.", Sector.HEALTHCARE, Exchange.NYSE, "28.80", -0.02, 0.24, 35),
          of("XOM", "Exxon Mobil Corp.", Sector.ENERGY, Exchange.NYSE, "100.00", 0.05, 0.25, 17),
          of("CVX", "Chevron Corp.", Sector.ENERGY, Exchange.NYSE, "149.00", 0.04, 0.24, 8),
          of(
              "WMT",
              "Walmart Inc.",
              Sector.CONSUMER_STAPLES,
              Exchange.NYSE,
              "157.50",
              0.09,
              0.18,
              8),
          of(
              "KO",
              "The Coca-Cola Co.",
              Sector.CONSUMER_STAPLES,
              Exchange.NYSE,
              "59.00",
              0.05,
              0.15,
              13));

  private static Listing of(
      String symbol,
      String name,
      Sector sector,
      Exchange exchange,
      String firstClose,
      double drift,
      double volatility,
      long millionsOfShares) {
    return new Listing(
        symbol,
        name,
        sector,
        exchange,
        new BigDecimal(firstClose),
        drift,
        volatility,
        millionsOfShares * 1_000_000L);
  }

  /** The listing of a symbol, if it is one of the 15. */
  public static Optional<Listing> find(String symbol) {
    return ALL.stream().filter(l -> l.symbol.equals(symbol)).findFirst();
  }
}
