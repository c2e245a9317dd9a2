package dev.lakehouse.export;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.function.IntFunction;

/**
 * Values as the text of PostgreSQL's COPY in CSV format with its default options. A null is an
 * unquoted empty field, which COPY reads as NULL; every text is quoted (quotes doubled), so an
 * empty text stays empty rather than NULL and commas, quotes and line breaks inside it survive;
 * backslashes need nothing, CSV mode gives them no meaning. Numbers, booleans, dates and timestamps
 * go unquoted in forms PostgreSQL parses: decimals without exponent, timestamps as UTC instants.
 */
final class CsvEncoding {
  private CsvEncoding() {}

  /** The COPY command that reads what this class writes into {@code table}. */
  static String copyCommand(String table) {
    return "COPY " + table + " FROM STDIN WITH (FORMAT csv)";
  }

  /**
   * One line of {@code width} fields, {@code value.apply(i)} being field i; ends with a newline.
   */
  static void appendLine(int width, IntFunction<Object> value, StringBuilder sb) {
    for (int i = 0; i < width; i++) {
      if (i > 0) {
        sb.append(',');
      }
      appendField(value.apply(i), sb);
    }
    sb.append('\n');
  }

  /** One field, without its separator. */
  static void appendField(Object value, StringBuilder sb) {
    if (value == null) {
      return;
    }
    if (value instanceof BigDecimal d) {
      sb.append(d.toPlainString());
    } else if (value instanceof Timestamp t) {
      sb.append(t.toInstant());
    } else if (value instanceof Date d) {
      sb.append(d);
    } else if (value instanceof Number || value instanceof Boolean) {
      sb.append(value);
    } else {
      sb.append('"').append(value.toString().replace("\"", "\"\"")).append('"');
    }
  }
}
