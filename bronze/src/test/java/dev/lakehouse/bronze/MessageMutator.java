package dev.lakehouse.bronze;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.ingest.OutgoingMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded mutator of valid messages for the fuzz test: bytes flipped, messages truncated, fields
 * deleted or retyped, numbers and dates stretched, nesting deepened, control characters and
 * unpaired surrogates inserted, keys duplicated, whole messages replaced. Each output message
 * carries one to three mutations; the same seed gives the same messages.
 */
final class MessageMutator {
  /** Non-ASCII escaped, so that an unpaired surrogate reaches the wire as its JSON escape. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  /** Numbers beyond what any column holds; written raw, since Jackson cannot hold some of them. */
  private static final List<String> STRETCHED_NUMBERS =
      List.of(
          "1e2147483648",
          "-1e2147483648",
          "1e2147483647",
          "1e-2147483647",
          "1e400",
          "-1e400",
          "1.7976931348623157e308",
          "9999999999999999.99",
          "99999999999999999999999999999999999999",
          "0.001",
          "-0",
          "0",
          "2147483648",
          "-9223372036854775809",
          "1000000000.01",
          "NaN",
          "Infinity");

  private static final List<String> STRETCHED_TIMES =
      List.of(
          "+300000-01-01T00:00:00Z",
          "-999999999-01-01T00:00:00Z",
          "+999999999-12-31T23:59:59Z",
          "1969-12-31T23:59:59Z",
          "2099-12-31T23:59:59Z",
          "2100-01-01T00:00:00Z",
          "0000-01-01T00:00:00Z",
          "2026-02-30T00:00:00Z",
          "2026-11-01T10:00:00",
          "2026-11-01",
          "1899-12-31",
          "2026-11-01T10:00:00+25:00",
          "");

  private static final List<String> HOSTILE_TEXT =
      List.of("\u0000", "\n", "\t", "\u007f", "\u0085", "\ud800", "\udfff", "\u202e", "\ufeff");

  private final Random random;

  /** How many messages each mutation touched, for the test's report. */
  final Map<String, Integer> applied = new TreeMap<>();

  MessageMutator(long seed) {
    this.random = new Random(seed);
  }

  /** {@code count} mutated messages from the valid {@code seeds}, each on its seed's topic. */
  List<OutgoingMessage> mutate(List<OutgoingMessage> seeds, int count) {
    List<OutgoingMessage> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      OutgoingMessage seed = seeds.get(random.nextInt(seeds.size()));
      byte[] value = seed.value();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations && value != null; m++) {
        value = mutateOnce(value);
      }
      out.add(new OutgoingMessage(seed.topic(), seed.key(), value, seed.timestampMs()));
    }
    return out;
  }

  private byte[] mutateOnce(byte[] value) {
    int kind = random.nextInt(100);
    if (kind < 10) {
      return count("flip bytes", flipBytes(value));
    }
    if (kind < 15) {
      return count("truncate", value.length == 0 ? value : truncate(value));
    }
    if (kind < 17) {
      return count("replace whole", wholeReplacement());
    }
    ObjectNode root = parse(value);
    if (root == null || root.isEmpty()) {
      return count("flip bytes", flipBytes(value));
    }
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    String field = names.get(random.nextInt(names.size()));
    Map<String, String> raw = new TreeMap<>();
    String name;
    if (kind < 27) {
      root.remove(field);
      name = "delete field";
    } else if (kind < 40) {
      root.set(field, otherType());
      name = "retype field";
    } else if (kind < 55) {
      String token = "__raw_" + raw.size() + "__";
      raw.put(token, pick(STRETCHED_NUMBERS));
      root.put(numericField(root, field), token);
      name = "stretch number";
    } else if (kind < 67) {
      root.put(timeField(root, field), pick(STRETCHED_TIMES));
      name = "stretch date";
    } else if (kind < 74) {
      // Written raw: Jackson refuses to write what its own parser would refuse to read.
      int depth = 1 + random.nextInt(random.nextBoolean() ? 50 : 3000);
      String token = "__raw_" + raw.size() + "__";
      raw.put(token, nest(depth));
      root.put(field, token);
      name = "deepen nesting";
    } else if (kind < 84) {
      String target = textField(root, field);
      String text = root.path(target).asText("x");
      int at = random.nextInt(text.length() + 1);
      root.put(target, text.substring(0, at) + pick(HOSTILE_TEXT) + text.substring(at));
      name = "hostile character";
    } else if (kind < 88) {
      String token = "__raw_" + raw.size() + "__";
      raw.put(token, "1e2147483648");
      root.put("x_" + random.nextInt(1000), random.nextBoolean() ? token : pick(HOSTILE_TEXT));
      name = "hostile extra field";
    } else if (kind < 91) {
      String text = serialize(root, raw);
      String dup = ",\"" + field + "\":" + (random.nextBoolean() ? "1" : "\"dup\"") + "}";
      return count("duplicate key", bytes(text.substring(0, text.length() - 1) + dup));
    } else if (kind < 93) {
      root.put(field, "y".repeat(70_000));
      name = "huge string";
    } else if (kind < 96) {
      root.set("schema_version", otherType());
      name = "schema version";
    } else {
      // Valid but unusual: an unknown field with a plain value, or spaces around the JSON.
      root.put("note_" + random.nextInt(10), "ok");
      return count("benign", bytes(" " + serialize(root, raw) + "\n"));
    }
    return count(name, bytes(serialize(root, raw)));
  }

  private byte[] count(String mutation, byte[] value) {
    applied.merge(mutation, 1, Integer::sum);
    return value;
  }

  private byte[] flipBytes(byte[] value) {
    byte[] copy = value.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips && copy.length > 0; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private byte[] truncate(byte[] value) {
    byte[] copy = new byte[random.nextInt(value.length)];
    System.arraycopy(value, 0, copy, 0, copy.length);
    return copy;
  }

  private byte[] wholeReplacement() {
    return switch (random.nextInt(6)) {
      case 0 -> new byte[0];
      case 1 -> bytes("null");
      case 2 -> bytes("[]");
      case 3 -> bytes("\"just text\"");
      case 4 -> bytes("{}");
      default -> {
        byte[] junk = new byte[random.nextInt(200)];
        random.nextBytes(junk);
        yield junk;
      }
    };
  }

  private JsonNode otherType() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (random.nextInt(8)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(random.nextBoolean());
      case 2 -> f.numberNode(random.nextInt());
      case 3 -> f.numberNode(random.nextDouble() * 1e6);
      case 4 -> f.textNode(Integer.toString(random.nextInt(100)));
      case 5 -> f.arrayNode().add(1).add("two");
      case 6 -> f.objectNode().put("a", 1);
      default -> f.textNode("");
    };
  }

  private String nest(int depth) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      boolean array = random.nextBoolean();
      open.append(array ? "[" : "{\"n\":");
      close.insert(0, array ? "]" : "}");
    }
    return open + "\"v\"" + close;
  }

  private String numericField(ObjectNode root, String fallback) {
    for (String f :
        List.of("amount", "opening_balance", "overdraft_limit", "sequence", "latitude")) {
      if (root.has(f) && random.nextInt(3) > 0) {
        return f;
      }
    }
    return fallback;
  }

  private String timeField(ObjectNode root, String fallback) {
    for (String f :
        List.of("event_ts", "status_ts", "updated_at", "opened_at", "signup_ts", "date_of_birth")) {
      if (root.has(f) && random.nextInt(3) > 0) {
        return f;
      }
    }
    return fallback;
  }

  private String textField(ObjectNode root, String fallback) {
    for (String f : List.of("name", "city", "full_name", "merchant_id", "account_id")) {
      if (root.has(f) && random.nextInt(3) > 0) {
        return f;
      }
    }
    return fallback;
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static ObjectNode parse(byte[] value) {
    try {
      JsonNode node = JSON.readTree(value);
      return node instanceof ObjectNode o ? o : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String serialize(ObjectNode root, Map<String, String> raw) {
    try {
      String text = JSON.writeValueAsString(root);
      for (Map.Entry<String, String> e : raw.entrySet()) {
        text = text.replace("\"" + e.getKey() + "\"", e.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
