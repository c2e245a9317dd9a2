package dev.lakehouse.export;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/** Rows as COPY's CSV text, encoded a batch at a time so a partition is never held in memory. */
final class CsvReader extends Reader {
  private static final int ROWS_PER_BATCH = 200;
  private final Iterator<Row> rows;
  private final Checksum.Running checksum;
  private StringReader current = new StringReader("");

  CsvReader(Iterator<Row> rows) {
    this(rows, null);
  }

  /** Rows as CSV, each line also added to {@code checksum} (none when null). */
  CsvReader(Iterator<Row> rows, Checksum.Running checksum) {
    this.rows = rows;
    this.checksum = checksum;
  }

  /** One row as a line of {@link CsvEncoding}. */
  static void appendLine(Row row, StringBuilder sb) {
    CsvEncoding.appendLine(row.length(), row::get, sb);
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    int n = current.read(buf, off, len);
    while (n < 0) {
      if (!rows.hasNext()) {
        return -1;
      }
      StringBuilder sb = new StringBuilder(256);
      for (int i = 0; i < ROWS_PER_BATCH && rows.hasNext(); i++) {
        int start = sb.length();
        appendLine(rows.next(), sb);
        if (checksum != null) {
          checksum.add(sb.subSequence(start, sb.length()));
        }
      }
      current = new StringReader(sb.toString());
      n = current.read(buf, off, len);
    }
    return n;
  }

  @Override
  public void close() {}
}
