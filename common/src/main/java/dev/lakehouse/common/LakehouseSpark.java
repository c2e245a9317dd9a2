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
            .config("spark.sql.debug.maxToStringFields", "500");
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

  private static String warehouse(LakehouseConfig config) {
    String w = config.get(Settings.CATALOG_WAREHOUSE);
    return w.contains("://") ? w : java.nio.file.Paths.get(w).toUri().toString();
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
