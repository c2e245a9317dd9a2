package dev.lakehouse.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.to_date;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.bronze.BronzeResult;
import dev.lakehouse.bronze.BronzeSchemas;
import dev.lakehouse.bronze.BronzeStream;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Settings;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.KafkaTopics;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.export.PostgresConnections;
import dev.lakehouse.export.PostgresExporter;
import dev.lakehouse.gold.GoldJob;
import dev.lakehouse.ingest.EventGenerator;
import dev.lakehouse.ingest.EventProducer;
import dev.lakehouse.ingest.GeneratorOptions;
import dev.lakehouse.services.EmbeddedServices;
import dev.lakehouse.silver.SilverJob;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.postgresql.PGConnection;

/**
 * One benchmark measurement in its own JVM (started by {@code lakehouse bench}), so that its time,
 * CPU and peak memory are its own. Prints one line {@code BENCH-RESULT <json>} on stdout.
 */
public final class BenchProbe {
  static final String RESULT_PREFIX = "BENCH-RESULT ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchProbe() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> p = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      p.put(kv[0], kv[1]);
    }
    Map<String, Object> result =
        switch (args[0]) {
          case "kafka-fetch" -> kafkaConsumer(p, false);
          case "kafka-consumer" -> kafkaConsumer(p, true);
          case "spark-parquet" -> sparkParquet(p);
          case "bronze" -> bronze(p);
          case "silver" -> silver(p);
          case "daily" -> daily(p);
          case "export" -> export(p);
          case "export-large" -> exportLarge(p);
          default -> throw new IllegalArgumentException("Unknown probe " + args[0]);
        };
    System.out.println(RESULT_PREFIX + JSON.writeValueAsString(result));
    System.out.flush();
    System.exit(0);
  }

  static LakehouseConfig config(Map<String, String> p, Map<String, String> extra) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(Settings.DATA_DIR, p.get("dir"));
    if (p.containsKey("bootstrap")) {
      conf.put(Settings.KAFKA_BOOTSTRAP, p.get("bootstrap"));
    }
    conf.putAll(extra);
    return LakehouseConfig.load("local", conf);
  }

  /** Process CPU seconds so far (all threads). */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  static Map<String, Object> measured(long events, long t0, double cpu0) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("events", events);
    m.put("seconds", (System.nanoTime() - t0) / 1e9);
    m.put("cpu_seconds", cpuSeconds() - cpu0);
    return m;
  }

  /**
   * The limit: one plain KafkaConsumer reading every message and, with {@code parse}, parsing its
   * JSON (without: the cost of fetching alone, the first part of bronze's CPU breakdown).
   */
  static Map<String, Object> kafkaConsumer(Map<String, String> p, boolean parse) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, p.get("bootstrap"));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
    long t0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    long events = 0;
    long unparseable = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : Topic.names()) {
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          events++;
          if (!parse) {
            continue;
          }
          try {
            JSON.readTree(r.value());
          } catch (Exception e) {
            unparseable++;
          }
        }
      }
    }
    Map<String, Object> m = measured(events, t0, cpu0);
    m.put("unparseable", unparseable);
    return m;
  }

  /**
   * The baseline a user would write: one Structured Streaming query per topic, JSON to Parquet by
   * date.
   */
  static Map<String, Object> sparkParquet(Map<String, String> p) throws Exception {
    LakehouseConfig config = config(p, Map.of());
    SparkSession spark = LakehouseSpark.session(config, "bench-parquet");
    Path dir = Path.of(p.get("dir"));
    long t0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    List<StreamingQuery> queries = new ArrayList<>();
    for (String topic : Topic.names()) {
      String time = Topic.of(topic).eventTimeColumn();
      Dataset<Row> parsed =
          spark
              .readStream()
              .format("kafka")
              .option("kafka.bootstrap.servers", p.get("bootstrap"))
              .option("subscribe", topic)
              .option("startingOffsets", "earliest")
              .option("maxOffsetsPerTrigger", config.get(Settings.BRONZE_MAX_EVENTS_PER_BATCH))
              .load()
              .select(
                  from_json(col("value").cast("string"), BronzeSchemas.contractStruct(topic))
                      .as("r"),
                  col("partition"),
                  col("offset"))
              .select("r.*", "partition", "offset")
              .withColumn("event_date", to_date(col(time)));
      queries.add(
          parsed
              .writeStream()
              .format("parquet")
              .option("path", dir.resolve("parquet").resolve(topic).toString())
              .option("checkpointLocation", dir.resolve("checkpoints").resolve(topic).toString())
              .partitionBy("event_date")
              .trigger(Trigger.AvailableNow())
              .start());
    }
    long events = 0;
    for (StreamingQuery q : queries) {
      q.awaitTermination();
      for (StreamingQueryProgress progress : q.recentProgress()) {
        events += progress.numInputRows();
      }
    }
    Map<String, Object> m = measured(events, t0, cpu0);
    spark.stop();
    return m;
  }

  /** Our bronze stream, draining the same messages. */
  static Map<String, Object> bronze(Map<String, String> p) {
    LakehouseConfig config = config(p, Map.of());
    SparkSession spark = LakehouseSpark.session(config, "bench-bronze");
    long t0 = System.nanoTime();
    double cpu0 = cpuSeconds();
    BronzeResult r = BronzeStream.run(spark, config, new BronzeStream.Options(true, false));
    Map<String, Object> m = measured(r.consumed(), t0, cpu0);
    m.put("batches", r.batches());
    spark.stop();
    return m;
  }

  /**
   * The daily path against its floor, and a backfill against the daily path, on one lake: {@code
   * days} days at {@code per-day} transactions a day are generated and drained into bronze; every
   * date but the last is built in one silver backfill and one gold range run (timed: the backfill);
   * then, {@code repeats} times after a warm-up and each time from the same snapshots (rolled
   * back), the last date's daily silver and gold runs (timed together: the daily run) and the
   * floor, a bare Spark job that reads the same window of bronze and writes it back to an Iceberg
   * table. The JVM is warm for every timed run; its start-up is excluded.
   */
  static Map<String, Object> daily(Map<String, String> p) {
    int days = Integer.parseInt(p.get("days"));
    int perDay = Integer.parseInt(p.get("per-day"));
    int repeats = Integer.parseInt(p.get("repeats"));
    LocalDate end = LocalDate.parse(p.get("end"));
    LakehouseConfig config = config(p, Map.of());
    SparkSession spark = loadBronze(config, days, perDay, end);
    LocalDate first = end.minusDays(days - 1L);
    Map<String, Object> m = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    SilverJob.run(spark, config, SilverJob.Request.backfill(first, end.minusDays(1), false));
    GoldJob.runRange(spark, config, first, end.minusDays(1));
    m.put("backfill_seconds", (System.nanoTime() - t0) / 1e9);
    m.put("backfill_days", days - 1);
    Map<String, Long> baseline = snapshots(spark, "silver", "gold", "ops");
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    LocalDate windowStart = end.minusDays(lookback);
    List<Double> dailySeconds = new ArrayList<>();
    List<Double> floorSeconds = new ArrayList<>();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + Tables.CATALOG + ".bench");
    long windowRows = 0;
    for (int i = 0; i <= repeats; i++) {
      rollback(spark, baseline);
      long d0 = System.nanoTime();
      SilverJob.run(spark, config, SilverJob.Request.daily(end, lookback, true));
      GoldJob.runDaily(spark, config, end, true);
      double daily = (System.nanoTime() - d0) / 1e9;
      long f0 = System.nanoTime();
      windowRows = floor(spark, windowStart, end);
      double floor = (System.nanoTime() - f0) / 1e9;
      if (i > 0) {
        dailySeconds.add(daily);
        floorSeconds.add(floor);
      }
    }
    rollback(spark, baseline);
    m.put("daily_seconds", dailySeconds);
    m.put("floor_seconds", floorSeconds);
    m.put("window_rows", windowRows);
    m.put("silver_transactions", spark.table(Tables.qualified(Tables.SILVER_TRANSACTIONS)).count());
    spark.stop();
    return m;
  }

  /**
   * Generates {@code days * perDay} transactions over {@code days} days ending {@code end} into
   * Kafka (an embedded broker unless one answers at the configured address) and drains them into
   * bronze; returns the session.
   */
  private static SparkSession loadBronze(
      LakehouseConfig config, int days, int perDay, LocalDate end) {
    Optional<? extends AutoCloseable> broker =
        KafkaTopics.reachable(config.get(Settings.KAFKA_BOOTSTRAP))
            ? Optional.empty()
            : Optional.of(EmbeddedServices.startKafka(config));
    EventGenerator generator =
        new EventGenerator(GeneratorOptions.from(config, (long) days * perDay, days, 42L, end));
    generator.plan();
    KafkaTopics.ensureTopics(
        config.get(Settings.KAFKA_BOOTSTRAP), config.intValue(Settings.KAFKA_PARTITIONS));
    try (EventProducer producer = new EventProducer(config.get(Settings.KAFKA_BOOTSTRAP))) {
      producer.sendAll(generator.messages(), n -> {});
    }
    SparkSession spark = LakehouseSpark.session(config, "bench-daily");
    BronzeStream.run(spark, config, new BronzeStream.Options(true, false));
    closeQuietly(broker);
    return spark;
  }

  /**
   * The floor of a daily run: read the window's bronze transactions and write them back to an
   * Iceberg table, nothing else. Returns the rows written.
   */
  static long floor(SparkSession spark, LocalDate from, LocalDate to) {
    String time = Topic.TRANSACTIONS.eventTimeColumn();
    Dataset<Row> window =
        spark
            .table(Tables.qualified(Tables.BRONZE_TRANSACTIONS))
            .filter(
                col(time)
                    .geq(java.sql.Timestamp.valueOf(from.atStartOfDay()))
                    .and(col(time).lt(java.sql.Timestamp.valueOf(to.plusDays(1).atStartOfDay()))));
    try {
      window.writeTo(Tables.CATALOG + ".bench.floor").using("iceberg").createOrReplace();
    } catch (Exception e) {
      throw new IllegalStateException("The floor job failed: " + e.getMessage(), e);
    }
    return spark.table(Tables.CATALOG + ".bench.floor").count();
  }

  /** The current snapshot of every table in these namespaces, by name (namespace.table). */
  static Map<String, Long> snapshots(SparkSession spark, String... namespaces) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String ns : namespaces) {
      for (Row r : spark.sql("SHOW TABLES IN " + Tables.CATALOG + "." + ns).collectAsList()) {
        String table = ns + "." + r.getString(1);
        m.put(table, LakehouseSpark.currentSnapshotId(spark, table));
      }
    }
    return m;
  }

  static final String[] SILVER_TABLES = {
    Tables.SILVER_TRANSACTIONS,
    Tables.SILVER_CUSTOMERS,
    Tables.SILVER_ACCOUNTS,
    Tables.SILVER_MERCHANTS,
    Tables.SILVER_QUARANTINE,
    Tables.OPS_LATE_ARRIVALS
  };

  /**
   * Builds `days` days of history at `per-day` transactions a day (generate, bronze, a backfill of
   * every day but the last), then times the daily run of the last day (its MERGE has the window's
   * dates as literals) and the unpruned baseline (silver's plan for the same day, MERGEd without
   * them); each timed run starts from the same snapshots (rolled back), after one warm-up.
   */
  static Map<String, Object> silver(Map<String, String> p) {
    int days = Integer.parseInt(p.get("days"));
    int perDay = Integer.parseInt(p.get("per-day"));
    int repeats = Integer.parseInt(p.get("repeats"));
    LocalDate end = LocalDate.parse(p.get("end"));
    LakehouseConfig config = config(p, Map.of());
    SparkSession spark = loadBronze(config, days, perDay, end);
    SilverJob.run(
        spark,
        config,
        SilverJob.Request.backfill(end.minusDays(days - 1L), end.minusDays(1), false));
    Map<String, Long> baseline = new LinkedHashMap<>();
    for (String t : SILVER_TABLES) {
      baseline.put(t, LakehouseSpark.currentSnapshotId(spark, t));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("history_days", days);
    m.put(
        "silver_transactions_before",
        spark.table(Tables.qualified(Tables.SILVER_TRANSACTIONS)).count());
    int lookback = config.intValue(Settings.SILVER_LOOKBACK_DAYS);
    Map<Boolean, List<Double>> seconds = new LinkedHashMap<>();
    // Round 0 warms both variants up; the rounds alternate them so neither profits from running
    // later.
    SilverJob.Request request = SilverJob.Request.daily(end, lookback, true);
    for (int i = 0; i <= repeats; i++) {
      for (boolean pruned : new boolean[] {true, false}) {
        rollback(spark, baseline);
        long t0 = System.nanoTime();
        if (pruned) {
          SilverJob.run(spark, config, request);
        } else {
          unprunedMerge(spark, config, request);
        }
        if (i > 0) {
          seconds
              .computeIfAbsent(pruned, k -> new ArrayList<>())
              .add((System.nanoTime() - t0) / 1e9);
        }
      }
    }
    m.put("pruned_seconds", seconds.get(true));
    m.put("unpruned_seconds", seconds.get(false));
    rollback(spark, baseline);
    spark.stop();
    return m;
  }

  /**
   * The unpruned baseline: silver's transactions MERGE without the literal window predicate in its
   * ON clause, so Iceberg reads and may rewrite every partition of silver.transactions.
   */
  static final String MERGE_TRANSACTIONS_UNPRUNED =
      "MERGE INTO "
          + Tables.qualified(Tables.SILVER_TRANSACTIONS)
          + " t USING bench_silver_source s"
          + " ON t."
          + Topic.TRANSACTIONS.keyField()
          + " = s."
          + Topic.TRANSACTIONS.keyField()
          + " WHEN MATCHED AND t.row_hash <> s.row_hash THEN UPDATE SET *"
          + " WHEN NOT MATCHED THEN INSERT *";

  /**
   * MERGEs the transactions of silver's plan for the request with {@link
   * #MERGE_TRANSACTIONS_UNPRUNED}; returns {inserted, updated}, counted against the whole table
   * where silver counts in its window.
   */
  static long[] unprunedMerge(
      SparkSession spark, LakehouseConfig config, SilverJob.Request request) {
    String key = Topic.TRANSACTIONS.keyField();
    Dataset<Row> source =
        SilverJob.plan(spark, config, request)
            .transactions()
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> target = spark.table(Tables.qualified(Tables.SILVER_TRANSACTIONS));
      long inserted =
          source.join(target, source.col(key).equalTo(target.col(key)), "left_anti").count();
      long updated =
          source
              .as("s")
              .join(target.as("t"), col("s." + key).equalTo(col("t." + key)))
              .filter(col("s.row_hash").notEqual(col("t.row_hash")))
              .count();
      if (inserted + updated > 0) {
        source.createOrReplaceTempView("bench_silver_source");
        spark.sql(MERGE_TRANSACTIONS_UNPRUNED);
      }
      return new long[] {inserted, updated};
    } finally {
      source.unpersist();
    }
  }

  static void rollback(SparkSession spark, Map<String, Long> baseline) {
    baseline.forEach(
        (table, snapshot) -> {
          if (snapshot >= 0 && LakehouseSpark.currentSnapshotId(spark, table) != snapshot) {
            spark.sql(
                "CALL lakehouse.system.rollback_to_snapshot('"
                    + Tables.qualified(table)
                    + "', "
                    + snapshot
                    + ")");
          }
        });
  }

  /**
   * Exports the gold marts of the silver data set four ways, `repeats` times each after a warm-up:
   * our export (every table re-published), the COPY limit (CSV prepared in memory, COPY from one
   * connection), Spark's JDBC writer with its defaults and with a tuned batch.
   */
  static Map<String, Object> export(Map<String, String> p) throws Exception {
    int repeats = Integer.parseInt(p.get("repeats"));
    LocalDate end = LocalDate.parse(p.get("end"));
    int days = Integer.parseInt(p.get("days"));
    LakehouseConfig config = config(p, Map.of());
    Optional<AutoCloseable> pg = postgres(config);
    SparkSession spark = LakehouseSpark.session(config, "bench-export");
    try {
      GoldJob.runRange(spark, config, end.minusDays(days - 1L), end);
      // The export publishes the fraud alerts and the trading marts too, empty on this lake.
      dev.lakehouse.fraud.FraudTables.createIfMissing(spark);
      dev.lakehouse.trading.TradingGold.createIfMissing(spark, config);
      Map<String, byte[]> csv = new LinkedHashMap<>();
      long rows = 0;
      for (Map.Entry<String, String> table : PostgresExporter.exportedMarts().entrySet()) {
        StringBuilder sb = new StringBuilder();
        List<Row> all =
            spark.table(Tables.qualified(table.getKey())).drop("row_hash").collectAsList();
        for (Row r : all) {
          PostgresExporter.csvLine(r, sb);
        }
        csv.put(table.getValue(), sb.toString().getBytes(StandardCharsets.UTF_8));
        rows += all.size();
      }
      String url = config.get(Settings.POSTGRES_URL);
      Properties jdbc = new Properties();
      jdbc.setProperty("user", config.get(Settings.POSTGRES_USER));
      config.secret(Settings.POSTGRES_PASSWORD).ifPresent(pw -> jdbc.setProperty("password", pw));
      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      for (String v : new String[] {"ours", "copy", "jdbc_default", "jdbc_tuned"}) {
        seconds.put(v, new ArrayList<>());
      }
      for (int i = 0; i <= repeats; i++) {
        for (String variant : seconds.keySet()) {
          double s =
              switch (variant) {
                case "ours" -> ours(spark, config);
                case "copy" -> copy(config, csv);
                case "jdbc_default" -> sparkJdbc(spark, url, jdbc, "bench_jdbc_default", null);
                default ->
                    sparkJdbc(
                        spark,
                        url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true",
                        jdbc,
                        "bench_jdbc_tuned",
                        "10000");
              };
          if (i > 0) {
            seconds.get(variant).add(s);
          }
        }
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("tables", csv.size());
      m.put("seconds", seconds);
      return m;
    } finally {
      spark.stop();
      if (pg.isPresent()) {
        pg.get().close();
      }
    }
  }

  /**
   * One large mart against plain COPY: gold.fct_transactions of the lake in {@code dir} is
   * rewritten to {@code rows} rows (its own rows repeated under new keys), then, {@code repeats}
   * times after a warm-up, published by our export (the other marts were published before and are
   * unchanged, so it publishes this one; the health summary of runs changes with every export and
   * is published too) and COPYed from one connection as CSV prepared in memory.
   */
  static Map<String, Object> exportLarge(Map<String, String> p) throws Exception {
    int repeats = Integer.parseInt(p.get("repeats"));
    long rows = Long.parseLong(p.get("rows"));
    LakehouseConfig config = config(p, Map.of());
    Optional<AutoCloseable> pg = postgres(config);
    SparkSession spark = LakehouseSpark.session(config, "bench-export-large");
    try {
      String fct = Tables.qualified(Tables.GOLD_FCT_TRANSACTIONS);
      Dataset<Row> gold = spark.table(fct);
      long have = gold.count();
      long copies = (rows + have - 1) / have;
      String key = Topic.TRANSACTIONS.keyField();
      Column[] columns =
          java.util.Arrays.stream(gold.columns())
              .map(
                  c ->
                      c.equals(key)
                          ? org.apache
                              .spark
                              .sql
                              .functions
                              .concat(
                                  col(c), org.apache.spark.sql.functions.lit("-"), col("copy_no"))
                              .as(c)
                          : col(c))
              .toArray(Column[]::new);
      gold.crossJoin(spark.range(copies).withColumnRenamed("id", "copy_no"))
          .select(columns)
          .limit((int) rows)
          .writeTo(fct)
          .overwrite(org.apache.spark.sql.functions.lit(true));
      Dataset<Row> big = spark.table(fct).drop("row_hash");
      long written = big.count();
      PostgresExporter.export(spark, config);
      java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
      StringBuilder sb = new StringBuilder();
      java.util.Iterator<Row> it = big.toLocalIterator();
      while (it.hasNext()) {
        PostgresExporter.csvLine(it.next(), sb);
        if (sb.length() > (1 << 20)) {
          buffer.write(sb.toString().getBytes(StandardCharsets.UTF_8));
          sb.setLength(0);
        }
      }
      buffer.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      Map<String, byte[]> csv = Map.of("fct_transactions", buffer.toByteArray());
      List<Double> ours = new ArrayList<>();
      List<Double> copy = new ArrayList<>();
      List<String> published = new ArrayList<>();
      for (int i = 0; i <= repeats; i++) {
        try (Connection c = PostgresConnections.connect(config);
            Statement st = c.createStatement()) {
          st.execute("DELETE FROM marts.export_manifest WHERE mart = 'fct_transactions'");
        }
        long t0 = System.nanoTime();
        PostgresExporter.Result r = PostgresExporter.export(spark, config);
        double s = (System.nanoTime() - t0) / 1e9;
        double c = copy(config, csv);
        if (i > 0) {
          ours.add(s);
          copy.add(c);
        }
        published = List.copyOf(r.published().keySet());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", written);
      m.put("csv_bytes", buffer.size());
      m.put("published", published);
      m.put("seconds", Map.of("ours", ours, "copy", copy));
      return m;
    } finally {
      spark.stop();
      if (pg.isPresent()) {
        pg.get().close();
      }
    }
  }

  private static double ours(SparkSession spark, LakehouseConfig config) throws Exception {
    try (Connection c = PostgresConnections.connect(config);
        Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS marts");
      st.execute(
          "DROP TABLE IF EXISTS marts.export_manifest"); // so that every table is published again
    }
    long t0 = System.nanoTime();
    PostgresExporter.export(spark, config);
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double copy(LakehouseConfig config, Map<String, byte[]> csv) throws Exception {
    try (Connection c = PostgresConnections.connect(config)) {
      c.setAutoCommit(false);
      long t0 = System.nanoTime();
      try (Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS bench_copy CASCADE");
        st.execute("CREATE SCHEMA bench_copy");
        for (String mart : csv.keySet()) {
          st.execute("CREATE TABLE bench_copy." + mart + " (LIKE marts." + mart + ")");
        }
      }
      var api = c.unwrap(PGConnection.class).getCopyAPI();
      for (Map.Entry<String, byte[]> e : csv.entrySet()) {
        String name = e.getKey();
        api.copyIn(
            "COPY bench_copy." + name + " FROM STDIN WITH (FORMAT csv)",
            new ByteArrayInputStream(e.getValue()));
      }
      c.commit();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private static double sparkJdbc(
      SparkSession spark, String url, Properties props, String schema, String batch)
      throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(url, props);
        Statement st = c.createStatement()) {
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      st.execute("CREATE SCHEMA " + schema);
    }
    long t0 = System.nanoTime();
    for (Map.Entry<String, String> table : PostgresExporter.exportedMarts().entrySet()) {
      var writer =
          spark
              .table(Tables.qualified(table.getKey()))
              .drop("row_hash")
              .write()
              .mode(SaveMode.Overwrite);
      if (batch != null) {
        writer = writer.option("batchsize", batch);
      }
      writer.jdbc(url, schema + "." + table.getValue(), props);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** An embedded PostgreSQL, unless one answers at the configured address. */
  private static Optional<AutoCloseable> postgres(LakehouseConfig config) {
    return PostgresConnections.reachable(config)
        ? Optional.empty()
        : Optional.of(EmbeddedServices.startPostgres(config));
  }

  private static void closeQuietly(Optional<? extends AutoCloseable> resource) {
    resource.ifPresent(
        r -> {
          try {
            r.close();
          } catch (Exception e) {
            System.err.println("bench: cannot close " + r + ": " + e.getMessage());
          }
        });
  }
}
