package dev.lakehouse.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration of one run, loaded and validated once at start-up. Precedence, highest first:
 * command-line {@code --conf key=value} (and {@code --data-dir}), environment ({@code
 * LAKEHOUSE_...}), the profile file ({@code conf/<profile>.properties}), the built-in default.
 */
public final class LakehouseConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Environment variables read by the launcher itself, not configuration keys. */
  private static final Set<String> LAUNCHER_VARIABLES =
      Set.of("LAKEHOUSE_HOME", "LAKEHOUSE_JVM_OPTS", "LAKEHOUSE_PROFILE");

  private final String profile;
  private final Map<String, String> values;
  private final Map<String, String> origins;

  private LakehouseConfig(String profile, Map<String, String> values, Map<String, String> origins) {
    this.profile = profile;
    this.values = Collections.unmodifiableMap(values);
    this.origins = Collections.unmodifiableMap(origins);
  }

  /** Loads the configuration from the real environment. */
  public static LakehouseConfig load(String profile, Map<String, String> commandLine) {
    return load(profile, commandLine, System.getenv());
  }

  public static LakehouseConfig load(
      String profile, Map<String, String> commandLine, Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    for (Setting s : Settings.all()) {
      if (s.defaultValue() != null) {
        values.put(s.key(), s.defaultValue());
        origins.put(s.key(), "default");
      }
    }
    ProfileFile file = readProfile(profile);
    for (String key : file.properties.stringPropertyNames()) {
      Setting s = known(key, file.origin);
      if (s.isSecret()) {
        throw secretOutsideEnvironment(s, file.origin);
      }
      values.put(key, file.properties.getProperty(key).trim());
      origins.put(key, file.origin);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("LAKEHOUSE_") || LAUNCHER_VARIABLES.contains(name)) {
        continue;
      }
      String renamed = Settings.renamedFromVariable(name);
      if (renamed != null) {
        throw new ConfigException(
            "The environment variable "
                + name
                + " names a key that was renamed; use "
                + Settings.find(renamed).environmentVariable()
                + " ("
                + renamed
                + ") instead.");
      }
      // The value is never shown: a mistyped secret's name must not put the secret in a log.
      Setting s =
          Settings.all().stream()
              .filter(candidate -> candidate.environmentVariable().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "Unknown configuration key in environment variable "
                              + name
                              + " (its value is not shown); run 'lakehouse config' to list the"
                              + " known keys and their variables."));
      values.put(s.key(), e.getValue().trim());
      origins.put(s.key(), "environment " + name);
    }
    for (Map.Entry<String, String> e : commandLine.entrySet()) {
      Setting s = known(e.getKey(), "--conf");
      if (s.isSecret()) {
        throw secretOutsideEnvironment(s, "--conf");
      }
      values.put(e.getKey(), e.getValue().trim());
      origins.put(e.getKey(), "--conf");
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      Setting setting = Settings.find(e.getKey());
      String problem = setting.problemWith(e.getValue());
      if (problem != null) {
        throw new ConfigException(
            "Invalid value for "
                + e.getKey()
                + (setting.mayShow(problem) ? ": '" + e.getValue() + "' " : " (not shown): ")
                + problem
                + " (set by "
                + origins.get(e.getKey())
                + ").");
      }
    }
    values.put(
        Settings.DATA_DIR,
        resolveDataDir(values.get(Settings.DATA_DIR), origins.get(Settings.DATA_DIR)));
    String dataDir = values.get(Settings.DATA_DIR);
    values.replaceAll((k, v) -> v.replace("${data-dir}", dataDir));
    return new LakehouseConfig(file.name, values, origins);
  }

  private static Setting known(String key, String origin) {
    Setting s = Settings.find(key);
    String renamed = Settings.renamedTo(key);
    if (renamed != null) {
      throw new ConfigException(
          "The configuration key '"
              + key
              + "' (set by "
              + origin
              + ") was renamed to '"
              + renamed
              + "'; Spark's own settings (spark.*) belong to spark-submit --conf or"
              + " spark-defaults.conf.");
    }
    if (s == null) {
      throw new ConfigException(
          "Unknown configuration key '"
              + key
              + "' (set by "
              + origin
              + "); run 'lakehouse config' to list the known keys.");
    }
    return s;
  }

  private static ConfigException secretOutsideEnvironment(Setting s, String origin) {
    return new ConfigException(
        "The secret "
            + s.key()
            + " may only come from the environment variable "
            + s.environmentVariable()
            + ", not from "
            + origin
            + ".");
  }

  /** The default data directory is relative to the installation (bin/lakehouse sets it). */
  private static String resolveDataDir(String value, String origin) {
    Path path = Paths.get(value);
    if (!path.isAbsolute() && "default".equals(origin)) {
      String home = System.getProperty("lakehouse.home");
      if (home != null) {
        path = Paths.get(home).resolve(path);
      }
    }
    return path.toAbsolutePath().normalize().toString();
  }

  private record ProfileFile(String name, String origin, Properties properties) {}

  private static ProfileFile readProfile(String profile) {
    Properties properties = new Properties();
    if (profile.endsWith(".properties") || profile.contains("/")) {
      Path path = Paths.get(profile);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("Profile file " + path.toAbsolutePath() + " does not exist.");
      }
      return new ProfileFile(profile, "profile file " + path, readFile(path, properties));
    }
    if (!profile.matches("[a-z0-9-]+")) {
      throw new ConfigException("Invalid profile name '" + profile + "'; use local or compose.");
    }
    String home = System.getProperty("lakehouse.home");
    if (home != null) {
      Path path = Paths.get(home, "conf", profile + ".properties");
      if (Files.isRegularFile(path)) {
        return new ProfileFile(profile, "profile file " + path, readFile(path, properties));
      }
    }
    String resource = "conf/" + profile + ".properties";
    try (InputStream in = LakehouseConfig.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(
            "Unknown profile '" + profile + "'; the profiles are local and compose.");
      }
      properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
      return new ProfileFile(profile, "profile " + profile, properties);
    } catch (IOException e) {
      throw new ConfigException("Cannot read profile " + profile + ": " + e.getMessage());
    }
  }

  private static Properties readFile(Path path, Properties properties) {
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(reader);
      return properties;
    } catch (IOException e) {
      throw new ConfigException("Cannot read profile file " + path + ": " + e.getMessage());
    }
  }

  public String profile() {
    return profile;
  }

  public String get(String key) {
    if (Settings.find(key) == null) {
      throw new IllegalArgumentException("Unknown configuration key " + key);
    }
    return values.get(key);
  }

  public Optional<String> secret(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
  }

  public int intValue(String key) {
    return Integer.parseInt(get(key));
  }

  public long longValue(String key) {
    return Long.parseLong(get(key));
  }

  public double doubleValue(String key) {
    return Double.parseDouble(get(key));
  }

  /** A comma-separated value as a list: each part stripped, empty parts left out. */
  public java.util.List<String> listValue(String key) {
    return java.util.Arrays.stream(get(key).split(","))
        .map(String::strip)
        .filter(part -> !part.isEmpty())
        .toList();
  }

  public boolean boolValue(String key) {
    return Boolean.parseBoolean(get(key).toLowerCase(Locale.ROOT));
  }

  /** The contract's bounds (message size, timestamps, amounts) from this configuration. */
  public dev.lakehouse.contract.ContractLimits contractLimits() {
    // Each value was checked on its own when the configuration loaded; only their order is left.
    java.time.Instant earliest =
        java.time.Instant.parse(get(Settings.CONTRACT_EARLIEST_TIMESTAMP).trim());
    java.time.Instant latest =
        java.time.Instant.parse(get(Settings.CONTRACT_LATEST_TIMESTAMP).trim());
    if (!earliest.isBefore(latest)) {
      throw new ConfigException(
          Settings.CONTRACT_EARLIEST_TIMESTAMP
              + " ("
              + earliest
              + ") must be before "
              + Settings.CONTRACT_LATEST_TIMESTAMP
              + " ("
              + latest
              + ").");
    }
    return new dev.lakehouse.contract.ContractLimits(
        intValue(Settings.BRONZE_MAX_MESSAGE_KB) * 1024,
        earliest,
        latest,
        new java.math.BigDecimal(get(Settings.CONTRACT_MAX_AMOUNT).trim()));
  }

  public Path dataDir() {
    return Paths.get(get(Settings.DATA_DIR));
  }

  public Path path(String key) {
    return Paths.get(get(key));
  }

  /**
   * A location for Hadoop's file systems: a URI with a scheme ({@code s3a://}, {@code hdfs://},
   * {@code file:/}) as given, a plain path made absolute.
   */
  public String location(String key) {
    String v = get(key).trim();
    return v.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !v.matches("^[a-zA-Z]:[\\\\/].*")
        ? v
        : Paths.get(v).toAbsolutePath().toString();
  }

  /** Where each value came from, secrets left out, for {@code lakehouse config}. */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    for (Setting s : Settings.all()) {
      String value = values.get(s.key());
      if (s.isSecret()) {
        out.put(
            s.key(), value == null ? "(not set)" : "(set, hidden) from " + origins.get(s.key()));
      } else {
        out.put(s.key(), (value == null ? "" : value) + "  [" + origins.get(s.key()) + "]");
      }
    }
    return out;
  }
}
