package dev.lakehouse.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.contract.Topic;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The generator's corrupted copies of valid messages: one defect per copy, taken round robin from
 * the defects each topic can show, so that every dead-letter reason appears once there are enough
 * of them.
 */
final class MessageDefects {
  /** Every reason but the parser's catch-all, which no known defect should reach. */
  private static final List<DeadLetterReason> TRANSACTION_DEFECTS =
      java.util.Arrays.stream(DeadLetterReason.values())
          .filter(r -> r != DeadLetterReason.PARSER_ERROR)
          .toList();

  private static final List<DeadLetterReason> CUSTOMER_DEFECTS =
      List.of(
          DeadLetterReason.OVERSIZED,
          DeadLetterReason.INVALID_UTF8,
          DeadLetterReason.MALFORMED_JSON,
          DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION,
          DeadLetterReason.MISSING_FIELD,
          DeadLetterReason.NULL_OR_EMPTY,
          DeadLetterReason.WRONG_TYPE,
          DeadLetterReason.UNKNOWN_ENUM,
          DeadLetterReason.BAD_TIMESTAMP,
          DeadLetterReason.OUT_OF_RANGE);
  private static final List<DeadLetterReason> ACCOUNT_DEFECTS =
      List.of(
          DeadLetterReason.MALFORMED_JSON,
          DeadLetterReason.MISSING_FIELD,
          DeadLetterReason.WRONG_TYPE,
          DeadLetterReason.UNKNOWN_ENUM,
          DeadLetterReason.BAD_TIMESTAMP,
          DeadLetterReason.BAD_AMOUNT_PRECISION,
          DeadLetterReason.OUT_OF_RANGE,
          DeadLetterReason.INVALID_UTF8);
  private static final List<DeadLetterReason> GENERIC_DEFECTS =
      List.of(
          DeadLetterReason.MALFORMED_JSON,
          DeadLetterReason.UNSUPPORTED_SCHEMA_VERSION,
          DeadLetterReason.OVERSIZED);
  private static final List<DeadLetterReason> MERCHANT_DEFECTS =
      List.of(
          DeadLetterReason.MALFORMED_JSON,
          DeadLetterReason.MISSING_FIELD,
          DeadLetterReason.NULL_OR_EMPTY,
          DeadLetterReason.WRONG_TYPE,
          DeadLetterReason.UNKNOWN_ENUM,
          DeadLetterReason.BAD_TIMESTAMP,
          DeadLetterReason.OVERSIZED,
          DeadLetterReason.INVALID_TEXT);

  private final Random random;
  private final int maxMessageBytes;
  private final ObjectMapper json;
  private final Map<String, Integer> cursor = new LinkedHashMap<>();

  MessageDefects(Random random, int maxMessageBytes, ObjectMapper json) {
    this.random = random;
    this.maxMessageBytes = maxMessageBytes;
    this.json = json;
  }

  /** The next defect for a message of this topic. */
  DeadLetterReason next(String topic) {
    List<DeadLetterReason> kinds =
        switch (Topic.of(topic)) {
          case TRANSACTIONS -> TRANSACTION_DEFECTS;
          case CUSTOMERS -> CUSTOMER_DEFECTS;
          case ACCOUNTS -> ACCOUNT_DEFECTS;
          case MERCHANTS -> MERCHANT_DEFECTS;
          // Defects that need no knowledge of the topic's fields.
          default -> GENERIC_DEFECTS;
        };
    int n = cursor.merge(topic, 1, Integer::sum) - 1;
    return kinds.get(n % kinds.size());
  }

  private static final String UTF8_MARKER = "@@INVALID-UTF8@@";

  /** The message body with the defect applied, serialised. */
  byte[] corrupt(String topic, Map<String, Object> body, DeadLetterReason defect) {
    try {
      Map<String, Object> m = new LinkedHashMap<>(body);
      applyFieldDefect(topic, defect, m);
      byte[] bytes = json.writeValueAsBytes(m);
      return switch (defect) {
        case MALFORMED_JSON -> java.util.Arrays.copyOf(bytes, bytes.length / 2);
        case INVALID_UTF8 -> replaceMarker(bytes);
        default -> bytes;
      };
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a generated event: " + e.getMessage(), e);
    }
  }

  private void applyFieldDefect(String topic, DeadLetterReason defect, Map<String, Object> m) {
    boolean txn = topic.equals(Topic.TRANSACTIONS.topicName());
    boolean customer = topic.equals(Topic.CUSTOMERS.topicName());
    boolean account = topic.equals(Topic.ACCOUNTS.topicName());
    switch (defect) {
      case OVERSIZED -> m.put("padding", "x".repeat(maxMessageBytes + 100));
      case INVALID_UTF8 -> {
        String field =
            txn ? "device_id" : customer ? "full_name" : account ? "customer_id" : "name";
        m.put(field, m.get(field) + UTF8_MARKER);
      }
      case MALFORMED_JSON -> {}
      case UNSUPPORTED_SCHEMA_VERSION -> m.put("schema_version", 2);
      case MISSING_FIELD ->
          m.remove(txn ? "account_id" : customer ? "email" : account ? "opened_at" : "city");
      case NULL_OR_EMPTY -> {
        if (txn) {
          m.put("customer_id", "");
        } else {
          m.put(customer ? "phone" : "name", null);
        }
      }
      case WRONG_TYPE -> {
        if (txn) {
          m.put("amount", "1,250.00");
        } else if (customer) {
          m.put("city_tier", "one");
        } else if (account) {
          m.put("opening_balance", String.valueOf(m.get("opening_balance")));
        } else {
          m.put("name", 12345);
        }
      }
      case UNKNOWN_ENUM -> {
        if (txn) {
          m.put("status", "SETTLED");
        } else if (customer) {
          m.put("kyc_status", "UNKNOWN");
        } else if (account) {
          m.put("account_type", "CRYPTO_WALLET");
        } else {
          m.put("category", "GAMBLING");
        }
      }
      case BAD_TIMESTAMP -> {
        if (txn) {
          m.put("event_ts", "2026-13-45T25:61:00+05:30");
        } else if (customer) {
          m.put("signup_ts", "yesterday");
        } else if (account) {
          m.put("opened_at", "2026-02-11T10:00:00");
        } else {
          m.put("updated_at", "not-a-date");
        }
      }
      case NON_POSITIVE_AMOUNT ->
          m.put(
              "amount",
              random.nextBoolean() ? BigDecimal.ZERO : ((BigDecimal) m.get("amount")).negate());
      case BAD_AMOUNT_PRECISION -> {
        String field = txn ? "amount" : "opening_balance";
        m.put(field, ((BigDecimal) m.get(field)).add(new BigDecimal("0.005")));
      }
      case OUT_OF_RANGE -> {
        if (txn) {
          m.put("sequence", 0);
        } else if (customer) {
          m.put("city_tier", 5);
        } else {
          m.put("overdraft_limit", new BigDecimal("-100.00"));
        }
      }
      case INVALID_TEXT -> {
        // A NUL: it would pass every later step and then fail the PostgreSQL export.
        String field = txn ? "device_id" : "name";
        m.put(field, m.get(field) + "\u0000");
      }
      default -> throw new IllegalStateException("No defect for " + defect);
    }
  }

  private static byte[] replaceMarker(byte[] bytes) {
    byte[] marker = UTF8_MARKER.getBytes(StandardCharsets.UTF_8);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(UTF8_MARKER);
    byte[] out = new byte[bytes.length - marker.length + 2];
    System.arraycopy(bytes, 0, out, 0, at);
    // 0xC3 starts a two-byte sequence; 0x28 '(' cannot continue it.
    out[at] = (byte) 0xC3;
    out[at + 1] = (byte) 0x28;
    System.arraycopy(bytes, at + marker.length, out, at + 2, bytes.length - at - marker.length);
    return out;
  }
}
