package dev.lakehouse.app;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.ingest.trading.Listing;
import dev.lakehouse.market.MarketDataClient;
import dev.lakehouse.market.PriceFetcher;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "prices",
    mixinStandardHelpOptions = true,
    description =
        "Daily stock prices from the market-data API (Alpha Vantage's TIME_SERIES_DAILY format,"
            + " market.base-url; the key from LAKEHOUSE_MARKET_API_KEY). fetch: for each symbol,"
            + " ask for the trading days of --from..--to that bronze.daily_prices does not hold"
            + " (one request per symbol, retried with backoff, within"
            + " market.daily-request-budget), archive every raw answer in bronze.price_responses,"
            + " fall back to the latest archived answer when the API fails, and publish the"
            + " missing days to the daily_prices topic for the bronze stream to land. --check"
            + " lists what is missing without calling the API.")
final class PricesCommand extends LakehouseCommand {
  @Parameters(index = "0", paramLabel = "fetch", description = "What to do: fetch.")
  String action;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First trading day wanted.")
  LocalDate from;

  @Option(
      names = "--to",
      paramLabel = "YYYY-MM-DD",
      description = "Last trading day wanted (default: yesterday, UTC).")
  LocalDate to;

  @Option(
      names = "--symbols",
      paramLabel = "SYM,...",
      split = ",",
      description = "Only these symbols (default: market.symbols).")
  List<String> symbols;

  @Option(names = "--check", description = "Report the missing days; send no request.")
  boolean check;

  private LocalDate end() {
    return to != null ? to : LocalDate.now(ZoneOffset.UTC).minusDays(1);
  }

  private List<String> symbols(LakehouseConfig config) {
    List<String> all = symbols != null ? symbols : config.listValue(Settings.MARKET_SYMBOLS);
    List<String> out = new ArrayList<>();
    for (String s : all) {
      if (!s.matches("[A-Z][A-Z0-9.\\-]{0,9}")) {
        throw new ConfigException(
            "'" + s + "' is not a ticker symbol (upper-case letters, digits, '.' or '-').");
      }
      out.add(s);
    }
    return out;
  }

  @Override
  protected void validate(LakehouseConfig config) {
    if (!action.equals("fetch")) {
      throw new ConfigException("Unknown action '" + action + "'; the only one is fetch.");
    }
    if (from == null) {
      throw new ConfigException("prices fetch needs --from YYYY-MM-DD.");
    }
    if (end().isBefore(from)) {
      throw new ConfigException("--to " + end() + " is before --from " + from + ".");
    }
    if (symbols(config).isEmpty()) {
      throw new ConfigException("No symbol to fetch: market.symbols is empty.");
    }
    TradingCalendar.of(config);
  }

  @Override
  protected Map<String, Object> execute(LakehouseConfig config, PrintWriter out) {
    List<String> wanted = symbols(config);
    for (String s : wanted) {
      if (Listing.find(s).isEmpty() && config.get(Settings.MARKET_BASE_URL).equals("embedded")) {
        out.printf("Note: the simulated feed knows only the 15 stocks; %s will be refused.%n", s);
      }
    }
    if (!check) {
      // A real API needs its key: said before any service starts (not in --dry-run, which checks
      // arguments, like the other secrets).
      MarketDataClient.Options.of(config, config.get(Settings.MARKET_BASE_URL));
    }
    Optional<LocalServices.Started> kafka = check ? Optional.empty() : LocalServices.kafka(config);
    LakehouseSpark.Lease lease = LakehouseSpark.open(config, "lakehouse-prices");
    try (LocalServices.MarketFeed feed =
        check
            ? new LocalServices.MarketFeed("", Optional.empty())
            : LocalServices.marketFeed(config)) {
      MarketDataClient client =
          check
              ? null
              : new MarketDataClient(
                  MarketDataClient.Options.of(config, feed.baseUrl()),
                  MarketDataClient.Clock.system(),
                  new Random());
      out.printf(
          "Prices %s to %s for %d symbol(s)%s:%n",
          from, end(), wanted.size(), check ? " (--check: no request)" : "");
      PriceFetcher.Report r =
          PriceFetcher.run(
              lease.spark(),
              config,
              client,
              MarketDataClient.Clock.system(),
              new PriceFetcher.Request(from, end(), wanted, check),
              line -> {
                out.println("  " + line);
                out.flush();
              });
      out.printf(
          "%s %,d day(s) to the daily_prices topic; %d request(s) sent, %d left in today's"
              + " budget.%n",
          check ? "Would ask for" : "Published",
          check ? r.symbols().stream().mapToLong(s -> s.missing().size()).sum() : r.published(),
          r.requestsSent(),
          r.budgetLeft());
      if (!check && r.published() > 0) {
        out.println("Run 'lakehouse bronze --available-now' to land them (the DAG does).");
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("from", from.toString());
      summary.put("to", end().toString());
      summary.put("check", check);
      summary.put("requests_sent", r.requestsSent());
      summary.put("budget_left", r.budgetLeft());
      summary.put("published", r.published());
      List<Object> per = new ArrayList<>();
      for (PriceFetcher.SymbolReport s : r.symbols()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", s.symbol());
        m.put("missing", s.missing().size());
        m.put("source", s.source());
        m.put("attempts", s.attempts());
        m.put("published", s.published());
        m.put("still_missing", s.stillMissing().stream().map(Object::toString).toList());
        per.add(m);
      }
      summary.put("symbols", per);
      return summary;
    } finally {
      lease.close();
      kafka.ifPresent(LocalServices.Started::close);
    }
  }
}
