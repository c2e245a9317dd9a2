package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Setting;
import dev.lakehouse.common.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked against the
 * compose profile, the configuration loader and the versions the build uses: services, pinned
 * images, ports, environment, health, volumes and their owners, and the PostgreSQL roles its init
 * script creates (run on a real PostgreSQL server).
 */
class ComposeFileTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  /** Images whose entrypoint starts as root and owns its data directory itself. */
  static final Set<String> ROOT_RUN_IMAGES = Set.of("postgres", "minio/minio");

  static JsonNode compose;
  static JsonNode services;
  static LakehouseConfig profile;

  @BeforeAll
  static void read() throws Exception {
    compose =
        new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
    services = compose.get("services");
    profile = LakehouseConfig.load(ROOT.resolve("conf/compose.properties").toString(), Map.of());
  }

  @Test
  void everyServiceOfTheStackIsThere() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .contains(
            "volume-init",
            "kafka",
            "postgres",
            "minio",
            "iceberg-rest",
            "spark-master",
            "spark-worker",
            "airflow",
            "fraud-stream",
            "dashboards");
  }

  @Test
  void theDashboardsReadTheStacksMartsAsTheReadOnlyLoginAndArePublishedOnLoopbackOnly() {
    Map<String, String> environment = new TreeMap<>(dockerfileEnvironment());
    environment.putAll(environment(env("dashboards")));
    environment.put("LAKEHOUSE_BI_PASSWORD", "secret-from-the-environment");
    LakehouseConfig web = LakehouseConfig.load(airflowProfile(environment), Map.of(), environment);
    assertThat(web.get(Settings.POSTGRES_URL))
        .isEqualTo("jdbc:postgresql://postgres:5432/lakehouse");
    assertThat(web.get(Settings.WEB_POSTGRES_USER)).isEqualTo("lakehouse_bi");
    assertThat(web.secret(Settings.BI_PASSWORD)).hasValue("secret-from-the-environment");
    assertThat(web.boolValue(Settings.POSTGRES_EMBEDDED)).isFalse();
    assertThat(web.get(Settings.WEB_BIND_ADDRESS)).isEqualTo("0.0.0.0");
    assertThat(services.get("dashboards").get("ports").get(0).asText())
        .isEqualTo("127.0.0.1:" + web.get(Settings.WEB_PORT) + ":" + web.get(Settings.WEB_PORT));
    assertThat(services.get("dashboards").get("command").toString())
        .contains("--profile compose serve");
    // The login init-roles.sh creates, with the password the postgres service is given.
    assertThat(services.get("postgres").get("environment").get("LAKEHOUSE_BI_PASSWORD").asText())
        .contains("LAKEHOUSE_BI_PASSWORD");
  }

  @Test
  void theFraudStreamSharesItsCheckpointAndLockWithTheDagsFraudTask() {
    Map<String, String> environment = new TreeMap<>(dockerfileEnvironment());
    environment.putAll(environment(env("fraud-stream")));
    LakehouseConfig stream =
        LakehouseConfig.load(airflowProfile(environment), Map.of(), environment);
    Map<String, String> airflow = airflowEnvironment();
    LakehouseConfig dag = LakehouseConfig.load(airflowProfile(airflow), Map.of(), airflow);
    // One checkpoint: the DAG's task and the service continue the same query, never a second one.
    assertThat(stream.location(Settings.FRAUD_CHECKPOINT_DIR))
        .isEqualTo(dag.location(Settings.FRAUD_CHECKPOINT_DIR));
    assertThat(stream.get(Settings.KAFKA_BOOTSTRAP)).isEqualTo(dag.get(Settings.KAFKA_BOOTSTRAP));
    assertThat(stream.get(Settings.CATALOG_URI)).isEqualTo(dag.get(Settings.CATALOG_URI));
    String dataDir = dag.get(Settings.DATA_DIR);
    assertThat(services.get("fraud-stream").get("volumes").toString())
        .contains("lakehouse-state:" + dataDir)
        .contains("lakehouse-locks:/tmp/lakehouse-locks");
    assertThat(services.get("airflow").get("volumes").toString())
        .contains("lakehouse-state:" + dataDir)
        .contains("lakehouse-locks:/tmp/lakehouse-locks");
    // On a lake in S3 the stream locks live in the temporary directory's lakehouse-locks.
    assertThat(Path.of(dev.lakehouse.common.LakehouseSpark.lockDir(dag)).getFileName().toString())
        .isEqualTo("lakehouse-locks");
    String command = services.get("fraud-stream").get("command").toString();
    assertThat(command)
        .contains("/opt/lakehouse/jars/lakehouse-jobs.jar")
        .contains("--profile compose fraud")
        .doesNotContain("--available-now");
    for (String opt : System.getProperty("spark.jvm.opens").split(" ")) {
      assertThat(command).contains(opt);
    }
  }

  @Test
  void imagesArePinnedAndMatchTheVersionsTheJobsUse() throws Exception {
    services
        .fields()
        .forEachRemaining(
            e -> {
              String image = e.getValue().path("image").asText();
              assertThat(image)
                  .as(e.getKey() + " image")
                  .isNotBlank()
                  .contains(":")
                  .doesNotEndWith(":latest");
            });
    String kafkaClients = org.apache.kafka.common.utils.AppInfoParser.getVersion();
    String kafkaLine = kafkaClients.substring(0, kafkaClients.lastIndexOf('.'));
    assertThat(image("kafka")).startsWith("apache/kafka:" + kafkaLine + ".");
    String spark = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    assertThat(image("spark-master")).isEqualTo("apache/spark:" + spark);
    assertThat(image("spark-worker")).isEqualTo("apache/spark:" + spark);
    // Iceberg's own REST catalog image, released with the Iceberg the jobs are built with.
    assertThat(image("iceberg-rest"))
        .isEqualTo("apache/iceberg-rest-fixture:" + org.apache.iceberg.IcebergBuild.version());
    // Airflow is built from airflow/Dockerfile: pinned base, the Spark provider and a matching
    // spark-submit.
    assertThat(services.get("airflow").get("build").get("context").asText()).isEqualTo("./airflow");
    String dockerfile = Files.readString(ROOT.resolve("airflow/Dockerfile"));
    assertThat(dockerfile)
        .containsPattern("FROM apache/airflow:\\d+\\.\\d+\\.\\d+")
        .containsPattern("apache-airflow-providers-apache-spark==\\d")
        .contains("pyspark==" + spark)
        .contains("openjdk-17");
  }

  @Test
  void theAirflowImagesJavaHomeIsTheSameOnEveryArchitecture() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("airflow/Dockerfile"));
    String javaHome = dockerfileEnvironment().get("JAVA_HOME");
    assertThat(javaHome).as("JAVA_HOME of airflow/Dockerfile").isNotNull();
    // Debian's JDK directories carry the architecture: java-17-openjdk-amd64, -arm64, ...
    assertThat(javaHome).doesNotContainPattern("(?i)amd64|arm64|aarch64|x86_64|ppc64|s390x");
    // The path exists on any architecture: Debian's default-java link, or a link the build makes.
    if (!javaHome.equals("/usr/lib/jvm/default-java")) {
      assertThat(dockerfile).containsPattern("ln -s[^\\n]*" + Pattern.quote(javaHome) + "\\s");
    } else {
      assertThat(dockerfile).contains("default-jre-headless");
    }
  }

  @Test
  void publishedPortsAreTheOnesTheComposeProfileUses() {
    assertThat(ports("kafka"))
        .contains(portOf("kafka://" + profile.get(Settings.KAFKA_BOOTSTRAP)) + ":9092");
    assertThat(ports("iceberg-rest")).contains(portOf(profile.get(Settings.CATALOG_URI)) + ":8181");
    assertThat(ports("minio"))
        .contains(portOf(profile.get(Settings.CATALOG_S3_ENDPOINT)) + ":9000");
    URI pg = URI.create(profile.get(Settings.POSTGRES_URL).substring("jdbc:".length()));
    assertThat(ports("postgres")).contains(pg.getPort() + ":5432");
    assertThat(env("postgres").get("POSTGRES_DB").asText()).isEqualTo(pg.getPath().substring(1));
    assertThat(profile.get(Settings.CATALOG_TYPE)).isEqualTo("rest");
    String warehouse = profile.get(Settings.CATALOG_WAREHOUSE);
    assertThat(env("iceberg-rest").get("CATALOG_WAREHOUSE").asText()).isEqualTo(warehouse);
    assertThat(env("iceberg-rest").get("CATALOG_IO__IMPL").asText())
        .isEqualTo("org.apache.iceberg.aws.s3.S3FileIO");
    // The warehouse bucket is created before the catalog starts.
    assertThat(services.get("minio-init").get("entrypoint").asText())
        .contains("mb --ignore-existing local/" + URI.create(warehouse).getHost());
  }

  @Test
  void airflowsEnvironmentLoadsThroughTheRealLoaderAndEveryAddressIsAService() {
    Map<String, String> environment = airflowEnvironment();
    LakehouseConfig config =
        LakehouseConfig.load(airflowProfile(environment), Map.of(), environment);

    // Every LAKEHOUSE_* variable took effect.
    for (Setting s : Settings.all()) {
      if (environment.containsKey(s.environmentVariable())) {
        assertThat(config.describe().get(s.key()))
            .as(s.environmentVariable())
            .contains("environment " + s.environmentVariable());
      }
    }
    // Every address of the loaded configuration, from the environment or the profile, names a
    // service of this file and a port it listens on: localhost would be the Airflow container.
    Set<String> addresses = new TreeSet<>();
    for (Setting s : Settings.all()) {
      String value = config.get(s.key());
      if (s.key().equals(Settings.MARKET_BASE_URL)) {
        // The market-data API is on the internet, not in this file: HTTPS, not loopback.
        assertThat(value).startsWith("https://").doesNotContain("localhost");
        continue;
      }
      for (URI address : value == null ? List.<URI>of() : addressesIn(value)) {
        addresses.add(s.key());
        assertThat(services.has(address.getHost()))
            .as(s.key() + "=" + value + " names a service")
            .isTrue();
        assertThat(containerPorts(address.getHost()))
            .as(s.key() + "=" + value + ": a port its service listens on")
            .contains(address.getPort());
      }
    }
    assertThat(addresses)
        .contains(
            Settings.KAFKA_BOOTSTRAP,
            Settings.CATALOG_URI,
            Settings.CATALOG_S3_ENDPOINT,
            Settings.POSTGRES_URL);
    // spark-submit gives the master (Airflow's Spark connection); the environment does not.
    assertThat(config.describe().get(Settings.ENGINE_MASTER)).doesNotContain("environment");
    assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").asText())
        .contains(config.get(Settings.KAFKA_BOOTSTRAP))
        .contains(profile.get(Settings.KAFKA_BOOTSTRAP));
    assertThat(config.get(Settings.POSTGRES_USER)).isEqualTo("lakehouse_exporter");
    assertThat(services.get("airflow").get("volumes").toString())
        .contains("./airflow/dags:/opt/airflow/dags")
        .contains("./app/target:/opt/lakehouse/jars");
  }

  @Test
  void theLoaderCheckWouldCatchANonSettingLakehouseVariable() {
    // The variable the file used to give Airflow for the jar's path: every task exited 2.
    Map<String, String> environment = new HashMap<>(airflowEnvironment());
    environment.put("LAKEHOUSE_JOBS_JAR", "/opt/lakehouse/jars/lakehouse-jobs.jar");
    assertThatThrownBy(
            () -> LakehouseConfig.load(airflowProfile(environment), Map.of(), environment))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_JOBS_JAR");
  }

  @Test
  void secretsComeFromTheEnvironmentNeverFromTheFile() {
    services
        .fields()
        .forEachRemaining(
            s ->
                env(s.getKey())
                    .fields()
                    .forEachRemaining(
                        e -> {
                          if (e.getKey().matches(".*(PASSWORD|SECRET|HMAC_KEY|ACCESS_KEY).*")) {
                            assertThat(e.getValue().asText())
                                .as(s.getKey() + " " + e.getKey())
                                .matches("\\$\\{[A-Z_]+:\\?[^}]+}");
                          }
                        }));
  }

  @Test
  void longRunningServicesHaveHealthchecksAndDependentsWaitForThem() {
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (!isOneShot(e.getKey())) {
                assertThat(e.getValue().has("healthcheck"))
                    .as(e.getKey() + " healthcheck")
                    .isTrue();
              }
              e.getValue()
                  .path("depends_on")
                  .fields()
                  .forEachRemaining(
                      d ->
                          assertThat(d.getValue().get("condition").asText())
                              .as(e.getKey() + " -> " + d.getKey())
                              .isEqualTo(
                                  isOneShot(d.getKey())
                                      ? "service_completed_successfully"
                                      : "service_healthy"));
            });
    assertThat(services.get("airflow").get("depends_on").has("kafka")).isTrue();
    assertThat(services.get("airflow").get("depends_on").has("iceberg-rest")).isTrue();
  }

  @Test
  void healthchecksProbeTheAddressesTheServicesListenOn() {
    // The master's RPC port binds the address of SPARK_MASTER_HOST only, not localhost.
    String masterHost = env("spark-master").path("SPARK_MASTER_HOST").asText();
    assertThat(masterHost).as("SPARK_MASTER_HOST").isNotBlank();
    assertThat(masterHost)
        .isIn("spark-master", services.get("spark-master").path("hostname").asText());
    String masterCheck = healthcheck("spark-master");
    assertThat(masterCheck)
        .contains("/dev/tcp/" + masterHost + "/7077")
        .doesNotContain("/dev/tcp/localhost/")
        .doesNotContain("/dev/tcp/127.0.0.1/");
    assertThat(services.get("spark-worker").get("command").asText())
        .endsWith(" spark://" + masterHost + ":7077");
    // The REST catalog's image has curl (its own HEALTHCHECK uses it); the server binds every
    // address, on the port the compose profile's catalog URI uses.
    assertThat(healthcheck("iceberg-rest"))
        .contains("http://localhost:" + containerPortOf("iceberg-rest", 8181) + "/v1/config");
  }

  @Test
  void stateLivesInDeclaredNamedVolumes() {
    Set<String> declared = new TreeSet<>();
    compose.get("volumes").fieldNames().forEachRemaining(declared::add);
    Set<String> used = new TreeSet<>();
    services.fields().forEachRemaining(e -> used.addAll(namedVolumes(e.getKey()).keySet()));
    assertThat(used).isEqualTo(declared);
    for (String stateful : new String[] {"kafka", "postgres", "minio", "iceberg-rest"}) {
      assertThat(namedVolumes(stateful)).as(stateful).isNotEmpty();
    }
  }

  @Test
  void volumesWrittenByNonRootServicesBelongToTheirUserBeforeTheyStart() {
    // What volume-init's command does: chown UID:GID PATH... per step.
    Map<String, String> mountOf = new HashMap<>();
    namedVolumes("volume-init").forEach((volume, path) -> mountOf.put(path, volume));
    Map<String, String> ownerOf = new HashMap<>();
    Matcher chown =
        Pattern.compile("chown (\\d+:\\d+)((?:\\s+/[\\w/.-]+)+)").matcher(command("volume-init"));
    while (chown.find()) {
      for (String path : chown.group(2).trim().split("\\s+")) {
        assertThat(mountOf).as("volume-init mounts " + path).containsKey(path);
        ownerOf.put(mountOf.get(path), chown.group(1));
      }
    }
    services
        .fields()
        .forEachRemaining(
            e -> {
              String service = e.getKey();
              Map<String, String> volumes = namedVolumes(service);
              if (service.equals("volume-init") || volumes.isEmpty()) {
                return;
              }
              String user = e.getValue().path("user").asText(null);
              if (user == null) {
                String image = image(service);
                assertThat(ROOT_RUN_IMAGES)
                    .as(service + " writes a named volume: state its user, or run as root")
                    .contains(image.substring(0, image.lastIndexOf(':')));
                return;
              }
              for (String volume : volumes.keySet()) {
                assertThat(ownerOf.get(volume))
                    .as(service + " runs as " + user + " and writes " + volume)
                    .isEqualTo(user);
              }
              assertThat(
                      e.getValue()
                          .path("depends_on")
                          .path("volume-init")
                          .path("condition")
                          .asText())
                  .as(service + " starts after volume-init")
                  .isEqualTo("service_completed_successfully");
            });
  }

  @Test
  void thePostgresInitScriptCreatesTheRolesThePipelineAndReadersUse(@TempDir Path dir)
      throws Exception {
    String script = Files.readString(ROOT.resolve("conf/postgres/init-roles.sh"));
    assertThat(services.get("postgres").get("volumes").toString())
        .contains("./conf/postgres/init-roles.sh:/docker-entrypoint-initdb.d/");
    Map<String, String> container = environment(env("postgres"));
    Matcher required = Pattern.compile("\\$\\{(\\w+):\\?").matcher(script);
    while (required.find()) {
      assertThat(container).as("postgres environment").containsKey(required.group(1));
    }
    String db = container.get("POSTGRES_DB");
    String exporter = profile.get(Settings.POSTGRES_USER);

    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + db);
      }
      try (Connection c = pg.getDatabase(container.get("POSTGRES_USER"), db).getConnection();
          Statement st = c.createStatement()) {
        st.execute(psqlInput(script, container));
        assertThat(bool(st, "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'lakehouse_reader'"))
            .isFalse();
        assertThat(bool(st, "SELECT pg_has_role('lakehouse_bi', 'lakehouse_reader', 'USAGE')"))
            .isTrue();
        // Passwords are set, from the container's environment.
        assertThat(
                single(
                    st,
                    "SELECT count(*) FROM pg_authid WHERE rolpassword IS NOT NULL AND rolname IN ('"
                        + exporter
                        + "', 'lakehouse_bi')"))
            .isEqualTo("2");
        assertThat(
                bool(
                    st,
                    "SELECT has_database_privilege('"
                        + exporter
                        + "', current_database(), 'CREATE')"))
            .as("the exporter needs no CREATE on the database")
            .isFalse();
      }
      // The exporter publishes a versioned table and the stable view over it, in schemas it owns.
      try (Connection c = pg.getDatabase(exporter, db).getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE marts_data.dim_merchant_v7 (merchant_id text, is_active boolean)");
        st.execute("INSERT INTO marts_data.dim_merchant_v7 VALUES ('M001', true)");
        st.execute("CREATE VIEW marts.dim_merchant AS SELECT * FROM marts_data.dim_merchant_v7");
        // PostgreSQL checks CREATE on the database before IF NOT EXISTS: the export must skip it.
        assertThatThrownBy(() -> st.execute("CREATE SCHEMA IF NOT EXISTS marts"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
      }
      // The BI login reads the views, in read-only sessions, and nothing behind them.
      try (Connection c = pg.getDatabase("lakehouse_bi", db).getConnection();
          Statement st = c.createStatement()) {
        assertThat(single(st, "SHOW default_transaction_read_only")).isEqualTo("on");
        assertThat(single(st, "SELECT merchant_id FROM marts.dim_merchant")).isEqualTo("M001");
        assertThatThrownBy(() -> st.executeQuery("SELECT * FROM marts_data.dim_merchant_v7"))
            .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> st.execute("CREATE TABLE marts.notes (note text)"))
            .isInstanceOf(SQLException.class);
      }
      assertThatThrownBy(() -> pg.getDatabase("lakehouse_reader", db).getConnection().close())
          .hasMessageContaining("not permitted to log in");
    }
  }

  /**
   * The SQL the script feeds to psql, with psql's variables (set by {@code -v name="$VAR"})
   * replaced by the container's environment as psql does: {@code :'name'} a quoted literal, {@code
   * :"name"} a quoted identifier.
   */
  private static String psqlInput(String script, Map<String, String> environment) {
    Matcher heredoc = Pattern.compile("<<'SQL'\\n(.*?)\\nSQL\\n", Pattern.DOTALL).matcher(script);
    assertThat(heredoc.find()).as("the script's <<'SQL' block").isTrue();
    String sql = heredoc.group(1);
    Matcher variable = Pattern.compile("-v (\\w+)=\"\\$(\\w+)\"").matcher(script);
    while (variable.find()) {
      String value = environment.get(variable.group(2));
      assertThat(value).as(variable.group(2)).isNotNull();
      sql = sql.replace(":'" + variable.group(1) + "'", "'" + value.replace("'", "''") + "'");
      sql = sql.replace(":\"" + variable.group(1) + "\"", '"' + value.replace("\"", "\"\"") + '"');
    }
    assertThat(sql).as("psql variables without a value").doesNotContainPattern(":['\"]\\w+['\"]");
    return sql;
  }

  private static boolean bool(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getBoolean(1);
    }
  }

  private static String single(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }

  /**
   * The environment the Spark driver of a task inherits: the Airflow image's ENV lines and the
   * service's environment, with ${VAR:?...} secrets given stand-in values.
   */
  static Map<String, String> airflowEnvironment() {
    Map<String, String> out = new TreeMap<>(dockerfileEnvironment());
    out.putAll(environment(env("airflow")));
    return out;
  }

  private static String airflowProfile(Map<String, String> environment) {
    return ROOT.resolve("conf/" + environment.get("LAKEHOUSE_PROFILE") + ".properties").toString();
  }

  private static Map<String, String> dockerfileEnvironment() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      Matcher m =
          Pattern.compile("(?m)^ENV\\s+(\\w+)=(\\S+)\\s*$")
              .matcher(Files.readString(ROOT.resolve("airflow/Dockerfile")));
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    } catch (java.io.IOException e) {
      throw new AssertionError("Cannot read airflow/Dockerfile", e);
    }
    return out;
  }

  /** A service's environment as Compose passes it: ${VAR:-default} and ${VAR:?message} resolved. */
  static Map<String, String> environment(JsonNode environment) {
    Pattern reference = Pattern.compile("\\$\\{(\\w+)(?::?([-?])([^}]*))?}");
    Map<String, String> out = new TreeMap<>();
    environment
        .fields()
        .forEachRemaining(
            e -> {
              Matcher m = reference.matcher(e.getValue().asText());
              StringBuilder value = new StringBuilder();
              while (m.find()) {
                String replacement =
                    "-".equals(m.group(2)) ? m.group(3) : "stand-in-" + m.group(1).toLowerCase();
                m.appendReplacement(value, Matcher.quoteReplacement(replacement));
              }
              m.appendTail(value);
              out.put(e.getKey(), value.toString().replace("$$", "$"));
            });
    return out;
  }

  /**
   * The network addresses in a setting's value: an HTTP or JDBC URL's host and port, or a host:port
   * list. Storage locations (s3://bucket/...) are not addresses.
   */
  private static List<URI> addressesIn(String value) {
    String v = value.startsWith("jdbc:") ? value.substring("jdbc:".length()) : value;
    List<URI> out = new ArrayList<>();
    if (v.matches("(https?|postgresql)://[^/]+.*")) {
      out.add(URI.create(v));
    } else if (v.matches("[\\w.-]+:\\d+(,[\\w.-]+:\\d+)*")) {
      for (String hostPort : v.split(",")) {
        out.add(URI.create("tcp://" + hostPort));
      }
    }
    return out;
  }

  /** Ports a service listens on inside the network: published ports and Kafka's listeners. */
  private static Set<Integer> containerPorts(String service) {
    Set<Integer> out = new TreeSet<>();
    for (String p : ports(service)) {
      out.add(Integer.parseInt(p.substring(p.lastIndexOf(':') + 1)));
    }
    Matcher listener =
        Pattern.compile("://[^:,]*:(\\d+)").matcher(env(service).path("KAFKA_LISTENERS").asText());
    while (listener.find()) {
      out.add(Integer.parseInt(listener.group(1)));
    }
    return out;
  }

  private static int containerPortOf(String service, int port) {
    assertThat(containerPorts(service)).contains(port);
    return port;
  }

  private static boolean isOneShot(String service) {
    return "no".equals(services.get(service).path("restart").asText());
  }

  /** Named volumes of a service: volume name -> mount path. */
  private static Map<String, String> namedVolumes(String service) {
    Map<String, String> out = new TreeMap<>();
    services
        .get(service)
        .path("volumes")
        .forEach(
            v -> {
              String[] parts = v.asText().split(":");
              if (!parts[0].startsWith(".") && !parts[0].startsWith("/")) {
                out.put(parts[0], parts[1]);
              }
            });
    return out;
  }

  private static String command(String service) {
    JsonNode command = services.get(service).get("command");
    if (!command.isArray()) {
      return command.asText();
    }
    List<String> parts = new ArrayList<>();
    command.forEach(c -> parts.add(c.asText()));
    return String.join(" ", parts);
  }

  private static String healthcheck(String service) {
    JsonNode test = services.get(service).get("healthcheck").get("test");
    List<String> parts = new ArrayList<>();
    test.forEach(c -> parts.add(c.asText()));
    return String.join(" ", parts);
  }

  private static String image(String service) {
    return services.get(service).get("image").asText();
  }

  private static List<String> ports(String service) {
    List<String> out = new ArrayList<>();
    services.get(service).path("ports").forEach(p -> out.add(p.asText()));
    return out;
  }

  static JsonNode env(String service) {
    return services.get(service).path("environment");
  }

  private static int portOf(String uri) {
    return URI.create(uri).getPort();
  }
}
