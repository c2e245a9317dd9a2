package dev.lakehouse.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One symbol's daily bars as Alpha Vantage's {@code TIME_SERIES_DAILY} returns them, and the
 * reading of its bodies: prices, an "Error Message", a daily-limit "Information" (or "Note"), or
 * something else (malformed). Values are kept as the API wrote them; whether they make sense (a
 * positive price, low under high) is silver's question, answered with a quarantine.
 */
public record DailySeries(String symbol, LocalDate lastRefreshed, List<Bar> bars) {
  /** One day as the API gave it. */
  public record Bar(
      LocalDate date,
      BigDecimal open,
      BigDecimal high,
      BigDecimal low,
      BigDecimal close,
      long volume) {}

  /** What a response body says. */
  public enum Kind {
    PRICES,
    API_ERROR,
    DAILY_LIMIT,
    MALFORMED
  }

  /** A body read: its kind, the series when it holds prices, and a sentence about it. */
  public record Reading(Kind kind, DailySeries series, String detail) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SERIES = "Time Series (Daily)";

  /** Reads a response body. Never throws: an unreadable body is {@link Kind#MALFORMED}. */
  public static Reading read(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return new Reading(Kind.MALFORMED, null, "not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      return new Reading(Kind.MALFORMED, null, "not a JSON object");
    }
    if (root.has("Error Message")) {
      return new Reading(Kind.API_ERROR, null, root.get("Error Message").asText());
    }
    for (String limit : List.of("Information", "Note")) {
      if (root.has(limit) && !root.has(SERIES)) {
        return new Reading(Kind.DAILY_LIMIT, null, root.get(limit).asText());
      }
    }
    JsonNode meta = root.get("Meta Data");
    JsonNode series = root.get(SERIES);
    if (meta == null || series == null || !series.isObject()) {
      return new Reading(Kind.MALFORMED, null, "no \"Meta Data\" and \"" + SERIES + "\"");
    }
    try {
      String symbol = meta.path("2. Symbol").asText();
      LocalDate refreshed =
          LocalDate.parse(meta.path("3. Last Refreshed").asText().substring(0, 10));
      List<Bar> bars = new ArrayList<>();
      Iterator<Map.Entry<String, JsonNode>> days = series.fields();
      while (days.hasNext()) {
        Map.Entry<String, JsonNode> day = days.next();
        JsonNode v = day.getValue();
        bars.add(
            new Bar(
                LocalDate.parse(day.getKey()),
                new BigDecimal(v.path("1. open").asText()),
                new BigDecimal(v.path("2. high").asText()),
                new BigDecimal(v.path("3. low").asText()),
                new BigDecimal(v.path("4. close").asText()),
                Long.parseLong(v.path("5. volume").asText())));
      }
      bars.sort(Comparator.comparing(Bar::date));
      if (symbol.isBlank()) {
        return new Reading(Kind.MALFORMED, null, "no symbol in \"Meta Data\"");
      }
      return new Reading(
          Kind.PRICES,
          new DailySeries(symbol, refreshed, List.copyOf(bars)),
          bars.size() + " days up to " + refreshed);
    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
      return new Reading(Kind.MALFORMED, null, "a value is not readable: " + e.getMessage());
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
