package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.app.ChildJvm.Submission;
import dev.lakehouse.services.EmbeddedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs jar on a real Spark cluster: a standalone master and one worker, each a JVM of its own
 * started from Spark's jars on loopback, and Iceberg's own REST catalog server in a third. Silver,
 * gold and export are submitted through SparkSubmit to spark://127.0.0.1, so their tasks run in the
 * worker's executor JVMs, not in the driver; whatever only worked inside one JVM fails here. The
 * marts they publish must equal, row for row, those of the same messages run locally.
 */
class ClusterTest {
  static final String LAST = "2026-10-20";

  /**
   * The local run's key is the public development key (embedded Kafka, local lake); the cluster's
   * comes from the environment, as it must outside development. The same value, so that keyed
   * hashes agree between the two runs.
   */
  static final String PII_KEY = "lakehouse-local-development-key-not-secret";

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static EmbeddedPostgres pg;
  static ChildJvm restCatalog;
  static ChildJvm master;
  static ChildJvm worker;
  static int restPort;
  static int masterPort;
  static Path workerDir;

  @BeforeAll
  static void startTheServices() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), "localhost", EmbeddedKafka.freePort());
    pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE cluster_run");
      st.execute("CREATE DATABASE local_run");
    }

    Path logs = dir.resolve("logs");
    restPort = EmbeddedKafka.freePort();
    restCatalog =
        ChildJvm.start(
            "rest-catalog",
            restCatalogTarget().resolve("classes")
                + File.pathSeparator
                + Files.readString(restCatalogTarget().resolve("rest-catalog-classpath.txt"))
                    .strip(),
            "org.apache.iceberg.rest.LoopbackCatalogServer",
            List.of(),
            Map.of(
                "CATALOG_REST_PORT", String.valueOf(restPort),
                "CATALOG_WAREHOUSE", dir.resolve("cluster/warehouse").toUri().toString(),
                "CATALOG_URI", "jdbc:sqlite:file:" + dir.resolve("rest-catalog.db")),
            logs);

    String sparkClasspath = ChildJvm.sparkClasspath();
    masterPort = EmbeddedKafka.freePort();
    int masterUi = EmbeddedKafka.freePort();
    Map<String, String> sparkEnv = sparkEnvironment(sparkClasspath);
    master =
        ChildJvm.start(
            "spark-master",
            sparkClasspath,
            "org.apache.spark.deploy.master.Master",
            List.of(
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(masterUi)),
            sparkEnv,
            logs);
    workerDir = dir.resolve("worker");
    worker =
        ChildJvm.start(
            "spark-worker",
            sparkClasspath,
            "org.apache.spark.deploy.worker.Worker",
            List.of(
                "--host",
                "127.0.0.1",
                "--webui-port",
                String.valueOf(EmbeddedKafka.freePort()),
                "--cores",
                "2",
                "--memory",
                "2g",
                "--work-dir",
                workerDir.toString(),
                "spark://127.0.0.1:" + masterPort),
            sparkEnv,
            logs);
    restCatalog.awaitHttp(
        "http://127.0.0.1:" + restPort + "/v1/config", body -> true, Duration.ofMinutes(2));
    master.awaitHttp(
        "http://127.0.0.1:" + masterUi + "/json/",
        body -> body.replace(" ", "").contains("\"aliveworkers\":1"),
        Duration.ofMinutes(2));

    CliRun generate =
        CliRun.of(
            concat(
                local(),
                "generate",
                "--events",
                "800",
                "--days",
                "4",
                "--seed",
                "13",
                "--end-date",
                LAST));
    assertThat(generate.exitCode()).as(generate.err()).isZero();
  }

  static Path restCatalogTarget() {
    return ChildJvm.TARGET.getParent().getParent().resolve("rest-catalog/target");
  }

  /**
   * A Spark home as a distribution lays it out (RELEASE, jars/), which the worker needs to build
   * its executors' classpath, linked to the jars the build resolved.
   */
  static Map<String, String> sparkEnvironment(String sparkClasspath) throws IOException {
    Path home = dir.resolve("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark 4.0.0 (the build's jars)\n");
    for (String entry : sparkClasspath.split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (Files.isRegularFile(jar)) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
    }
    return Map.of(
        "SPARK_HOME",
        home.toString(),
        "SPARK_SCALA_VERSION",
        "2.13",
        "SPARK_LOCAL_IP",
        "127.0.0.1",
        "JAVA_HOME",
        System.getProperty("java.home"));
  }

  @AfterAll
  static void stopTheServices() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {worker, master, restCatalog, kafka, pg}) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** The local lake: the local profile's hadoop catalog under dir/local. */
  static String[] local() {
    return new String[] {
      "--data-dir",
      dir.resolve("local").toString(),
      "--conf",
      "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
      "--conf",
      "postgres.url=jdbc:postgresql://localhost:" + pg.getPort() + "/local_run"
    };
  }

  /** The cluster's lake: the REST catalog, its warehouse where the server keeps it. */
  static String[] cluster() {
    return new String[] {
      "--data-dir",
      dir.resolve("cluster").toString(),
      "--conf",
      "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
      "--conf",
      "catalog.type=rest",
      "--conf",
      "catalog.uri=http://127.0.0.1:" + restPort,
      "--conf",
      "catalog.warehouse=" + dir.resolve("cluster/warehouse").toUri(),
      "--conf",
      "postgres.url=jdbc:postgresql://localhost:" + pg.getPort() + "/cluster_run"
    };
  }

  @Test
  void silverGoldAndExportOnTheClusterPublishTheMartsOfALocalRun() throws Exception {
    // The same messages land in both lakes; bronze runs here, the rest where it is told to.
    for (String[] lake : List.of(local(), cluster())) {
      CliRun bronze = CliRun.of(concat(lake, "bronze", "--available-now"));
      assertThat(bronze.exitCode()).as(bronze.err()).isZero();
    }
    // One run each: the generated days are exactly the last date's window (a 3-day lookback).
    List<String[]> steps =
        List.of(
            new String[] {"silver", "--date", LAST},
            new String[] {"gold", "--date", LAST},
            new String[] {"export"});
    // The cluster's submissions run in their own JVMs meanwhile the local run goes on here.
    ExecutorService submitter = Executors.newSingleThreadExecutor();
    Future<List<Submission>> onCluster =
        submitter.submit(
            () -> {
              List<Submission> done = new ArrayList<>();
              for (String[] step : steps) {
                Submission s = submit(concat(cluster(), step));
                done.add(s);
                if (s.exitCode() != 0) {
                  break;
                }
              }
              return done;
            });
    try {
      for (String[] step : steps) {
        CliRun here = CliRun.of(concat(local(), step));
        assertThat(here.exitCode()).as(step[0] + " locally: " + here.err()).isZero();
      }
      List<Submission> there = onCluster.get(15, TimeUnit.MINUTES);
      for (int i = 0; i < steps.size(); i++) {
        assertThat(there).as("submissions").hasSizeGreaterThan(i);
        assertThat(there.get(i).exitCode())
            .as(steps.get(i)[0] + " on the cluster: " + there.get(i).output())
            .isZero();
      }
    } finally {
      submitter.shutdownNow();
    }

    // The tasks ran in the worker's executors: one application directory per submission, each
    // with an executor's log.
    List<Path> executorLogs;
    try (Stream<Path> files = Files.walk(workerDir)) {
      executorLogs = files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
    }
    assertThat(executorLogs).as("executor logs under " + workerDir).hasSizeGreaterThanOrEqualTo(3);

    Map<String, List<String>> onTheCluster = marts("cluster_run");
    Map<String, List<String>> locally = marts("local_run");
    assertThat(onTheCluster.keySet()).isEqualTo(locally.keySet()).contains("monthly_kpis");
    // Revenue on each of the four days, at least.
    assertThat(locally.get("daily_revenue_summary")).hasSizeGreaterThanOrEqualTo(4);
    assertThat(locally.keySet()).contains("health_runs", "health_freshness");
    for (String table : locally.keySet()) {
      if (table.startsWith("health_")) {
        continue; // the pipeline's health names its own runs and times, which differ by nature
      }
      assertThat(onTheCluster.get(table)).as("marts." + table).isEqualTo(locally.get(table));
    }
  }

  @Test
  void aBadArgumentExitsWith2OnTheClusterToo() throws Exception {
    Submission bad = submit(concat(cluster(), "silver", "--date", "2026-13-01"));
    assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);
    assertThat(bad.output()).contains("2026-13-01");
  }

  /**
   * Every table of schema marts but the manifest (which names its exports), rows sorted; the health
   * summaries are listed but compared by name only.
   */
  static Map<String, List<String>> marts(String database) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    try (Connection c = pg.getDatabase("postgres", database).getConnection();
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet r =
          st.executeQuery(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
                  + " AND table_name <> 'export_manifest'")) {
        while (r.next()) {
          tables.add(r.getString(1));
        }
      }
      for (String table : tables) {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = st.executeQuery("SELECT * FROM marts." + table)) {
          int n = r.getMetaData().getColumnCount();
          while (r.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              row.append(r.getMetaData().getColumnName(i)).append('=').append(r.getString(i));
              row.append(i < n ? " | " : "");
            }
            rows.add(row.toString());
          }
        }
        rows.sort(null);
        out.put(table, rows);
      }
    }
    return out;
  }

  /** spark-submit --master spark://127.0.0.1:port of the jobs jar, in a JVM of its own. */
  static Submission submit(String... args) throws Exception {
    // The test JVMs' speed options (C1 only, huge pages): these JVMs live for seconds, not long
    // enough for C2 to pay.
    List<String> speed = ChildJvm.speedOptions();
    String executorJvm = String.join(" ", ChildJvm.javaOptions()) + " " + String.join(" ", speed);
    List<String> driverJvm = new java.util.ArrayList<>(List.of("-Xmx1g"));
    driverJvm.addAll(speed);
    return ChildJvm.sparkSubmit(
        driverJvm,
        List.of(
            "--master",
            "spark://127.0.0.1:" + masterPort,
            "--deploy-mode",
            "client",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.executor.memory=1g",
            "--conf",
            "spark.cores.max=2",
            "--conf",
            "spark.sql.shuffle.partitions=2",
            "--conf",
            "spark.ui.enabled=false",
            // As in the test JVMs: at test sizes generated code costs more to compile than it
            // saves. SparkSubmitTest runs the jar with Spark's defaults.
            "--conf",
            "spark.sql.codegen.wholeStage=false",
            "--conf",
            "spark.sql.codegen.factoryMode=NO_CODEGEN",
            "--conf",
            "spark.sql.adaptive.enabled=false",
            "--conf",
            "spark.executor.extraJavaOptions=" + executorJvm),
        Map.of("LAKEHOUSE_PII_HMAC_KEY", PII_KEY, "SPARK_LOCAL_IP", "127.0.0.1"),
        dir.resolve("logs"),
        args);
  }
}
