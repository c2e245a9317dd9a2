package dev.lakehouse.services;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lakehouse.ingest.trading.Listing;
import dev.lakehouse.ingest.trading.PriceModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A market-data HTTP API on loopback that answers Alpha Vantage's {@code TIME_SERIES_DAILY} the way
 * Alpha Vantage does (its JSON layout, its "Error Message" and "Information" bodies), from the
 * simulated prices of {@link PriceModel}. The local profile and the tests point the real client at
 * it. Tests queue faults ({@link #fail}) that the next requests get instead of prices.
 */
public final class SimulatedMarketFeed implements AutoCloseable {
  /** What a request gets instead of its prices. */
  public enum Fault {
    /** HTTP 429 with Retry-After: 1. */
    TOO_MANY_REQUESTS,
    /** HTTP 500. */
    SERVER_ERROR,
    /** HTTP 503. */
    UNAVAILABLE,
    /** Prices, but only after the client's timeout (the answer is held for 3 s). */
    SLOW,
    /** HTTP 200 with a body cut in the middle of the JSON. */
    MALFORMED,
    /** HTTP 200 with Alpha Vantage's daily-limit "Information" body. */
    DAILY_LIMIT
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int COMPACT_POINTS = 100;

  private final HttpServer server;
  private final PriceModel model;
  private final Supplier<LocalDate> lastDay;
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger served = new AtomicInteger();

  private SimulatedMarketFeed(HttpServer server, PriceModel model, Supplier<LocalDate> lastDay) {
    this.server = server;
    this.model = model;
    this.lastDay = lastDay;
  }

  /**
   * Starts the feed on 127.0.0.1 (port 0: a free one). {@code lastDay} is the last day it has
   * prices for (Alpha Vantage's "Last Refreshed"), asked at each request.
   */
  public static SimulatedMarketFeed start(int port, PriceModel model, Supplier<LocalDate> lastDay) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      SimulatedMarketFeed feed = new SimulatedMarketFeed(server, model, lastDay);
      server.createContext("/query", feed::handle);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> daemon(r)));
      server.start();
      return feed;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the simulated market feed: " + e, e);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "market-feed");
    t.setDaemon(true);
    return t;
  }

  /** The base URL to give the client ({@code market.base-url}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues faults: the next requests get them, one each, before any gets prices again. */
  public void fail(Fault... next) {
    faults.addAll(List.of(next));
  }

  /** Every request's query string as received, API key included, in arrival order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many requests were answered with prices. */
  public int served() {
    return served.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
      requests.add(query);
      Fault fault = faults.poll();
      if (fault != null) {
        switch (fault) {
          case TOO_MANY_REQUESTS -> {
            exchange.getResponseHeaders().add("Retry-After", "1");
            send(exchange, 429, "{\"message\":\"Too Many Requests\"}");
            return;
          }
          case SERVER_ERROR -> {
            send(exchange, 500, "Internal Server Error");
            return;
          }
          case UNAVAILABLE -> {
            send(exchange, 503, "Service Unavailable");
            return;
          }
          case MALFORMED -> {
            String body = prices(params(query));
            send(exchange, 200, body.substring(0, body.length() / 2));
            return;
          }
          case DAILY_LIMIT -> {
            send(
                exchange,
                200,
                "{\"Information\": \"Thank you for using Alpha Vantage! Our standard API rate limit"
                    + " is 25 requests per day.\"}");
            return;
          }
          case SLOW -> {
            try {
              Thread.sleep(3_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
          }
        }
      }
      String body = prices(params(query));
      if (body.contains("\"Time Series (Daily)\"")) {
        served.incrementAndGet();
      }
      send(exchange, 200, body);
    } catch (IOException e) {
      // The client gave up (its timeout): nothing to answer.
    }
  }

  private String prices(Map<String, String> p) throws IOException {
    Optional<Listing> listing = Listing.find(p.getOrDefault("symbol", ""));
    if (!"TIME_SERIES_DAILY".equals(p.get("function")) || listing.isEmpty()) {
      return "{\"Error Message\": \"Invalid API call. Please retry or visit the documentation"
          + " (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY.\"}";
    }
    if (p.getOrDefault("apikey", "").isBlank()) {
      return "{\"Error Message\": \"the parameter apikey is invalid or missing.\"}";
    }
    LocalDate last = lastDay.get();
    List<PriceModel.Bar> bars = model.bars(listing.get(), PriceModel.ORIGIN, last);
    boolean full = "full".equals(p.get("outputsize"));
    if (!full && bars.size() > COMPACT_POINTS) {
      bars = bars.subList(bars.size() - COMPACT_POINTS, bars.size());
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode meta = root.putObject("Meta Data");
    meta.put("1. Information", "Daily Prices (open, high, low, close) and Volumes");
    meta.put("2. Symbol", listing.get().symbol());
    meta.put(
        "3. Last Refreshed",
        bars.isEmpty() ? last.toString() : bars.get(bars.size() - 1).date().toString());
    meta.put("4. Output Size", full ? "Full size" : "Compact");
    meta.put("5. Time Zone", "US/Eastern");
    ObjectNode series = root.putObject("Time Series (Daily)");
    for (int i = bars.size() - 1; i >= 0; i--) {
      PriceModel.Bar b = bars.get(i);
      ObjectNode day = series.putObject(b.date().toString());
      day.put("1. open", b.open().toPlainString());
      day.put("2. high", b.high().toPlainString());
      day.put("3. low", b.low().toPlainString());
      day.put("4. close", b.close().toPlainString());
      day.put("5. volume", Long.toString(b.volume()));
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  private static Map<String, String> params(String query) {
    Map<String, String> p = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        p.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return p;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
