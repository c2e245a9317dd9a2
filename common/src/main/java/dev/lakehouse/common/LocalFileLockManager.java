package dev.lakehouse.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.LockManager;

/**
 * Makes the Hadoop catalog's commits atomic across processes on one machine. Iceberg's {@code
 * HadoopTableOperations} commits by checking that the next metadata version does not exist and
 * renaming its file into place, under a lock from its {@link LockManager}; the default manager
 * locks within one JVM only, so two processes (the stream and a maintenance run) could both pass
 * the check and one commit would silently replace the other. This manager holds an operating system
 * file lock, one lock file per table in {@code lakehouse.lock-dir}, for that check and rename. The
 * operating system releases it when a process dies, even by SIGKILL.
 */
public final class LocalFileLockManager implements LockManager {
  /** Catalog property: the directory of the lock files. */
  public static final String LOCK_DIR = "lakehouse.lock-dir";

  /** Catalog property: how long to wait for a lock. */
  public static final String TIMEOUT_MS = "lock.acquire-timeout-ms";

  /** Threads of this JVM take the same table's lock in turn before taking the file lock. */
  private static final Map<String, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private record Held(FileChannel channel, FileLock lock, ReentrantLock inJvm) {}

  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private Path dir = Path.of(System.getProperty("java.io.tmpdir"), "lakehouse-locks");
  private long timeoutMs = 180_000;

  @Override
  public void initialize(Map<String, String> properties) {
    if (properties.containsKey(LOCK_DIR)) {
      dir = Path.of(properties.get(LOCK_DIR));
    }
    if (properties.containsKey(TIMEOUT_MS)) {
      timeoutMs = Long.parseLong(properties.get(TIMEOUT_MS));
    }
  }

  /**
   * Locks the table that {@code entityId} (a metadata file path) belongs to; false after the
   * timeout.
   */
  @Override
  public boolean acquire(String entityId, String ownerId) {
    String key = lockKey(entityId);
    ReentrantLock inJvm = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try {
      if (!inJvm.tryLock(timeoutMs, TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel =
          FileChannel.open(
              dir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // cannot happen behind the in-JVM lock; wait as for another process
        }
        if (lock != null) {
          held.put(entityId + "\n" + ownerId, new Held(channel, lock, inJvm));
          return true;
        }
        if (System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(5);
      }
    } catch (IOException e) {
      // Falls through: not acquired.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(channel);
    inJvm.unlock();
    return false;
  }

  @Override
  public boolean release(String entityId, String ownerId) {
    Held h = held.remove(entityId + "\n" + ownerId);
    if (h == null) {
      return false;
    }
    try {
      h.lock().release();
    } catch (IOException e) {
      // Closing the channel releases it too.
    } finally {
      closeQuietly(h.channel());
      h.inJvm().unlock();
    }
    return true;
  }

  @Override
  public void close() {
    held.keySet()
        .forEach(k -> release(k.substring(0, k.indexOf('\n')), k.substring(k.indexOf('\n') + 1)));
  }

  /** One lock per table: the digest of the metadata file's directory. */
  static String lockKey(String entityId) {
    String normalized = entityId.replace('\\', '/');
    int slash = normalized.lastIndexOf('/');
    String table = slash < 0 ? normalized : normalized.substring(0, slash);
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-256").digest(table.getBytes(StandardCharsets.UTF_8));
      return "table-" + HexFormat.of().formatHex(sha, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
