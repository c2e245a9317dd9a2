package dev.lakehouse.gold;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL text with {@code ${name}} parameters, filled with values rendered as SQL literals by their
 * type. Filling is strict both ways: a parameter the text uses but the caller did not give, or one
 * the caller gave but the text does not use, is an error, so a model file and the list of
 * parameters its caller passes cannot drift apart unnoticed.
 */
final class SqlTemplate {
  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z][a-z0-9_]*)}");
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** SQL text inserted verbatim: a table name or an expression built by the caller. */
  record Sql(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private final String name;
  private final String text;

  private SqlTemplate(String name, String text) {
    this.name = name;
    this.text = text;
  }

  /** The template in a classpath resource, e.g. {@code gold/models/monthly_kpis.sql}. */
  /** The template as written, parameters unfilled. */
  String text() {
    return text;
  }

  static SqlTemplate load(String resource) {
    try (InputStream in = SqlTemplate.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "Cannot load SQL template " + resource + ": no such resource on the classpath.");
      }
      return new SqlTemplate(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read SQL template " + resource + ": " + e.getMessage(), e);
    }
  }

  /** A template from a string; {@code name} appears in error messages. */
  static SqlTemplate of(String name, String text) {
    return new SqlTemplate(name, text);
  }

  /** A table or view name, checked to be a plain (optionally dotted) identifier. */
  static Sql table(String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("Not a table name: '" + name + "'.");
    }
    return new Sql(name);
  }

  /** A SQL expression or list, inserted as is. */
  /** A table as of one of its snapshots (Iceberg time travel); as it is now when there is none. */
  static Sql tableAt(String name, long snapshotId) {
    Sql table = table(name);
    return snapshotId < 0 ? table : new Sql(name + " VERSION AS OF " + snapshotId);
  }

  static Sql sql(String text) {
    return new Sql(text);
  }

  /** The names of the parameters the text uses, sorted. */
  Set<String> parameters() {
    Set<String> names = new TreeSet<>();
    Matcher m = PARAMETER.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The text with every parameter replaced by its value as a SQL literal. */
  String render(Map<String, ?> values) {
    Set<String> used = parameters();
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(values.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot fill SQL template " + name + ": no value for " + missing + ".");
    }
    Set<String> unused = new TreeSet<>(values.keySet());
    unused.removeAll(used);
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot fill SQL template "
              + name
              + ": it does not use "
              + unused
              + "; remove them or use them.");
    }
    Matcher m = PARAMETER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(literal(m.group(1), values.get(m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** One value as SQL: dates and timestamps as typed literals, numbers plain, strings quoted. */
  private String literal(String parameter, Object value) {
    if (value instanceof Sql sql) {
      return sql.text();
    } else if (value instanceof LocalDate date) {
      return "DATE '" + date + "'";
    } else if (value instanceof LocalDateTime ts) {
      return "TIMESTAMP '" + TIMESTAMP.format(ts) + "'";
    } else if (value instanceof BigDecimal amount) {
      return amount.toPlainString();
    } else if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    } else if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    } else if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    throw new IllegalArgumentException(
        "Cannot fill SQL template "
            + name
            + ": parameter "
            + parameter
            + " has "
            + (value == null
                ? "no value (null)"
                : "a value of unsupported type " + value.getClass().getSimpleName())
            + ".");
  }
}
