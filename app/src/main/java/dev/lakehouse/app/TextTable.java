package dev.lakehouse.app;

import java.util.List;
import org.apache.spark.sql.Row;

/** Renders rows as an aligned text table. */
final class TextTable {
  private static final int MAX_WIDTH = 60;

  private TextTable() {}

  static String render(String[] columns, List<Row> rows) {
    List<String[]> cells = new java.util.ArrayList<>(rows.size());
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int c = 0; c < columns.length; c++) {
        Object v = row.get(c);
        String s =
            v == null ? "NULL" : v instanceof byte[] b ? "<" + b.length + " bytes>" : v.toString();
        s = s.replace('\n', ' ');
        line[c] = s.length() > MAX_WIDTH ? s.substring(0, MAX_WIDTH - 3) + "..." : s;
      }
      cells.add(line);
    }
    return renderText(columns, cells);
  }

  /** Rows already turned into text, in aligned columns under a header. */
  static String renderText(String[] columns, List<String[]> rows) {
    int[] width = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
      for (String[] r : rows) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, columns, width);
    for (int c = 0; c < columns.length; c++) {
      sb.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (String[] r : rows) {
      line(sb, r, width);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] values, int[] width) {
    for (int c = 0; c < values.length; c++) {
      sb.append(c == 0 ? "" : " | ").append(String.format("%-" + width[c] + "s", values[c]));
    }
    sb.append('\n');
  }
}
