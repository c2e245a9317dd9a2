package dev.lakehouse.common;

import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job uses: Iceberg catalog as the default catalog, UTC, quiet UI.
 */
public final class LakehouseSpark {
  private LakehouseSpark() {}

  public static SparkSession session(LakehouseConfig config, String appName) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.defaultCatalog", Tables.CATALOG)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", config.get(Settings.SPARK_SHUFFLE_PARTITIONS))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.streaming.stopTimeout", "60s")
            .config("spark.sql.debug.maxToStringFields", "500")
            // A local lake's directories get their permissions without forking chmod.
            .config("spark.hadoop.fs.file.impl", LocalLakeFileSystem.class.getName())
            .config(
                "spark.hadoop.fs.AbstractFileSystem.file.impl",
                LocalLakeFileSystem.Fs.class.getName());
    catalogProperties(config).forEach(builder::config);
    // Under spark-submit the master comes from the submission; otherwise from configuration.
    if (System.getProperty("spark.master") == null) {
      builder
          .master(config.get(Settings.SPARK_MASTER))
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * A command's session: the JVM's running session when there is one on the same lake (a test, a
   * notebook, the demo driving several steps), used as it is, otherwise a new one that {@link
   * Lease#close()} stops. A command never stops a session it did not start.
   */
  public static Lease open(LakehouseConfig config, String appName) {
    java.util.Optional<SparkSession> running = running();
    if (running.isPresent()) {
      String key = "spark.sql.catalog." + Tables.CATALOG + ".warehouse";
      // A local directory's URI ends in '/' only once the directory exists.
      String theirs = running.get().conf().get(key, "").replaceAll("/+$", "");
      String ours = warehouse(config).replaceAll("/+$", "");
      if (!theirs.equals(ours)) {
        throw new ConfigException(
            "A SparkSession on another lake ("
                + theirs
                + ") is already running in this JVM; stop it before running a command on "
                + ours
                + ".");
      }
    }
    return running.isPresent()
        ? new Lease(running.get(), false)
        : new Lease(session(config, appName), true);
  }

  private static java.util.Optional<SparkSession> running() {
    scala.Option<SparkSession> active = SparkSession.getDefaultSession();
    if (active.isDefined() && !active.get().sparkContext().isStopped()) {
      return java.util.Optional.of(active.get());
    }
    return java.util.Optional.empty();
  }

  /** A session and whether this lease started it, and so stops it. */
  public record Lease(SparkSession spark, boolean started) implements AutoCloseable {
    @Override
    public void close() {
      if (started) {
        spark.stop();
      }
    }
  }

  /**
   * The Spark properties of the Iceberg catalog {@code lakehouse} for the configured catalog type.
   */
  public static java.util.Map<String, String> catalogProperties(LakehouseConfig config) {
    String prefix = "spark.sql.catalog." + Tables.CATALOG;
    String type = config.get(Settings.CATALOG_TYPE);
    java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
    p.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    if ("glue".equals(type)) {
      p.put(prefix + ".catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog");
    } else {
      p.put(prefix + ".type", type);
    }
    if ("hadoop".equals(type)) {
      // Commits atomic across processes of this machine (the stream, maintenance, silver).
      p.put(prefix + ".lock-impl", LocalFileLockManager.class.getName());
      p.put(prefix + "." + LocalFileLockManager.LOCK_DIR, lockDir(config));
    }
    p.put(prefix + ".warehouse", warehouse(config));
    // One process may stream and query; a cached table would hide the stream's commits.
    p.put(prefix + ".cache-enabled", "false");
    if ("rest".equals(type) || "hive".equals(type)) {
      p.put(prefix + ".uri", config.get(Settings.CATALOG_URI));
    }
    String endpoint = config.get(Settings.CATALOG_S3_ENDPOINT);
    if (!"hadoop".equals(type) && (!endpoint.isBlank() || "glue".equals(type))) {
      p.put(prefix + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    }
    if (!endpoint.isBlank()) {
      p.put(prefix + ".s3.endpoint", endpoint);
      p.put(prefix + ".s3.path-style-access", "true");
    }
    return p;
  }

  /**
   * The lock files of a local warehouse live next to it ({@code <data-dir>/locks/warehouse} by
   * default), so that every process using that warehouse finds the same ones.
   */
  public static String lockDir(LakehouseConfig config) {
    String w = config.get(Settings.CATALOG_WAREHOUSE);
    java.nio.file.Path local =
        w.startsWith("file:")
            ? java.nio.file.Paths.get(java.net.URI.create(w))
            : w.contains("://") ? null : java.nio.file.Paths.get(w).toAbsolutePath().normalize();
    if (local == null || local.getParent() == null) {
      return java.nio.file.Paths.get(System.getProperty("java.io.tmpdir"), "lakehouse-locks")
          .toString();
    }
    return local.getParent().resolve("locks").resolve(local.getFileName().toString()).toString();
  }

  private static String warehouse(LakehouseConfig config) {
    String w = config.location(Settings.CATALOG_WAREHOUSE);
    return w.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")
        ? w
        : java.nio.file.Paths.get(w).toUri().toString();
  }

  /** The Iceberg table behind a lakehouse table name, freshly loaded. */
  public static org.apache.iceberg.Table icebergTable(SparkSession spark, String table) {
    try {
      return org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, Tables.qualified(table));
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot load Iceberg table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The table's current snapshot id, or -1 while it has none. */
  public static long currentSnapshotId(SparkSession spark, String table) {
    org.apache.iceberg.Snapshot s = icebergTable(spark, table).currentSnapshot();
    return s == null ? -1 : s.snapshotId();
  }

  /**
   * Adds {@code row_hash} over every column, so a MERGE can update only rows whose content changed.
   */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> withRowHash(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows) {
    org.apache.spark.sql.Column[] all =
        java.util.Arrays.stream(rows.columns())
            .map(org.apache.spark.sql.functions::col)
            .toArray(org.apache.spark.sql.Column[]::new);
    return rows.withColumn("row_hash", org.apache.spark.sql.functions.xxhash64(all));
  }

  /** Appends rows to a lakehouse table. */
  public static void append(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, String table) {
    try {
      rows.writeTo(Tables.qualified(table)).append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(
          "Cannot append to " + table + ": the table does not exist.", e);
    }
  }

  /** Creates the namespaces the lakehouse writes to. */
  public static void createNamespaces(SparkSession spark, String... namespaces) {
    for (String ns : namespaces) {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
    }
  }
}
