package dev.lakehouse.common;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's checksummed local file system, setting permissions through java.nio. Without Hadoop's
 * native library, {@link RawLocalFileSystem} forks a {@code chmod} process for every directory it
 * creates: thousands per day of pipeline runs on a local lake (every partition, every metadata
 * directory). Files, checksums and permissions on disk are exactly those of the default {@code
 * file:} file system, so other Spark sessions read the lake as before. {@link Fs} is the same for
 * Hadoop's {@code FileContext} API, which Structured Streaming writes its checkpoints with.
 */
public final class LocalLakeFileSystem extends LocalFileSystem {
  public LocalLakeFileSystem() {
    super(new NioPermissions());
  }

  /** The {@code FileContext} binding: {@code fs.AbstractFileSystem.file.impl}. */
  public static final class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(uri, conf));
    }
  }

  static final class RawFs extends DelegateToFileSystem {
    RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new NioPermissions(), conf, "file", false);
    }
  }

  /** The raw local file system with a fork-free {@code setPermission}. */
  static final class NioPermissions extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
    }

    static Set<PosixFilePermission> posix(short mode) {
      // PosixFilePermission's order is owner rwx, group rwx, others rwx: bits 8 down to 0.
      PosixFilePermission[] all = PosixFilePermission.values();
      Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < all.length; i++) {
        if ((mode & (1 << (8 - i))) != 0) {
          set.add(all[i]);
        }
      }
      return set;
    }
  }
}
