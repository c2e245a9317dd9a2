package dev.lakehouse.app;

import static dev.lakehouse.app.CliRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAG, read with python3's ast (Airflow is not installed here): its shape, and every
 * task's jar, main class and arguments accepted by the real CLI with --dry-run.
 */
class AirflowDagTest {
  static final Path APP = Path.of(System.getProperty("user.dir"));
  static final Path DAG = APP.getParent().resolve("airflow/dags/lakehouse_daily.py");
  static final String LOGICAL_DATE = "2026-11-01";
  static JsonNode dag;

  @BeforeAll
  static void parse() throws Exception {
    Path script = Path.of(AirflowDagTest.class.getResource("/dag_tasks.py").toURI());
    Process p =
        new ProcessBuilder("python3", script.toString(), DAG.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    dag = new ObjectMapper().readTree(output);
    assertThat(dag.get("problems"))
        .as("parts of the DAG file the checker could not read")
        .isEmpty();
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
        .containsExactly("drain_stream", "silver", "dq_gate", "gold", "export", "maintain");
    List<String> edges = new ArrayList<>();
    dag.get("edges").forEach(e -> edges.add(e.get(0).asText() + ">>" + e.get(1).asText()));
    assertThat(edges)
        .containsExactly(
            "drain_stream>>silver",
            "silver>>dq_gate",
            "dq_gate>>gold",
            "gold>>export",
            "export>>maintain");
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
    for (String task : new String[] {"silver", "dq_gate", "gold", "maintain"}) {
      assertThat(String.join(" ", rendered(task(task)))).contains("--date " + LOGICAL_DATE);
    }
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
