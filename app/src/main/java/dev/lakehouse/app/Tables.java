package dev.lakehouse.app;

import java.util.List;
import org.apache.spark.sql.Row;

/** Renders query results as an aligned text table. */
final class Tables {
  private static final int MAX_WIDTH = 60;

  private Tables() {}

  static String render(String[] columns, List<Row> rows) {
    int[] width = new int[columns.length];
    String[][] cells = new String[rows.size()][columns.length];
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.length; c++) {
        Object v = rows.get(r).get(c);
        String s = v == null ? "NULL" : v instanceof byte[] b ? "<" + b.length + " bytes>" : v.toString();
        s = s.replace('\n', ' ');
        if (s.length() > MAX_WIDTH) {
          s = s.substring(0, MAX_WIDTH - 3) + "...";
        }
        cells[r][c] = s;
        width[c] = Math.max(width[c], s.length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, columns, width);
    for (int c = 0; c < columns.length; c++) {
      sb.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (String[] row : cells) {
      line(sb, row, width);
    }
    return sb.toString();
  }

  /** The same layout for rows already turned into text. */
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
