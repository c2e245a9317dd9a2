package dev.lakehouse.export;

import java.math.BigInteger;

/**
 * What the manifest records to tie a published table to its gold snapshot: the row count and the
 * sum of a 64-bit hash of every row, which is independent of row order.
 */
record Checksum(long count, BigInteger sum) implements java.io.Serializable {

  /**
   * The checksum of rows held in memory (a health summary, a small mart): the count and the sum of
   * the first 64 bits of each row's SHA-256, over its COPY line. Not comparable with the one Spark
   * takes of a large mart, and never compared with one: a summary is only compared with its own
   * last publication, a mart by its gold snapshot.
   */
  static Checksum of(java.util.List<org.apache.spark.sql.Row> rows) {
    Running running = new Running();
    for (org.apache.spark.sql.Row row : rows) {
      StringBuilder line = new StringBuilder();
      CsvReader.appendLine(row, line);
      running.add(line);
    }
    return running.checksum();
  }

  /** A checksum taken line by line as the COPY text is written (the same as {@link #of}). */
  static final class Running {
    private final java.security.MessageDigest sha;
    private long count;
    private BigInteger sum = BigInteger.ZERO;

    Running() {
      try {
        sha = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("This JVM has no SHA-256", e);
      }
    }

    /** Adds one COPY line (with its line end). */
    void add(CharSequence line) {
      byte[] digest = sha.digest(line.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sum = sum.add(BigInteger.valueOf(java.nio.ByteBuffer.wrap(digest).getLong()));
      count++;
    }

    Checksum checksum() {
      return new Checksum(count, sum);
    }
  }

  /** The checksum of rows checksummed in parts (the partitions of a parallel COPY). */
  Checksum plus(Checksum other) {
    return new Checksum(count + other.count, sum.add(other.sum));
  }

  /** The manifest's text form, {@code count:sum}. */
  String text() {
    return count + ":" + sum;
  }
}
