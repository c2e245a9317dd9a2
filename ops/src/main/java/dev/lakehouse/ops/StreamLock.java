package dev.lakehouse.ops;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One stream of a kind (bronze, fraud) per warehouse: an operating-system lock on {@code
 * <kind>-stream.lock} in the warehouse's lock directory, held while the stream runs and released by
 * the operating system if the process dies. A second stream refuses to start and names the holder,
 * instead of racing the first one on the same offsets.
 */
public final class StreamLock implements AutoCloseable {
  /**
   * Lock files this JVM holds. Checked before any channel is opened: closing any channel on a file
   * releases every lock the process holds on it.
   */
  private static final java.util.Set<Path> HELD =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private StreamLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of the stream {@code kind} (bronze, fraud) or says who holds it. */
  public static StreamLock acquire(LakehouseConfig config, String kind) {
    Path file = Path.of(LakehouseSpark.lockDir(config), kind + "-stream.lock").toAbsolutePath();
    if (!HELD.add(file)) {
      throw new ConfigException(
          "Another "
              + kind
              + " stream is already writing to this lake from this process (lock "
              + file
              + "); stop the other one first.");
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(file.getParent());
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        HELD.remove(file);
        String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
        throw new ConfigException(
            "Another "
                + kind
                + " stream is already writing to this lake ("
                + (holder.isEmpty() ? "holder unknown" : holder)
                + "; lock "
                + file
                + "). Two streams would read the same Kafka offsets; stop the other one first."
                + " The lock is released when its process ends, however it ends.");
      }
      String holder =
          "process " + ManagementFactory.getRuntimeMXBean().getName() + ", since " + Instant.now();
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new StreamLock(file, channel, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(file);
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing more to do
        }
      }
      if (e instanceof ConfigException refused) {
        throw refused;
      }
      throw new IllegalStateException(
          "Cannot take the " + kind + " stream lock " + file + ": " + e, e);
    }
  }

  /**
   * Who holds the lock of the stream {@code kind}, when a stream runs: for a scheduler that starts
   * a stream only when none runs. The answer can be stale by the time it is acted on; {@link
   * #acquire} still refuses a second stream.
   */
  public static java.util.Optional<String> holder(LakehouseConfig config, String kind) {
    try (StreamLock free = acquire(config, kind)) {
      return java.util.Optional.empty();
    } catch (ConfigException held) {
      return java.util.Optional.of(held.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The operating system releases it with the process anyway.
    } finally {
      HELD.remove(file);
    }
  }
}
