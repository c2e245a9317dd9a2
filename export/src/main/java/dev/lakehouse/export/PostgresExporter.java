package dev.lakehouse.export;

import static java.util.stream.Collectors.joining;
import static org.apache.spark.sql.functions.col;

import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.SideBySide;
import dev.lakehouse.common.Tables;
import dev.lakehouse.ops.RunLedger;
import dev.lakehouse.ops.RunRecord;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the marts and the dimensions they need to PostgreSQL. Readers query each mart under a
 * stable name, the view {@code marts.<mart>}; behind it, each export that changes the mart writes a
 * new version, a table of schema {@code marts_data} named for the run: COPY from the executors in
 * parallel, row count checked against gold, then primary key, indexes and comments, a few tables at
 * a time (export.tables-at-once), each over its own connection. One transaction then points the
 * view of every changed mart at its new version together with its row in {@code
 * marts.export_manifest}. Readers see the old or the new version, never a partial or empty one;
 * views and grants defined on {@code marts.<mart>} survive, since the view itself stays. The old
 * versions are dropped afterwards, when nothing holds them. A table whose gold snapshot was already
 * published is skipped, so re-exporting the same gold is a no-op. Every lock wait is bounded
 * ({@link LockWaits}): a publication blocked by a long query fails after a few attempts instead of
 * waiting, and queueing readers, behind it.
 */
public final class PostgresExporter {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresExporter.class);
  private static final String ROW_HASH = "row_hash";

  /** What one export did: rows per published table, the tables it left unchanged. */
  public record Result(
      String runId,
      Map<String, Long> published,
      List<String> unchanged,
      double seconds,
      long rows) {}

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final Consumer<String> beforePublish;
  private final LockWaits lockWaits;

  /** The manifest's snapshot of a health summary, which has no snapshot of its own. */
  private static final long DERIVED = -1;

  private final String runId = UUID.randomUUID().toString();
  private final String suffix = runId.substring(0, 8);

  PostgresExporter(SparkSession spark, LakehouseConfig config, Consumer<String> beforePublish) {
    this(spark, config, beforePublish, LockWaits.of(config));
  }

  PostgresExporter(
      SparkSession spark,
      LakehouseConfig config,
      Consumer<String> beforePublish,
      LockWaits lockWaits) {
    this.spark = spark;
    this.config = config;
    this.beforePublish = beforePublish;
    this.lockWaits = lockWaits;
  }

  /**
   * The lake tables the export copies as they are, in order; the health summaries, which it
   * computes by queries, are not among them.
   */
  public static List<String> exportedTables() {
    return ExportedTable.ALL.stream()
        .filter(t -> !t.isDerived())
        .map(ExportedTable::goldTable)
        .toList();
  }

  /** The mart each of {@link #exportedTables()} is published as, by lake table, in order. */
  public static Map<String, String> exportedMarts() {
    Map<String, String> m = new LinkedHashMap<>();
    ExportedTable.ALL.stream()
        .filter(t -> !t.isDerived())
        .forEach(t -> m.put(t.goldTable(), t.name()));
    return m;
  }

  public static Result export(SparkSession spark, LakehouseConfig config) {
    return new PostgresExporter(spark, config, runId -> {}).run();
  }

  /** One row as a line of PostgreSQL CSV (the COPY format of the export). */
  public static void csvLine(Row row, StringBuilder sb) {
    CsvReader.appendLine(row, sb);
  }

  /**
   * The export and its row in ops.runs: SUCCESS, NOOP when every table was already published, or
   * FAILED.
   */
  Result run() {
    Timestamp started = new Timestamp(System.currentTimeMillis());
    try {
      // The alerts are published whether or not the fraud stream has run yet (empty until then).
      dev.lakehouse.fraud.FraudTables.createIfMissing(spark);
      // So are the trading marts, empty until the first trading gold run.
      dev.lakehouse.trading.TradingGold.createIfMissing(spark, config);
      Result r = publishChanged();
      ledger(
          started,
          r.published().isEmpty() ? "NOOP" : "SUCCESS",
          r.rows(),
          r.published().size() + " tables published, " + r.unchanged().size() + " unchanged",
          null);
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
    RunLedger.append(
        spark,
        RunRecord.builder(runId, "export", "publish")
            .businessDate(LocalDate.now(ZoneOffset.UTC))
            .status(status)
            .startedAt(started)
            .counts(new RunRecord.Counts(rows, rows, 0, 0, 0))
            .message(message)
            .error(error)
            .build());
  }

  private Result publishChanged() {
    long t0 = System.nanoTime();
    List<String> unchanged = new ArrayList<>();
    List<StagedTable> staged = new ArrayList<>();
    // Named before each version is created, so a COPY or check that fails leaves no version behind.
    List<String> newVersions = Collections.synchronizedList(new ArrayList<>());
    boolean published = false;
    int dropped;
    try (Connection c = PostgresConnections.connect(config)) {
      MartsSchema marts = MartsSchema.on(c, lockWaits);
      marts.lockExports();
      marts.prepare();
      Map<String, MartsSchema.Published> publishedSnapshots = marts.publishedSnapshots();
      List<SideBySide.Work<StagedTable, SQLException>> work = new ArrayList<>();
      for (ExportedTable table : ExportedTable.ALL) {
        MartsSchema.Published last = publishedSnapshots.get(table.name());
        work.add(() -> stageIfChanged(table, last, newVersions));
      }
      // A table that fails lets the others finish, so every version created is named below.
      List<StagedTable> outcomes =
          SideBySide.all("export-stage", config.intValue(Settings.EXPORT_TABLES_AT_ONCE), work);
      for (int i = 0; i < outcomes.size(); i++) {
        if (outcomes.get(i) == null) {
          unchanged.add(ExportedTable.ALL.get(i).name());
        } else {
          staged.add(outcomes.get(i));
        }
      }
      beforePublish.accept(runId);
      marts.publish(staged, runId);
      published = true;
      dropped = marts.dropUnusedVersions(ExportedTable.ALL);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot export to PostgreSQL at "
              + config.get(Settings.POSTGRES_URL)
              + ": "
              + e.getMessage()
              + ". The previous marts are unchanged.",
          e);
    } finally {
      if (!published) {
        dropVersions(newVersions);
      }
    }
    Map<String, Long> rowsPublished = new LinkedHashMap<>();
    long rows = 0;
    for (StagedTable t : staged) {
      rowsPublished.put(t.table().name(), t.rows());
      rows += t.rows();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(
        "Export {}: {} tables published ({} rows in {} s), {} unchanged, {} old versions dropped.",
        runId,
        rowsPublished.size(),
        rows,
        String.format("%.1f", seconds),
        unchanged.size(),
        dropped);
    return new Result(runId, rowsPublished, unchanged, seconds, rows);
  }

  /**
   * The table's new version, staged over a connection of its own; null when what it would publish
   * is what its view shows already (the same gold snapshot, or a summary with the same checksum).
   */
  private StagedTable stageIfChanged(
      ExportedTable table, MartsSchema.Published last, List<String> newVersions)
      throws SQLException {
    if (table.isDerived()) {
      // A summary is small: one query, its rows held here, its checksum taken here.
      Dataset<Row> data = derived(table);
      List<Row> rows = data.collectAsList();
      Checksum checksum = Checksum.of(rows);
      if (last != null && checksum.text().equals(last.checksum())) {
        return null;
      }
      newVersions.add(table.versionName(suffix));
      try (Connection c = PostgresConnections.connect(config)) {
        return stage(
            MartsSchema.on(c, lockWaits),
            table,
            DERIVED,
            data.schema(),
            (marts, versioned) -> copyRows(marts, rows, versioned, checksum));
      }
    }
    long snapshot = LakehouseSpark.currentSnapshotId(spark, table.goldTable());
    if (last != null && last.snapshot() == snapshot) {
      return null;
    }
    newVersions.add(table.versionName(suffix));
    try (Connection c = PostgresConnections.connect(config)) {
      return stage(MartsSchema.on(c, lockWaits), table, snapshot);
    }
  }

  /**
   * Copies the table's gold snapshot into a new version, checks it against gold, and adds its
   * primary key, indexes and comments, so publishing it is only pointing its view at it.
   */
  private StagedTable stage(MartsSchema marts, ExportedTable table, long snapshot)
      throws SQLException {
    String gold = Tables.qualified(table.goldTable());
    // Every read is of the snapshot the manifest will name, even if gold moves on meanwhile.
    Dataset<Row> data =
        (snapshot < 0
                ? spark.table(gold)
                : spark.read().option("snapshot-id", snapshot).table(gold))
            .drop(ROW_HASH);
    long limit = config.longValue(Settings.EXPORT_DRIVER_COPY_ROWS);
    if (recordsAt(table.goldTable(), snapshot) <= limit) {
      // A small table: one Spark job brings its rows here, and the count and checksum are taken
      // from them, where a second job over the table would cost more than the rows themselves.
      List<Row> rows = data.collectAsList();
      Checksum checksum = Checksum.of(rows);
      return stage(
          marts,
          table,
          snapshot,
          data.schema(),
          (over, versioned) -> copyRows(over, rows, versioned, checksum));
    }
    // A large one: COPYed from the executors, its checksum taken in the same pass.
    return stage(marts, table, snapshot, data.schema(), (over, versioned) -> copy(data, versioned));
  }

  /**
   * The rows of the table's data files at a snapshot, from its summary (no Spark job); at least the
   * rows a read returns (row-level deletes are not subtracted). Long.MAX_VALUE when unknown.
   */
  private long recordsAt(String table, long snapshot) {
    if (snapshot < 0) {
      return 0;
    }
    org.apache.iceberg.Snapshot s = LakehouseSpark.icebergTable(spark, table).snapshot(snapshot);
    String total = s == null || s.summary() == null ? null : s.summary().get("total-records");
    try {
      return total == null ? Long.MAX_VALUE : Long.parseLong(total);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * How a table's rows reach its new version, created over {@code marts}' connection; returns the
   * checksum of the rows it copied.
   */
  private interface Copy {
    Checksum into(MartsSchema marts, String versioned) throws SQLException;
  }

  private StagedTable stage(
      MartsSchema marts, ExportedTable table, long snapshot, StructType schema, Copy copy)
      throws SQLException {
    String version = table.versionName(suffix);
    String versioned = MartsSql.versioned(version);
    marts.execute(MartsSql.createVersion(version, schema));
    Checksum checksum = copy.into(marts, versioned);
    long count = marts.rowCount(versioned);
    if (count != checksum.count()) {
      throw new IllegalStateException(
          "Staged "
              + count
              + " rows of "
              + table.name()
              + " but gold holds "
              + checksum.count()
              + ".");
    }
    // After COPY: building the key's index once is faster than maintaining it row by row.
    if (!table.primaryKey().isEmpty()) {
      marts.addPrimaryKey(table, suffix);
    }
    marts.execute(MartsSql.createIndexes(table, suffix));
    String grain;
    String source;
    if (table.isDerived()) {
      grain = table.derivation().grain();
      source = "a query over " + String.join(", ", table.derivation().sources());
    } else {
      grain = grain(table.goldTable());
      source = table.goldTable();
    }
    List<String> columns = Arrays.asList(schema.fieldNames());
    marts.execute(MartsSql.comments("TABLE", versioned, source, grain, columns));
    marts.execute(List.of(MartsSql.analyze(version)));
    return new StagedTable(table, version, snapshot, count, checksum, grain);
  }

  /**
   * A health summary: the union of its queries whose source table exists, cast to its declared
   * columns; empty, with those columns, while none does.
   */
  private Dataset<Row> derived(ExportedTable table) {
    ExportedTable.Derivation d = table.derivation();
    StructType schema = StructType.fromDDL(d.columnsDdl());
    List<String> available =
        d.queries().stream()
            .filter(q -> spark.catalog().tableExists(Tables.qualified(q.source())))
            .map(ExportedTable.Derivation.Query::sql)
            .toList();
    if (available.isEmpty()) {
      return spark.createDataFrame(List.of(), schema);
    }
    Dataset<Row> result =
        spark.sql(
            available.size() == 1
                ? available.get(0)
                : available.stream().map(q -> "(" + q + ")").collect(joining(" UNION ALL ")));
    // Named by position: a query's own column names may be literals ('silver.transactions').
    result = result.toDF(schema.fieldNames());
    Column[] columns = new Column[schema.fields().length];
    for (int i = 0; i < columns.length; i++) {
      StructField f = schema.fields()[i];
      columns[i] = col(f.name()).cast(f.dataType()).as(f.name());
    }
    return result.select(columns);
  }

  /**
   * A small table: its rows COPYed from the driver over the connection that stages it, which spares
   * the shuffle and the connections of a parallel COPY (most marts and every summary are small).
   */
  private static Checksum copyRows(
      MartsSchema marts, List<Row> rows, String versioned, Checksum checksum) throws SQLException {
    marts.copyIn(versioned, new CsvReader(rows.iterator()));
    return checksum;
  }

  /**
   * COPY from at most export.parallelism partitions in parallel (coalesced: no shuffle), each over
   * its own connection; the checksum of what was sent, from every partition's own.
   */
  private Checksum copy(Dataset<Row> data, String versioned) {
    String url = config.get(Settings.POSTGRES_URL);
    String user = config.get(Settings.POSTGRES_USER);
    String password = config.secret(Settings.POSTGRES_PASSWORD).orElse(null);
    int parallelism = config.intValue(Settings.EXPORT_PARALLELISM);
    org.apache.spark.util.CollectionAccumulator<Checksum> parts =
        spark.sparkContext().collectionAccumulator("export checksum of " + versioned);
    data.coalesce(parallelism)
        .foreachPartition(new CopyPartition(url, user, password, versioned, parts));
    Checksum total = new Checksum(0, BigInteger.ZERO);
    for (Checksum part : parts.value()) {
      total = total.plus(part);
    }
    return total;
  }

  /** The table's grain, as its comment in gold states it (a table property: no Spark job). */
  private String grain(String gold) {
    String comment = LakehouseSpark.icebergTable(spark, gold).properties().get("comment");
    return comment == null ? "" : comment;
  }

  /** Drops the versions a failed export created; none of them is published. */
  private void dropVersions(List<String> versions) {
    if (versions.isEmpty()) {
      return;
    }
    try (Connection c = PostgresConnections.connect(config)) {
      MartsSchema.on(c, lockWaits).execute(versions.stream().map(MartsSql::dropVersion).toList());
    } catch (SQLException e) {
      LOG.warn(
          "Cannot drop the new versions of the failed export {}: {} The next export drops them.",
          runId,
          e.getMessage());
    }
  }
}
