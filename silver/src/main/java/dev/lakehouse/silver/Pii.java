package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.udf;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed hashing of PII. The key comes from LAKEHOUSE_PII_HMAC_KEY; only a development lake (the
 * embedded Kafka on this machine, a local warehouse) may fall back to a public development key (its
 * hashes are then not secret, which is fine for synthetic data).
 */
final class Pii {
  private static final Logger LOG = LoggerFactory.getLogger(Pii.class);
  static final String DEVELOPMENT_KEY = "lakehouse-local-development-key-not-secret";
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Pii() {}

  static String key(LakehouseConfig config) {
    return config
        .secret(Settings.PII_HMAC_KEY)
        .orElseGet(
            () -> {
              String why = notDevelopmentLake(config);
              if (why != null) {
                throw new ConfigException(
                    "Cannot run silver: the PII key is missing. Set the environment variable"
                        + " LAKEHOUSE_PII_HMAC_KEY (a long random secret). The public development"
                        + " key is only used on a lake of this machine with the embedded Kafka,"
                        + " and "
                        + why
                        + ".");
              }
              if (!WARNED.getAndSet(true)) {
                LOG.warn(
                    "LAKEHOUSE_PII_HMAC_KEY is not set; this local lake with the embedded Kafka"
                        + " uses the public development key, so PII hashes are not secret.");
              }
              return DEVELOPMENT_KEY;
            });
  }

  /**
   * Null when the configuration describes a development lake (the embedded Kafka on this machine
   * and a local Hadoop-catalog warehouse), otherwise what makes it something else.
   */
  static String notDevelopmentLake(LakehouseConfig config) {
    if (!config.boolValue(Settings.KAFKA_EMBEDDED)) {
      return Settings.KAFKA_EMBEDDED + " is false";
    }
    for (String server : config.get(Settings.KAFKA_BOOTSTRAP).split(",")) {
      String host = server.trim().replaceAll(":\\d+$", "");
      if (!host.equals("localhost") && !host.equals("127.0.0.1")) {
        return Settings.KAFKA_BOOTSTRAP + " names " + server.trim() + ", not this machine";
      }
    }
    if (!"hadoop".equals(config.get(Settings.CATALOG_TYPE))) {
      return Settings.CATALOG_TYPE + " is " + config.get(Settings.CATALOG_TYPE);
    }
    String warehouse = config.location(Settings.CATALOG_WAREHOUSE);
    if (!warehouse.startsWith("/") && !warehouse.startsWith("file:")) {
      return Settings.CATALOG_WAREHOUSE + " is not a local directory";
    }
    return null;
  }

  static String hmac(String key, String value) {
    if (value == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /**
   * A Spark function computing the HMAC; the key travels inside the function, never in a plan
   * string.
   */
  static UserDefinedFunction hmacFunction(String key) {
    return udf((UDF1<String, String>) value -> hmac(key, value), DataTypes.StringType);
  }
}
