package dev.lakehouse.export;

import java.time.Duration;

/**
 * How long the export waits for a PostgreSQL lock before giving up ({@code lock_timeout}), and how
 * often it tries the publishing transaction again after such a timeout, pausing {@code backoff},
 * then twice as long, between attempts. With the defaults a publication blocked by a long query
 * fails after about 5 + 2 + 5 + 4 + 5 = 21 s instead of waiting behind it forever; every reader
 * that queues behind the publication waits at most one lock timeout.
 */
record LockWaits(Duration lockTimeout, int attempts, Duration backoff) {
  static final LockWaits DEFAULT = new LockWaits(Duration.ofSeconds(5), 3, Duration.ofSeconds(2));

  LockWaits {
    if (lockTimeout.isNegative() || lockTimeout.isZero() || attempts < 1 || backoff.isNegative()) {
      throw new IllegalArgumentException(
          "A lock wait needs a positive timeout and at least one attempt, not "
              + lockTimeout
              + " and "
              + attempts
              + ".");
    }
  }

  /** The limits of {@code export.lock-timeout-seconds} and {@code export.publish-attempts}. */
  static LockWaits of(dev.lakehouse.common.LakehouseConfig config) {
    return new LockWaits(
        Duration.ofSeconds(
            config.intValue(dev.lakehouse.common.Settings.EXPORT_LOCK_TIMEOUT_SECONDS)),
        config.intValue(dev.lakehouse.common.Settings.EXPORT_PUBLISH_ATTEMPTS),
        DEFAULT.backoff());
  }

  /** The pause after failed attempt {@code attempt} (1 for the first). */
  Duration backoffAfter(int attempt) {
    return backoff.multipliedBy(1L << Math.min(attempt - 1, 10));
  }

  /** The timeout as a value of the {@code lock_timeout} setting. */
  String setting() {
    return lockTimeout.toMillis() + "ms";
  }

  /** The timeout for people: "5 s", "200 ms". */
  String text() {
    long ms = lockTimeout.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
