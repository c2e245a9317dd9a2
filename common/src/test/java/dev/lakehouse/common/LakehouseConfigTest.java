package dev.lakehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakehouseConfigTest {
  @TempDir Path dir;

  @Test
  void locationsWithASchemeStayAsGivenAndPlainPathsBecomeAbsolute() {
    for (String given :
        java.util.List.of("s3a://bucket/checkpoints/bronze", "hdfs://nn:8020/cp", "file:/tmp/cp")) {
      LakehouseConfig config =
          LakehouseConfig.load("local", Map.of(Settings.BRONZE_CHECKPOINT_DIR, given), Map.of());
      assertThat(config.location(Settings.BRONZE_CHECKPOINT_DIR)).isEqualTo(given);
    }
    LakehouseConfig relative =
        LakehouseConfig.load("local", Map.of(Settings.BRONZE_CHECKPOINT_DIR, "data/cp"), Map.of());
    assertThat(relative.location(Settings.BRONZE_CHECKPOINT_DIR))
        .isEqualTo(Path.of("data/cp").toAbsolutePath().toString());
    // The local catalog's commit locks sit next to its warehouse.
    LakehouseConfig local =
        LakehouseConfig.load("local", Map.of(Settings.DATA_DIR, "/srv/lake"), Map.of());
    assertThat(LakehouseSpark.catalogProperties(local))
        .containsEntry(
            "spark.sql.catalog.lakehouse.lock-impl", LocalFileLockManager.class.getName())
        .containsEntry(
            "spark.sql.catalog.lakehouse.lakehouse.lock-dir", "/srv/lake/locks/warehouse");
  }

  @Test
  void eachCatalogTypeGetsTheIcebergPropertiesItNeeds() {
    String p = "spark.sql.catalog.lakehouse";
    Map<String, String> hadoop =
        LakehouseSpark.catalogProperties(LakehouseConfig.load("local", Map.of(), Map.of()));
    assertThat(hadoop)
        .containsEntry(p + ".type", "hadoop")
        .doesNotContainKeys(p + ".uri", p + ".io-impl");
    assertThat(hadoop.get(p + ".warehouse")).startsWith("file:/");

    Map<String, String> rest =
        LakehouseSpark.catalogProperties(LakehouseConfig.load("compose", Map.of(), Map.of()));
    assertThat(rest)
        .containsEntry(p + ".type", "rest")
        .containsEntry(p + ".uri", "http://localhost:8181")
        .containsEntry(p + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .containsEntry(p + ".s3.endpoint", "http://localhost:9000")
        .containsEntry(p + ".warehouse", "s3://lakehouse/warehouse");

    Map<String, String> hive =
        LakehouseSpark.catalogProperties(
            LakehouseConfig.load(
                "local",
                Map.of(
                    "catalog.type",
                    "hive",
                    "catalog.uri",
                    "thrift://metastore:9083",
                    "catalog.warehouse",
                    "s3://b/w"),
                Map.of()));
    assertThat(hive)
        .containsEntry(p + ".type", "hive")
        .containsEntry(p + ".uri", "thrift://metastore:9083")
        .doesNotContainKey(p + ".io-impl");

    Map<String, String> glue =
        LakehouseSpark.catalogProperties(
            LakehouseConfig.load(
                "local",
                Map.of("catalog.type", "glue", "catalog.warehouse", "s3://b/w"),
                Map.of()));
    assertThat(glue)
        .containsEntry(p + ".catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog")
        .containsEntry(p + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        .doesNotContainKeys(p + ".type", p + ".uri");

    assertThatThrownBy(
            () -> LakehouseConfig.load("local", Map.of("catalog.type", "nessie"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("catalog.type");
  }

  @Test
  void commandLineBeatsEnvironmentBeatsProfileBeatsDefault() {
    // bronze.trigger-seconds: profile says 60; environment 30; command line 5.
    LakehouseConfig fromProfile = LakehouseConfig.load("local", Map.of(), Map.of());
    assertThat(fromProfile.intValue(Settings.BRONZE_TRIGGER_SECONDS)).isEqualTo(60);
    assertThat(fromProfile.get(Settings.BRONZE_MAX_MESSAGE_KB)).isEqualTo("64"); // built-in default

    Map<String, String> env = Map.of("LAKEHOUSE_BRONZE_TRIGGER_SECONDS", "30");
    assertThat(
            LakehouseConfig.load("local", Map.of(), env).intValue(Settings.BRONZE_TRIGGER_SECONDS))
        .isEqualTo(30);

    LakehouseConfig cli =
        LakehouseConfig.load("local", Map.of(Settings.BRONZE_TRIGGER_SECONDS, "5"), env);
    assertThat(cli.intValue(Settings.BRONZE_TRIGGER_SECONDS)).isEqualTo(5);
  }

  @Test
  void dataDirIsSubstitutedIntoPaths() {
    LakehouseConfig c =
        LakehouseConfig.load("local", Map.of(Settings.DATA_DIR, dir.toString()), Map.of());
    assertThat(c.get(Settings.CATALOG_WAREHOUSE)).isEqualTo(dir.resolve("warehouse").toString());
    assertThat(c.get(Settings.BRONZE_CHECKPOINT_DIR))
        .isEqualTo(dir.resolve("checkpoints/bronze").toString());
  }

  @Test
  void unknownKeyOnCommandLineIsRejectedByName() {
    assertThatThrownBy(
            () -> LakehouseConfig.load("local", Map.of("bronze.trigger-secs", "5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'bronze.trigger-secs'");
  }

  @Test
  void sparksOwnConfigurationWinsOverTheLakehousesDefaults() {
    LakehouseConfig c = LakehouseConfig.load("local", Map.of(), Map.of());
    org.apache.spark.SparkConf none = new org.apache.spark.SparkConf(false);
    Map<String, String> alone = LakehouseSpark.sessionSettings(c, none);
    assertThat(alone)
        .containsEntry("spark.sql.shuffle.partitions", "4")
        .containsEntry("spark.master", "local[*]")
        .containsEntry("spark.sql.extensions", LakehouseSpark.ICEBERG_EXTENSIONS)
        .doesNotContainKeys("spark.ui.enabled", "spark.eventLog.enabled");

    org.apache.spark.SparkConf submitted =
        new org.apache.spark.SparkConf(false)
            .set("spark.master", "spark://10.0.0.5:7077")
            .set("spark.sql.shuffle.partitions", "64")
            .set("spark.sql.catalog.lakehouse.cache-enabled", "true")
            .set("spark.sql.extensions", "com.example.MyExtensions");
    Map<String, String> under = LakehouseSpark.sessionSettings(c, submitted);
    assertThat(under)
        .doesNotContainKeys(
            "spark.master",
            "spark.driver.host",
            "spark.sql.shuffle.partitions",
            "spark.sql.catalog.lakehouse.cache-enabled")
        .containsEntry(
            "spark.sql.extensions", "com.example.MyExtensions," + LakehouseSpark.ICEBERG_EXTENSIONS)
        .containsEntry("spark.sql.catalog.lakehouse.type", "hadoop");
    assertThatThrownBy(
            () ->
                LakehouseSpark.sessionSettings(
                    c,
                    new org.apache.spark.SparkConf(false)
                        .set("spark.sql.session.timeZone", "Asia/Kolkata")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("UTC");
  }

  @Test
  void anUnknownVariablesValueIsNeverShown() {
    // A mistyped secret's name must not put the secret into a scheduler's log.
    assertThatThrownBy(
            () ->
                LakehouseConfig.load(
                    "local", Map.of(), Map.of("LAKEHOUSE_POSTGRES_PASSWRD", "hunter2-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_POSTGRES_PASSWRD")
        .hasMessageNotContaining("hunter2-secret");
  }

  @Test
  void renamedKeysAreRefusedNamingTheirNewName() {
    assertThatThrownBy(
            () -> LakehouseConfig.load("local", Map.of("spark.master", "local[2]"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'spark.master'")
        .hasMessageContaining("'engine.master'");
    assertThatThrownBy(
            () ->
                LakehouseConfig.load(
                    "local", Map.of(), Map.of("LAKEHOUSE_SPARK_SHUFFLE_PARTITIONS", "8")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_ENGINE_SHUFFLE_PARTITIONS");
    assertThat(
            LakehouseConfig.load("local", Map.of("engine.master", "local[2]"), Map.of())
                .get(Settings.ENGINE_MASTER))
        .isEqualTo("local[2]");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "postgres.url=jdbc:postgresql://db:5432/lake?password=hunter2-secret",
        "postgres.url=jdbc:postgresql://exporter:hunter2-secret@db:5432/lake",
        "postgres.url=jdbc:postgresql://db:5432/lake?ssl=true&user=x&Password=hunter2-secret",
        "catalog.uri=https://admin:hunter2-secret@catalog.bank.internal:8181"
      })
  void credentialsInUrlsAreRefusedWithoutShowingThem(String setting) {
    String[] kv = setting.split("=", 2);
    assertThatThrownBy(() -> LakehouseConfig.load("local", Map.of(kv[0], kv[1]), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(kv[0])
        .hasMessageContaining("credentials")
        .hasMessageNotContaining("hunter2-secret");
  }

  @Test
  void urlsWithoutCredentialsAreAccepted() {
    LakehouseConfig c =
        LakehouseConfig.load(
            "local",
            Map.of(
                "postgres.url", "jdbc:postgresql://db:5432/lake?sslmode=require",
                "catalog.uri", "https://catalog.bank.internal:8181/api"),
            Map.of());
    assertThat(c.get(Settings.POSTGRES_URL)).endsWith("sslmode=require");
  }

  @Test
  void unknownEnvironmentVariableIsRejectedByName() {
    assertThatThrownBy(
            () ->
                LakehouseConfig.load("local", Map.of(), Map.of("LAKEHOUSE_KAFKA_BOOTSTRAP", "x:1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_KAFKA_BOOTSTRAP");
  }

  @Test
  void invalidValueIsRejectedWithKeyAndValue() {
    assertThatThrownBy(
            () ->
                LakehouseConfig.load("local", Map.of(Settings.GEN_DUPLICATE_RATE, "1.5"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("generate.duplicate-rate")
        .hasMessageContaining("'1.5'")
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(
            () ->
                LakehouseConfig.load(
                    "local", Map.of(Settings.KAFKA_BOOTSTRAP, "localhost"), Map.of()))
        .hasMessageContaining("kafka.bootstrap-servers");
  }

  @Test
  void secretsOnlyComeFromTheEnvironment() {
    assertThatThrownBy(
            () -> LakehouseConfig.load("local", Map.of(Settings.PII_HMAC_KEY, "s3cret"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LAKEHOUSE_PII_HMAC_KEY")
        .hasMessageNotContaining("s3cret");
    LakehouseConfig c =
        LakehouseConfig.load("local", Map.of(), Map.of("LAKEHOUSE_PII_HMAC_KEY", "s3cret"));
    assertThat(c.secret(Settings.PII_HMAC_KEY)).contains("s3cret");
    assertThat(c.describe().toString()).doesNotContain("s3cret");
  }

  @Test
  void profileFileWithUnknownKeyIsRejected() throws Exception {
    Path file = dir.resolve("mine.properties");
    Files.writeString(file, "kafka.partitions=2\nnot.a.key=1\n");
    assertThatThrownBy(() -> LakehouseConfig.load(file.toString(), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'not.a.key'");
  }

  @Test
  void unknownProfileIsRejected() {
    assertThatThrownBy(() -> LakehouseConfig.load("prod", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'prod'");
  }

  @Test
  void composeProfileUsesTheRestCatalogAndNoEmbeddedBroker() {
    LakehouseConfig c = LakehouseConfig.load("compose", Map.of(), Map.of());
    assertThat(c.get(Settings.CATALOG_TYPE)).isEqualTo("rest");
    assertThat(c.boolValue(Settings.KAFKA_EMBEDDED)).isFalse();
  }
}
