package dev.lakehouse.export;

import static org.apache.spark.sql.functions.col;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the marts and the dimensions they need to PostgreSQL, schema {@code marts}: COPY into staging
 * tables in parallel from the executors, then publish every changed table in one transaction (rename the
 * staging table over the live one) together with its row in {@code marts.export_manifest}. Readers see
 * the old or the new table, never a partial or empty one. A table whose gold snapshot was already
 * published is skipped, so re-exporting the same gold is a no-op.
 */
public final class PostgresExporter {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresExporter.class);

  /** The exported tables with the columns dashboards filter by (indexed). */
  static final Map<String, List<String>> EXPORTS = new LinkedHashMap<>();

  static {
    EXPORTS.put(Tables.GOLD_DAILY_REVENUE_SUMMARY, List.of("summary_date", "merchant_category"));
    EXPORTS.put(Tables.GOLD_MONTHLY_STATEMENT, List.of("account_id, month_start", "customer_id"));
    EXPORTS.put(Tables.GOLD_CUSTOMERS_IN_RED, List.of("as_of_month", "customer_id"));
    EXPORTS.put(Tables.GOLD_HIGH_ACTIVITY_CUSTOMERS, List.of("as_of_month", "customer_id"));
    EXPORTS.put(Tables.GOLD_MONTHLY_KPIS, List.of("month_start"));
    EXPORTS.put(Tables.GOLD_CUSTOMERS_PER_TIER, List.of("month_start"));
    EXPORTS.put(Tables.GOLD_MONTHLY_TRANSACTION_TREND, List.of("month_start", "txn_type"));
    EXPORTS.put(Tables.GOLD_DIM_CUSTOMER, List.of("customer_id"));
    EXPORTS.put(Tables.GOLD_DIM_ACCOUNT, List.of("account_id", "customer_id"));
    EXPORTS.put(Tables.GOLD_DIM_MERCHANT, List.of("merchant_id"));
    EXPORTS.put(Tables.GOLD_DIM_DATE, List.of("date"));
  }

  /** What one export did, per table. */
  public record Result(String runId, Map<String, Long> published, List<String> unchanged, double seconds, long rows) {}

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final Consumer<String> beforePublish;
  private final String runId = UUID.randomUUID().toString();
  private final String suffix = runId.substring(0, 8);

  PostgresExporter(SparkSession spark, LakehouseConfig config, Consumer<String> beforePublish) {
    this.spark = spark;
    this.config = config;
    this.beforePublish = beforePublish;
  }

  /** The gold tables the export publishes, in order. */
  public static List<String> exportedTables() {
    return List.copyOf(EXPORTS.keySet());
  }

  public static Result export(SparkSession spark, LakehouseConfig config) {
    return new PostgresExporter(spark, config, name -> { }).run();
  }

  /** The export and its row in ops.runs: SUCCESS, NOOP when every table was already published, or FAILED. */
  Result run() {
    Timestamp started = new Timestamp(System.currentTimeMillis());
    try {
      Result r = publishChanged();
      ledger(started, r.published().isEmpty() ? "NOOP" : "SUCCESS", r.rows(),
          r.published().size() + " tables published, " + r.unchanged().size() + " unchanged", null);
      return r;
    } catch (RuntimeException e) {
      try {
        ledger(started, "FAILED", 0, null, String.valueOf(e.getMessage()));
      } catch (RuntimeException second) {
        LOG.error("Cannot record the failed export {}: {}", runId, second.getMessage());
      }
      throw e;
    }
  }

  private void ledger(Timestamp started, String status, long rows, String message, String error) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    RunLedger.append(
        spark,
        RunRecord.builder(runId, "export", "publish")
            .businessDate(today)
            .status(status)
            .startedAt(started)
            .counts(new RunRecord.Counts(rows, rows, 0, 0, 0))
            .message(message)
            .error(error)
            .build());
  }

  private Result publishChanged() {
    long t0 = System.nanoTime();
    Map<String, Long> published = new LinkedHashMap<>();
    List<String> unchanged = new ArrayList<>();
    List<String[]> staged = new ArrayList<>();
    long rows = 0;
    try (Connection c = PostgresConnections.connect(config)) {
      prepareSchema(c);
      Map<String, Long> latest = latestPublished(c);
      for (Map.Entry<String, List<String>> e : EXPORTS.entrySet()) {
        String table = e.getKey();
        String name = table.substring(table.indexOf('.') + 1);
        long snapshot = snapshot(table);
        if (latest.containsKey(name) && latest.get(name) == snapshot) {
          unchanged.add(name);
          continue;
        }
        // Every read of this table is of the snapshot the manifest will name, even if gold moves on meanwhile.
        Dataset<Row> data = (snapshot < 0
            ? spark.table(Tables.qualified(table))
            : spark.read().option("snapshot-id", snapshot).table(Tables.qualified(table))).drop("row_hash");
        String stage = name + "__stage_" + suffix;
        createTable(c, stage, data, e.getValue());
        copy(data, stage);
        long count = count(c, stage);
        String checksum = checksum(data);
        long expected = Long.parseLong(checksum.substring(0, checksum.indexOf(':')));
        if (count != expected) {
          throw new IllegalStateException("Staged " + count + " rows of " + name + " but gold holds " + expected + ".");
        }
        comment(c, stage, table);
        index(c, name, stage);
        staged.add(new String[] {name, stage, Long.toString(snapshot), Long.toString(count), checksum});
        rows += count;
      }
      beforePublish.accept(runId);
      publish(c, staged);
      staged.forEach(s -> published.put(s[0], Long.parseLong(s[3])));
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot export to PostgreSQL at " + config.get(Settings.POSTGRES_URL) + ": "
          + e.getMessage() + ". The previous marts are unchanged.", e);
    } finally {
      dropStaging(staged);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("Export {}: {} tables published ({} rows in {} s), {} unchanged.", runId, published.size(), rows,
        String.format("%.1f", seconds), unchanged.size());
    return new Result(runId, published, unchanged, seconds, rows);
  }

  private void prepareSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS marts");
      s.execute("CREATE TABLE IF NOT EXISTS marts.export_manifest (mart text NOT NULL, gold_snapshot_id bigint NOT NULL,"
          + " run_id text NOT NULL, row_count bigint NOT NULL, checksum text NOT NULL,"
          + " exported_at timestamptz NOT NULL DEFAULT now())");
      s.execute("COMMENT ON TABLE marts.export_manifest IS 'One row per mart and export run that published it.'");
    }
  }

  private static Map<String, Long> latestPublished(Connection c) throws SQLException {
    Map<String, Long> m = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT DISTINCT ON (mart) mart, gold_snapshot_id FROM marts.export_manifest"
            + " ORDER BY mart, exported_at DESC")) {
      while (r.next()) {
        m.put(r.getString(1), r.getLong(2));
      }
    }
    return m;
  }

  private long snapshot(String table) {
    return LakehouseSpark.currentSnapshotId(spark, table);
  }


  static String pgType(DataType t) {
    if (t instanceof DecimalType d) {
      return "numeric(" + d.precision() + "," + d.scale() + ")";
    }
    if (t.equals(DataTypes.IntegerType)) {
      return "integer";
    }
    if (t.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (t.equals(DataTypes.DoubleType)) {
      return "double precision";
    }
    if (t.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (t.equals(DataTypes.DateType)) {
      return "date";
    }
    if (t.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    }
    return "text";
  }

  private void createTable(Connection c, String stage, Dataset<Row> data, List<String> indexed) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      columns.add(f.name() + " " + pgType(f.dataType()));
    }
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS marts." + stage);
      s.execute("CREATE TABLE marts." + stage + " (" + String.join(", ", columns) + ")");
    }
  }

  /** COPY from every partition in parallel, each over its own connection. */
  private void copy(Dataset<Row> data, String stage) {
    String url = config.get(Settings.POSTGRES_URL);
    String user = config.get(Settings.POSTGRES_USER);
    String password = config.secret(Settings.POSTGRES_PASSWORD).orElse(null);
    int parallelism = config.intValue(Settings.EXPORT_PARALLELISM);
    data.repartition(parallelism).foreachPartition(new CopyPartition(url, user, password, "marts." + stage));
  }

  static final class CopyPartition implements ForeachPartitionFunction<Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String url;
    private final String user;
    private final String password;
    private final String table;

    CopyPartition(String url, String user, String password, String table) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.table = table;
    }

    @Override
    public void call(Iterator<Row> rows) throws Exception {
      if (!rows.hasNext()) {
        return;
      }
      try (Connection c = PostgresConnections.connect(url, user, password)) {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn("COPY " + table + " FROM STDIN WITH (FORMAT csv)", new CsvReader(rows));
      }
    }
  }

  /** Streams rows as CSV without holding the partition in memory. */
  static final class CsvReader extends Reader {
    private final Iterator<Row> rows;
    private StringReader current = new StringReader("");

    CsvReader(Iterator<Row> rows) {
      this.rows = rows;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = current.read(buf, off, len);
      while (n < 0) {
        if (!rows.hasNext()) {
          return -1;
        }
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < 200 && rows.hasNext(); i++) {
          csvLine(rows.next(), sb);
        }
        current = new StringReader(sb.toString());
        n = current.read(buf, off, len);
      }
      return n;
    }

    @Override
    public void close() {}
  }

  /** One row as a line of PostgreSQL CSV (the COPY format of the export). */
  public static void csvLine(Row row, StringBuilder sb) {
    for (int i = 0; i < row.length(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = row.get(i);
      if (v == null) {
        continue;
      }
      if (v instanceof BigDecimal d) {
        sb.append(d.toPlainString());
      } else if (v instanceof Timestamp t) {
        sb.append(t.toInstant());
      } else if (v instanceof Date d) {
        sb.append(d);
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else {
        sb.append('"').append(v.toString().replace("\"", "\"\"")).append('"');
      }
    }
    sb.append('\n');
  }

  private static long count(Connection c, String stage) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM marts." + stage)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String checksum(Dataset<Row> data) {
    Row r = data.selectExpr("count(*)", "sum(CAST(xxhash64(to_json(struct(*))) AS DECIMAL(38,0)))").first();
    return r.getLong(0) + ":" + (r.isNullAt(1) ? "0" : r.get(1).toString());
  }

  private void comment(Connection c, String stage, String table) throws SQLException {
    String grain = spark.sql("DESCRIBE TABLE EXTENDED " + Tables.qualified(table)).filter(col("col_name").equalTo("Comment"))
        .select("data_type").as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().findFirst().orElse("");
    try (Statement s = c.createStatement()) {
      s.execute("COMMENT ON TABLE marts." + stage + " IS '" + grain.replace("'", "''") + " Exported from " + table + ".'");
      for (StructField f : spark.table(Tables.qualified(table)).schema().fields()) {
        String note = columnNote(f.name());
        if (note != null && !f.name().equals("row_hash")) {
          s.execute("COMMENT ON COLUMN marts." + stage + "." + f.name() + " IS '" + note + "'");
        }
      }
    }
  }

  /** What a column means, from its suffix (the naming convention of the lakehouse). */
  static String columnNote(String column) {
    if (column.endsWith("_inr")) {
      return "Indian rupees, exact to the paisa (numeric, 2 decimals).";
    }
    if (column.equals("month_start") || column.equals("as_of_month")) {
      return "The month, as its first day (UTC); part of the grain.";
    }
    if (column.endsWith("_date")) {
      return "A calendar day in UTC; part of the grain.";
    }
    if (column.endsWith("_growth")) {
      return "Change against the previous month as a fraction (0.1 = +10 %); null when the previous month is zero.";
    }
    if (column.endsWith("_key")) {
      return "Key to a dimension; UNKNOWN when the reference data had not arrived.";
    }
    if (column.endsWith("_id")) {
      return "Business key.";
    }
    return null;
  }

  /** Indexes go on the staging table before publishing, so the swap itself is short. */
  private void index(Connection c, String name, String stage) throws SQLException {
    int i = 0;
    try (Statement s = c.createStatement()) {
      for (String columns : EXPORTS.get("gold." + name)) {
        s.execute("CREATE INDEX " + name + "_" + (i++) + "_" + suffix + " ON marts." + stage + " (" + columns + ")");
      }
    }
  }

  /** One transaction: swap every staged table in and record the manifest. */
  private void publish(Connection c, List<String[]> staged) throws SQLException {
    if (staged.isEmpty()) {
      return;
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement();
        PreparedStatement manifest = c.prepareStatement("INSERT INTO marts.export_manifest"
            + " (mart, gold_snapshot_id, run_id, row_count, checksum) VALUES (?, ?, ?, ?, ?)")) {
      for (String[] t : staged) {
        String name = t[0];
        s.execute("DROP TABLE IF EXISTS marts." + name);
        s.execute("ALTER TABLE marts." + t[1] + " RENAME TO " + name);
        manifest.setString(1, name);
        manifest.setLong(2, Long.parseLong(t[2]));
        manifest.setString(3, runId);
        manifest.setLong(4, Long.parseLong(t[3]));
        manifest.setString(5, t[4]);
        manifest.executeUpdate();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private void dropStaging(List<String[]> staged) {
    if (staged.isEmpty()) {
      return;
    }
    try (Connection c = PostgresConnections.connect(config); Statement s = c.createStatement()) {
      for (String[] t : staged) {
        s.execute("DROP TABLE IF EXISTS marts." + t[1]);
      }
    } catch (SQLException e) {
      LOG.warn("Cannot drop the staging tables of export {}: {}", runId, e.getMessage());
    }
  }
}
