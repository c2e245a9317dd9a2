package dev.lakehouse.common;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession every job uses: Iceberg catalog as the default catalog, UTC, quiet UI.
 */
public final class LakehouseSpark {
  private LakehouseSpark() {}

  /** The extensions Iceberg's SQL (MERGE, branches, procedures) needs. */
  static final String ICEBERG_EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  public static SparkSession session(LakehouseConfig config, String appName) {
    // Spark's own configuration: spark-submit --conf, spark-defaults.conf, -Dspark.* options.
    SparkConf user = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    sessionSettings(config, user).forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    if (!user.contains("spark.log.level")) {
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /**
   * What the lakehouse sets on its session given Spark's own configuration: its defaults only for
   * keys that configuration leaves unset (so spark-submit --conf wins; the UI and event log are
   * Spark's to decide), Iceberg's SQL extensions added to the user's own, the master from {@code
   * engine.master} only outside spark-submit. A session time zone other than UTC is refused:
   * business dates are UTC days.
   */
  static java.util.Map<String, String> sessionSettings(LakehouseConfig config, SparkConf user) {
    String zone = user.get("spark.sql.session.timeZone", "UTC");
    if (!"UTC".equals(zone)) {
      throw new ConfigException(
          "spark.sql.session.timeZone is "
              + zone
              + ", but the lakehouse's business dates are UTC days; remove the setting or set it"
              + " to UTC.");
    }
    java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
    defaults.put("spark.sql.defaultCatalog", Tables.CATALOG);
    defaults.put("spark.sql.session.timeZone", "UTC");
    defaults.put("spark.sql.shuffle.partitions", config.get(Settings.ENGINE_SHUFFLE_PARTITIONS));
    defaults.put("spark.ui.showConsoleProgress", "false");
    defaults.put("spark.sql.streaming.stopTimeout", "60s");
    defaults.put("spark.sql.debug.maxToStringFields", "500");
    // A local lake's directories get their permissions without forking chmod.
    defaults.put("spark.hadoop.fs.file.impl", LocalLakeFileSystem.class.getName());
    defaults.put(
        "spark.hadoop.fs.AbstractFileSystem.file.impl", LocalLakeFileSystem.Fs.class.getName());
    defaults.putAll(catalogProperties(config));
    // Under spark-submit the master comes from the submission; otherwise from configuration.
    if (!user.contains("spark.master")) {
      defaults.put("spark.master", config.get(Settings.ENGINE_MASTER));
      defaults.put("spark.driver.host", "127.0.0.1");
      defaults.put("spark.driver.bindAddress", "127.0.0.1");
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    defaults.forEach(
        (key, value) -> {
          if (!user.contains(key)) {
            out.put(key, value);
          }
        });
    String extensions = user.get("spark.sql.extensions", "").trim();
    if (!java.util.Arrays.asList(extensions.split("\\s*,\\s*")).contains(ICEBERG_EXTENSIONS)) {
      out.put(
          "spark.sql.extensions",
          extensions.isEmpty() ? ICEBERG_EXTENSIONS : extensions + "," + ICEBERG_EXTENSIONS);
    }
    return out;
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
