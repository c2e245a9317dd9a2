package dev.lakehouse.export;

import java.math.BigInteger;

/**
 * What the manifest records to tie a published table to its gold snapshot: the row count and the
 * sum of a 64-bit hash of every row, which is independent of row order.
 */
record Checksum(long count, BigInteger sum) {

  /** The manifest's text form, {@code count:sum}. */
  String text() {
    return count + ":" + sum;
  }
}
