package dev.lakehouse.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeFileSystemTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void modeBitsMapToPosixPermissions() {
    assertThat(LocalLakeFileSystem.NioPermissions.posix((short) 0755))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(LocalLakeFileSystem.NioPermissions.posix((short) 0640))
        .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(LocalLakeFileSystem.NioPermissions.posix((short) 01777))
        .isEqualTo(PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(LocalLakeFileSystem.NioPermissions.posix((short) 0)).isEmpty();
  }

  @Test
  void createsDirectoriesAndChecksummedFilesLikeTheDefaultLocalFileSystem() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", LocalLakeFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.permissions.umask-mode", "027");
    FileSystem fs = FileSystem.get(dir.toUri(), conf);
    assertThat(fs).isInstanceOf(LocalLakeFileSystem.class);

    Path nested = new Path(dir.toUri().toString(), "a/b/c");
    assertThat(fs.mkdirs(nested)).isTrue();
    // The default directory mode 0777 under umask 027.
    assertThat(Files.getPosixFilePermissions(dir.resolve("a/b/c")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("a")))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));

    fs.setPermission(nested, new FsPermission((short) 0700));
    assertThat(Files.getPosixFilePermissions(dir.resolve("a/b/c")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    try (FSDataOutputStream out = fs.create(new Path(nested, "f.txt"))) {
      out.writeBytes("paisa");
    }
    // Checksummed like the default file system, so default readers verify the same files.
    assertThat(dir.resolve("a/b/c/.f.txt.crc")).exists();
    FileSystem plain = FileSystem.newInstance(dir.toUri(), new Configuration());
    try (var in = plain.open(new Path(nested, "f.txt"))) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("paisa");
    }
  }

  @Test
  void fileContextWritesThroughTheSamePermissions() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.AbstractFileSystem.file.impl", LocalLakeFileSystem.Fs.class.getName());
    conf.set("fs.permissions.umask-mode", "077");
    org.apache.hadoop.fs.FileContext fc = org.apache.hadoop.fs.FileContext.getFileContext(conf);
    Path file = new Path(dir.toUri().toString(), "offsets/0");
    try (FSDataOutputStream out =
        fc.create(
            file,
            java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE),
            org.apache.hadoop.fs.Options.CreateOpts.createParent())) {
      out.writeBytes("v1");
    }
    assertThat(fc.getDefaultFileSystem()).isInstanceOf(LocalLakeFileSystem.Fs.class);
    assertThat(Files.getPosixFilePermissions(dir.resolve("offsets/0")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(dir.resolve("offsets/.0.crc")).exists();
  }
}
