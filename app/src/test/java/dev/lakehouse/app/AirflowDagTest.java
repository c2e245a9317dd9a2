package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakehouse.common.LakehouseConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAG, read with python3's ast (Airflow is not installed here): its shape, every task's
 * jar, main class and arguments accepted by the real CLI with --dry-run, the Spark master its
 * connection resolves to, its waits on the previous date and its failure callback.
 */
class AirflowDagTest {
  static final Path APP = Path.of(System.getProperty("user.dir"));
  static final Path DAG = APP.getParent().resolve("airflow/dags/lakehouse_daily.py");
  static final String LOGICAL_DATE = "2026-11-01";
  static JsonNode dag;
  static JsonNode composeServices;
  static JsonNode airflowService;

  @BeforeAll
  static void parse() throws Exception {
    dag = new ObjectMapper().readTree(python("/dag_tasks.py", DAG.toString()));
    assertThat(dag.get("problems"))
        .as("parts of the DAG file the checker could not read")
        .isEmpty();
    composeServices =
        new ObjectMapper(new YAMLFactory())
            .readTree(APP.getParent().resolve("docker-compose.yml").toFile())
            .get("services");
    airflowService = composeServices.get("airflow");
  }

  @Test
  void theDagRunsDailyWithCatchupOnTheLogicalDateAndRetries() {
    assertThat(dag.get("imports").toString())
        .contains("airflow.providers.apache.spark.operators.spark_submit.SparkSubmitOperator");
    JsonNode d = dag.get("dag");
    assertThat(d.get("schedule").asText()).isEqualTo("@daily");
    assertThat(d.get("catchup").asBoolean()).isTrue();
    assertThat(d.get("max_active_runs").asInt()).as("dates in order, one at a time").isEqualTo(1);
    assertThat(d.get("default_args").get("retries").asInt()).isGreaterThanOrEqualTo(1);
    for (JsonNode t : dag.get("tasks")) {
      JsonNode retries =
          t.get("kwargs").has("retries")
              ? t.get("kwargs").get("retries")
              : d.get("default_args").get("retries");
      assertThat(retries.asInt())
          .as(t.get("variable").asText() + " retries")
          .isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void theTasksAreTheStagesInOrder() {
    List<String> ids = new ArrayList<>();
    dag.get("tasks").forEach(t -> ids.add(t.get("kwargs").get("task_id").asText()));
    assertThat(ids)
        .containsExactly(
            "prices_fetch",
            "drain_stream",
            "fraud",
            "silver",
            "observe_silver",
            "dq_gate",
            "gold",
            "observe_gold",
            "trading_silver",
            "trading_gold",
            "export",
            "maintain");
    List<String> edges = new ArrayList<>();
    dag.get("edges").forEach(e -> edges.add(e.get(0).asText() + ">>" + e.get(1).asText()));
    assertThat(edges)
        .containsExactly(
            "prices_fetch>>drain_stream",
            "drain_stream>>silver",
            "silver>>observe_silver",
            "observe_silver>>dq_gate",
            "dq_gate>>gold",
            "gold>>observe_gold",
            "observe_gold>>export",
            "export>>maintain",
            "fraud>>export",
            "drain_stream>>trading_silver",
            "trading_silver>>trading_gold",
            "trading_gold>>export");
    // Payments do not wait for the market-data API: bronze runs whatever the fetch's outcome.
    assertThat(task("drain_stream").get("kwargs").get("trigger_rule").asText())
        .isEqualTo("all_done");
    // The scheduled fraud task defers to a continuous fraud stream instead of failing on its lock.
    assertThat(String.join(" ", rendered(task("fraud"))))
        .contains("fraud --available-now --skip-if-running");
  }

  @Test
  void everyTaskSubmitsTheBuiltJarsMainClassWithTheJavaOptionsSparkNeeds() throws Exception {
    Path jar = APP.resolve("target/lakehouse-jobs.jar");
    assertThat(jar).exists();
    String mainClass;
    try (JarFile j = new JarFile(jar.toFile())) {
      mainClass = j.getManifest().getMainAttributes().getValue("Main-Class");
      assertThat(j.getEntry(mainClass.replace('.', '/') + ".class")).isNotNull();
    }
    for (JsonNode t : dag.get("tasks")) {
      JsonNode k = t.get("kwargs");
      assertThat(t.get("operator").asText()).isEqualTo("SparkSubmitOperator");
      assertThat(Path.of(k.get("application").asText()).getFileName()).isEqualTo(jar.getFileName());
      assertThat(k.get("java_class").asText()).isEqualTo(mainClass);
      for (String opt : System.getProperty("spark.jvm.opens").split(" ")) {
        assertThat(k.get("conf").get("spark.driver.extraJavaOptions").asText()).contains(opt);
        assertThat(k.get("conf").get("spark.executor.extraJavaOptions").asText()).contains(opt);
      }
    }
  }

  @Test
  void everyTasksArgumentsAreAcceptedByTheCommandLine() {
    for (JsonNode t : dag.get("tasks")) {
      String[] args = rendered(t);
      CliRun run = CliRun.of(concat(args, "--dry-run"));
      assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.out() + run.err()).isZero();
      assertThat(run.out()).contains("nothing was run (--dry-run)");
    }
    // The dated stages use the logical date.
    for (String task :
        new String[] {
          "silver",
          "observe_silver",
          "dq_gate",
          "gold",
          "observe_gold",
          "maintain",
          "trading_silver",
          "trading_gold"
        }) {
      assertThat(String.join(" ", rendered(task(task)))).contains("--date " + LOGICAL_DATE);
    }
  }

  @Test
  void theJarIsWhereTheComposeFileMountsTheBuildAndNoJobsVariableIsInvented() {
    // docker-compose.yml mounts app/target into the Airflow container; the DAG submits from there.
    String mount = null;
    for (JsonNode v : airflowService.get("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts[0].equals("./app/target")) {
        mount = parts[1];
      }
    }
    assertThat(mount).as("the Airflow service mounts ./app/target").isNotNull();
    for (JsonNode t : dag.get("tasks")) {
      assertThat(Path.of(t.get("kwargs").get("application").asText()).getParent())
          .isEqualTo(Path.of(mount));
    }
    // The Spark driver inherits Airflow's environment: any LAKEHOUSE_* variable the DAG reads must
    // be one the jobs' configuration loader accepts.
    Map<String, String> environment = new HashMap<>();
    for (JsonNode e : dag.get("environment")) {
      if (e.get("name").asText().startsWith("LAKEHOUSE_")) {
        environment.put(e.get("name").asText(), e.get("default").asText());
      }
    }
    LakehouseConfig.load(
        APP.getParent().resolve("conf/compose.properties").toString(), Map.of(), environment);
  }

  @Test
  void theSparkConnectionGivesSparkSubmitTheStandaloneMastersUrl() throws Exception {
    // The worker registers with this master; Airflow's tasks must submit to the same one.
    String command = composeServices.get("spark-worker").get("command").asText();
    String workerMaster = command.substring(command.lastIndexOf(' ') + 1);
    assertThat(workerMaster).startsWith("spark://");
    for (JsonNode t : dag.get("tasks")) {
      String variable =
          "AIRFLOW_CONN_" + t.get("kwargs").get("conn_id").asText().toUpperCase(Locale.ROOT);
      JsonNode connection = airflowService.get("environment").get(variable);
      assertThat(connection).as(variable + " of the Airflow service").isNotNull();
      JsonNode resolved = sparkConnection(connection.asText()).get("resolved");
      assertThat(resolved.get("master").asText())
          .as(t.get("variable").asText() + " --master")
          .isEqualTo(workerMaster);
      assertThat(resolved.get("deploy_mode").asText()).isEqualTo("client");
    }
  }

  @Test
  void theMasterCheckReproducesTheProvidersKnownUriBug() throws Exception {
    // The value the compose file had, and the rows "before" of apache/airflow#61528.
    assertThat(
            sparkConnection("spark://spark-master:7077?deploy-mode=client")
                .get("resolved")
                .get("master")
                .asText())
        .isEqualTo("spark-master:7077");
    assertThat(sparkConnection("k8s://https://k8s-host:443").get("resolved").get("master").asText())
        .isEqualTo("https://k8s-host:443");
  }

  @Test
  void goldAndExportWaitForThePreviousDate() {
    JsonNode defaults = dag.get("dag").get("default_args");
    JsonNode gold = task("gold").get("kwargs");
    JsonNode export = task("export").get("kwargs");
    assertThat(flag(gold, defaults, "depends_on_past")).as("gold depends_on_past").isTrue();
    assertThat(flag(gold, defaults, "wait_for_downstream"))
        .as("gold also waits for the previous date's export")
        .isTrue();
    assertThat(flag(export, defaults, "depends_on_past")).as("export depends_on_past").isTrue();
    // One date at a time, so a date waiting on its predecessor holds the dates after it.
    assertThat(dag.get("dag").get("max_active_runs").asInt()).isEqualTo(1);
  }

  @Test
  void aFailedTaskLogsOneLineNamingTheDagTaskDateAndLog() {
    JsonNode stub = dag.get("stub_context");
    for (JsonNode t : dag.get("tasks")) {
      JsonNode callback =
          t.get("kwargs").has("on_failure_callback")
              ? t.get("kwargs").get("on_failure_callback")
              : dag.get("dag").get("default_args").get("on_failure_callback");
      assertThat(callback).as(t.get("variable").asText() + " on_failure_callback").isNotNull();
      assertThat(callback.has("function")).as(callback.toString()).isTrue();
    }
    assertThat(dag.get("callbacks")).isNotEmpty();
    dag.get("callbacks")
        .fields()
        .forEachRemaining(
            c -> {
              assertThat(c.getValue().get("error").isNull())
                  .as(c.getKey() + " raised " + c.getValue().get("error"))
                  .isTrue();
              String output = c.getValue().get("output").asText();
              assertThat(output.strip()).as(c.getKey()).doesNotContain("\n");
              assertThat(output)
                  .contains(stub.get("dag_id").asText())
                  .contains(stub.get("task_id").asText())
                  .contains(stub.get("ds").asText())
                  .contains(stub.get("log_url").asText());
            });
  }

  @Test
  void theCheckWouldCatchAMisspelledOption() {
    String[] args = rendered(task("silver"));
    for (int i = 0; i < args.length; i++) {
      args[i] = args[i].equals("--date") ? "--day" : args[i];
    }
    CliRun run = CliRun.of(concat(args, "--dry-run"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--day");
  }

  private static boolean flag(JsonNode kwargs, JsonNode defaults, String name) {
    return (kwargs.has(name) ? kwargs.get(name) : defaults.path(name)).asBoolean(false);
  }

  /** What Airflow 2.10 with the Spark provider 5.0.0 makes of a connection value (see script). */
  private static JsonNode sparkConnection(String value) throws Exception {
    return new ObjectMapper().readTree(python("/spark_connection.py", value));
  }

  /** Runs a python3 script of the test resources; returns its stdout, failing on an error. */
  private static String python(String resource, String argument) throws Exception {
    Path script = Path.of(AirflowDagTest.class.getResource(resource).toURI());
    Path errors = Files.createTempFile("python", ".err");
    try {
      Process p =
          new ProcessBuilder("python3", script.toString(), argument)
              .redirectError(errors.toFile())
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(resource + ": " + Files.readString(errors)).isZero();
      return output;
    } finally {
      Files.delete(errors);
    }
  }

  private static JsonNode task(String id) {
    for (JsonNode t : dag.get("tasks")) {
      if (t.get("kwargs").get("task_id").asText().equals(id)) {
        return t;
      }
    }
    throw new AssertionError("no task " + id);
  }

  /**
   * The task's application_args with Airflow's {{ ds }} rendered; any other template fails the
   * test.
   */
  private static String[] rendered(JsonNode task) {
    List<String> args = new ArrayList<>();
    for (JsonNode a : task.get("kwargs").get("application_args")) {
      String s = a.asText().replace("{{ ds }}", LOGICAL_DATE);
      assertThat(s).as("unrendered template in " + task.get("variable")).doesNotContain("{{");
      args.add(s);
    }
    return args.toArray(new String[0]);
  }
}
