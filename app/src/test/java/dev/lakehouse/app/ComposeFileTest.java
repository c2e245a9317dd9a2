package dev.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Setting;
import dev.lakehouse.common.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked against the
 * compose profile and the versions the build uses: services, pinned images, ports, environment,
 * health, volumes.
 */
class ComposeFileTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
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
            "kafka",
            "postgres",
            "minio",
            "iceberg-rest",
            "spark-master",
            "spark-worker",
            "airflow");
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
  void theExporterRoleOfTheProfileIsCreatedByThePostgresInitScript() throws Exception {
    String script = Files.readString(ROOT.resolve("conf/postgres/init-roles.sh"));
    assertThat(script).contains("CREATE ROLE " + profile.get(Settings.POSTGRES_USER) + " LOGIN");
    assertThat(services.get("postgres").get("volumes").toString())
        .contains("./conf/postgres/init-roles.sh:/docker-entrypoint-initdb.d/");
  }

  @Test
  void airflowsLakehouseVariablesAreKnownSettingsThatPointAtTheServices() {
    JsonNode env = env("airflow");
    Set<String> known = new TreeSet<>();
    for (Setting s : Settings.all()) {
      known.add(s.environmentVariable());
    }
    env.fieldNames()
        .forEachRemaining(
            name -> {
              if (name.startsWith("LAKEHOUSE_")
                  && !name.equals("LAKEHOUSE_PROFILE")
                  && !name.equals("LAKEHOUSE_JOBS_JAR")) {
                assertThat(known).as(name + " is a configuration key").contains(name);
              }
            });
    assertThat(env.get("LAKEHOUSE_PROFILE").asText()).isEqualTo("compose");
    assertThat(env.get("LAKEHOUSE_KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:29092");
    assertThat(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").asText())
        .contains("kafka:29092")
        .contains(profile.get(Settings.KAFKA_BOOTSTRAP));
    assertThat(env.get("LAKEHOUSE_CATALOG_URI").asText()).isEqualTo("http://iceberg-rest:8181");
    assertThat(env.get("LAKEHOUSE_CATALOG_S3_ENDPOINT").asText()).isEqualTo("http://minio:9000");
    assertThat(env.get("LAKEHOUSE_POSTGRES_URL").asText())
        .isEqualTo("jdbc:postgresql://postgres:5432/lakehouse");
    assertThat(env.get("AIRFLOW_CONN_SPARK_DEFAULT").asText())
        .startsWith("spark://spark-master:7077");
    assertThat(services.get("airflow").get("volumes").toString())
        .contains("./airflow/dags:/opt/airflow/dags")
        .contains("./app/target:/opt/lakehouse/jars");
    assertThat(env.get("LAKEHOUSE_JOBS_JAR").asText())
        .startsWith("/opt/lakehouse/jars/")
        .endsWith("/lakehouse-jobs.jar");
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
              if (!e.getKey().equals("minio-init")) {
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
                              .isIn("service_healthy", "service_completed_successfully"));
            });
    assertThat(services.get("airflow").get("depends_on").has("kafka")).isTrue();
    assertThat(services.get("airflow").get("depends_on").has("iceberg-rest")).isTrue();
  }

  @Test
  void stateLivesInDeclaredNamedVolumes() {
    Set<String> declared = new TreeSet<>();
    compose.get("volumes").fieldNames().forEachRemaining(declared::add);
    Set<String> used = new TreeSet<>();
    services
        .fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .path("volumes")
                    .forEach(
                        v -> {
                          String source = v.asText().substring(0, v.asText().indexOf(':'));
                          if (!source.startsWith(".") && !source.startsWith("/")) {
                            used.add(source);
                          }
                        }));
    assertThat(used).isEqualTo(declared);
    for (String stateful : new String[] {"kafka", "postgres", "minio", "iceberg-rest"}) {
      assertThat(services.get(stateful).get("volumes").toString())
          .as(stateful)
          .containsAnyOf(declared.toArray(new String[0]));
    }
  }

  private static String image(String service) {
    return services.get(service).get("image").asText();
  }

  private static List<String> ports(String service) {
    List<String> out = new ArrayList<>();
    services.get(service).path("ports").forEach(p -> out.add(p.asText()));
    return out;
  }

  private static JsonNode env(String service) {
    return services.get(service).path("environment");
  }

  private static int portOf(String uri) {
    return URI.create(uri).getPort();
  }
}
