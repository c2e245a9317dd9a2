package dev.lakehouse.export;

import java.math.BigInteger;

/**
 * What the manifest records to tie a published table to its gold snapshot: the row count and the
 * sum of a 64-bit hash of every row, which is independent of row order.
 */
record Checksum(long count, BigInteger sum) {

  /**
   * The checksum of rows held in memory (a health summary): the count and the sum of the first 64
   * bits of each row's SHA-256, over its COPY line. Not comparable with a gold table's, and never
   * compared with one: a summary is only compared with its own last publication.
   */
  static Checksum of(java.util.List<org.apache.spark.sql.Row> rows) {
    BigInteger sum = BigInteger.ZERO;
    try {
      for (org.apache.spark.sql.Row row : rows) {
        StringBuilder line = new StringBuilder();
        CsvReader.appendLine(row, line);
        byte[] digest =
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(line.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sum = sum.add(BigInteger.valueOf(java.nio.ByteBuffer.wrap(digest).getLong()));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256", e);
    }
    return new Checksum(rows.size(), sum);
  }

  /** The manifest's text form, {@code count:sum}. */
  String text() {
    return count + ":" + sum;
  }
}
