package dev.lakehouse.market;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.common.TradingCalendar;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.PriceSource;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse prices fetch}: for each symbol, the trading days of the range that
 * bronze.daily_prices does not hold yet are asked of the market-data API (one request per symbol,
 * within the day's budget), every answer is archived in bronze.price_responses, and the missing
 * days are published to the daily_prices topic, where the bronze stream lands them like any other
 * message. When the API fails, the symbol's latest archived answer is used instead (source
 * ARCHIVE); days that neither holds stay missing and are reported.
 */
public final class PriceFetcher {
  /** The range, the symbols, and whether to publish. */
  public record Request(LocalDate from, LocalDate to, List<String> symbols, boolean dryRun) {}

  /** What happened to one symbol. */
  public record SymbolReport(
      String symbol,
      List<LocalDate> missing,
      String outputSize,
      List<String> attempts,
      String source,
      int published,
      List<LocalDate> stillMissing) {}

  /** The run: per symbol, requests sent, the budget left, messages published. */
  public record Report(
      List<SymbolReport> symbols,
      int requestsSent,
      int budgetLeft,
      long published,
      boolean dryRun) {}

  /** The compact answer's length in trading days. */
  static final int COMPACT_DAYS = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private PriceFetcher() {}

  public static Report run(
      SparkSession spark,
      LakehouseConfig config,
      MarketDataClient client,
      MarketDataClient.Clock clock,
      Request request,
      Consumer<String> progress) {
    PriceArchive.createIfMissing(spark);
    PriceArchive archive = new PriceArchive(spark);
    TradingCalendar calendar = TradingCalendar.of(config);
    LocalDate today = clock.now().atZone(ZoneOffset.UTC).toLocalDate();
    int used = (int) archive.requestsOn(today);
    MarketDataClient.Budget budget =
        new MarketDataClient.Budget(config.intValue(Settings.MARKET_DAILY_BUDGET) - used);
    int budgetAtStart = budget.left();
    Map<String, Set<LocalDate>> have = landed(spark, request);
    List<LocalDate> tradingDays = calendar.tradingDays(request.from(), request.to());

    List<SymbolReport> reports = new ArrayList<>();
    List<OutgoingMessage> messages = new ArrayList<>();
    for (String symbol : request.symbols()) {
      Set<LocalDate> held = have.getOrDefault(symbol, Set.of());
      List<LocalDate> missing = tradingDays.stream().filter(d -> !held.contains(d)).toList();
      if (missing.isEmpty()) {
        reports.add(new SymbolReport(symbol, missing, null, List.of(), "UP_TO_DATE", 0, missing));
        progress.accept(symbol + ": every trading day of the range is in bronze; no request.");
        continue;
      }
      String size =
          calendar.tradingDays(missing.get(0), today).size() <= COMPACT_DAYS ? "compact" : "full";
      DailySeries series = null;
      Instant fetchedAt = null;
      PriceSource source = null;
      List<String> attempts = new ArrayList<>();
      if (!request.dryRun()) {
        MarketDataClient.Result result = client.fetchDaily(symbol, size, budget);
        archive.append(result); // before any parsing of what it holds
        for (MarketDataClient.Attempt a : result.attempts()) {
          attempts.add(
              a.outcome() + (a.httpStatus() == null ? "" : " (HTTP " + a.httpStatus() + ")"));
        }
        if (result.budgetExhausted()) {
          attempts.add("NOT_SENT (the day's budget is spent)");
        }
        MarketDataClient.Attempt last =
            result.attempts().isEmpty()
                ? null
                : result.attempts().get(result.attempts().size() - 1);
        if (last != null && last.outcome() == MarketDataClient.Outcome.OK) {
          series = DailySeries.read(last.body()).series();
          fetchedAt = last.sentAt();
          source = PriceSource.API;
        }
      }
      if (series == null && !request.dryRun()) {
        var archived = archive.latestGood(symbol);
        if (archived.isPresent()) {
          series = DailySeries.read(archived.get().body()).series();
          fetchedAt = archived.get().fetchedAt();
          source = PriceSource.ARCHIVE;
        }
      }
      List<LocalDate> stillMissing = new ArrayList<>(missing);
      int published = 0;
      if (series != null) {
        Set<LocalDate> wanted = new HashSet<>(missing);
        for (DailySeries.Bar bar : series.bars()) {
          if (wanted.contains(bar.date())) {
            messages.add(message(symbol, bar, source, fetchedAt));
            stillMissing.remove(bar.date());
            published++;
          }
        }
      }
      String how = source == null ? (request.dryRun() ? "DRY_RUN" : "NONE") : source.name();
      reports.add(
          new SymbolReport(
              symbol, missing, size, attempts, how, published, List.copyOf(stillMissing)));
      if (request.dryRun()) {
        progress.accept(
            String.format(
                "%s: %d day(s) missing (%s); would send a %s request.",
                symbol, missing.size(), range(missing), size));
      } else {
        progress.accept(
            String.format(
                "%s: %d day(s) missing, %s request: %s -> %s, %d day(s) published%s.",
                symbol,
                missing.size(),
                size,
                attempts.isEmpty() ? "none sent" : String.join(", ", attempts),
                how,
                published,
                stillMissing.isEmpty() ? "" : ", still missing " + range(stillMissing)));
      }
    }
    if (!request.dryRun() && !messages.isEmpty()) {
      String bootstrap = config.get(Settings.KAFKA_BOOTSTRAP);
      KafkaTopics.ensureTopics(
          bootstrap,
          config.intValue(Settings.KAFKA_PARTITIONS),
          List.of(Topic.DAILY_PRICES.topicName()));
      try (EventProducer producer = new EventProducer(bootstrap)) {
        producer.sendAll(messages, n -> {});
      }
    }
    return new Report(
        reports,
        budgetAtStart - budget.left(),
        budget.left(),
        request.dryRun() ? 0 : messages.size(),
        request.dryRun());
  }

  /** The (symbol, day) pairs bronze already holds in the range. */
  private static Map<String, Set<LocalDate>> landed(SparkSession spark, Request request) {
    Map<String, Set<LocalDate>> have = new HashMap<>();
    if (!spark.catalog().tableExists(Tables.qualified(Topic.DAILY_PRICES.bronzeTable()))) {
      return have;
    }
    for (Row r :
        spark
            .table(Tables.qualified(Topic.DAILY_PRICES.bronzeTable()))
            .where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("trade_date")
                    .between(Date.valueOf(request.from()), Date.valueOf(request.to())))
            .select("symbol", "trade_date")
            .distinct()
            .collectAsList()) {
      have.computeIfAbsent(r.getString(0), s -> new HashSet<>()).add(r.getDate(1).toLocalDate());
    }
    return have;
  }

  static OutgoingMessage message(
      String symbol, DailySeries.Bar bar, PriceSource source, Instant fetchedAt) {
    ObjectNode m = JSON.createObjectNode();
    m.put(Topic.SCHEMA_VERSION_FIELD, Topic.SCHEMA_VERSION);
    m.put("symbol", symbol);
    m.put("trade_date", bar.date().toString());
    m.put("open", bar.open());
    m.put("high", bar.high());
    m.put("low", bar.low());
    m.put("close", bar.close());
    m.put("volume", bar.volume());
    m.put("source", source.name());
    m.put("fetched_at", fetchedAt.toString());
    return new OutgoingMessage(
        Topic.DAILY_PRICES.topicName(),
        symbol,
        m.toString().getBytes(StandardCharsets.UTF_8),
        fetchedAt.toEpochMilli());
  }

  private static String range(List<LocalDate> days) {
    return days.size() == 1
        ? days.get(0).toString()
        : days.get(0) + ".." + days.get(days.size() - 1);
  }
}
