package dev.lakehouse.common;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name, its built-in default, how a value is checked and what it means.
 * A secret key may only come from the environment.
 */
public final class Setting {
  private final String key;
  private final String defaultValue;
  private final Function<String, String> check;
  private final String description;
  private final boolean secret;

  private Setting(
      String key,
      String defaultValue,
      Function<String, String> check,
      String description,
      boolean secret) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.check = check;
    this.description = description;
    this.secret = secret;
  }

  static Setting of(String key, String defaultValue, Function<String, String> check, String doc) {
    return new Setting(key, defaultValue, check, doc, false);
  }

  static Setting secret(String key, String doc) {
    return new Setting(key, null, Setting::anyText, doc, true);
  }

  public String key() {
    return key;
  }

  /** The built-in default, or null when the key has none. May contain {@code ${data-dir}}. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public boolean isSecret() {
    return secret;
  }

  /**
   * The environment variable that sets this key: {@code bronze.trigger-seconds} ->
   * LAKEHOUSE_BRONZE_TRIGGER_SECONDS.
   */
  public String environmentVariable() {
    return variableOf(key);
  }

  static String variableOf(String key) {
    return "LAKEHOUSE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Returns null when the value is acceptable, otherwise what is wrong with it. */
  String problemWith(String value) {
    return check.apply(value);
  }

  static String dateList(String value) {
    try {
      TradingCalendar.parse(value);
      return null;
    } catch (ConfigException e) {
      return "must list dates as yyyy-MM-dd, comma-separated";
    }
  }

  static String anyText(String value) {
    return value.isBlank() ? "must not be empty" : null;
  }

  static Function<String, String> integer(long min, long max) {
    return value -> {
      try {
        long parsed = Long.parseLong(value.trim());
        return parsed < min || parsed > max
            ? "must be a whole number between " + min + " and " + max
            : null;
      } catch (NumberFormatException e) {
        return "must be a whole number between " + min + " and " + max;
      }
    };
  }

  static Function<String, String> fraction() {
    return value -> {
      try {
        double parsed = Double.parseDouble(value.trim());
        return parsed >= 0 && parsed <= 1 ? null : "must be a fraction between 0 and 1";
      } catch (NumberFormatException e) {
        return "must be a fraction between 0 and 1";
      }
    };
  }

  static Function<String, String> positiveNumber(double max) {
    String problem =
        "must be a number above 0 and at most " + new java.math.BigDecimal(max).toPlainString();
    return value -> {
      try {
        double parsed = Double.parseDouble(value.trim());
        return parsed > 0 && parsed <= max ? null : problem;
      } catch (NumberFormatException e) {
        return problem;
      }
    };
  }

  /** A comma-separated list of distinct names from {@code allowed}; empty is allowed. */
  static Function<String, String> listOf(String... allowed) {
    java.util.Set<String> known = java.util.Set.of(allowed);
    return value -> {
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String part : value.split(",", -1)) {
        String name = part.trim();
        if (name.isEmpty() && value.isBlank()) {
          continue;
        }
        if (!known.contains(name)) {
          return "must list names from "
              + String.join(", ", allowed)
              + " ('"
              + name
              + "' is not one)";
        }
        if (!seen.add(name)) {
          return "names '" + name + "' twice";
        }
      }
      return null;
    };
  }

  static String instant(String value) {
    try {
      java.time.Instant.parse(value.trim());
      return null;
    } catch (java.time.format.DateTimeParseException e) {
      return "must be an ISO-8601 instant such as 2100-01-01T00:00:00Z";
    }
  }

  static String businessMaximum(String value) {
    try {
      java.math.BigDecimal v = new java.math.BigDecimal(value.trim());
      return v.signum() > 0 && v.compareTo(java.math.BigDecimal.TEN.pow(11)) <= 0
          ? null
          : "must be a positive amount of at most 100000000000";
    } catch (NumberFormatException e) {
      return "must be a positive amount of at most 100000000000";
    }
  }

  static String bool(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("false") ? null : "must be true or false";
  }

  static Function<String, String> oneOf(String... allowed) {
    return value -> {
      for (String a : allowed) {
        if (a.equals(value.trim())) {
          return null;
        }
      }
      return "must be one of " + String.join(", ", allowed);
    };
  }

  static String severityOverrides(String value) {
    if (value.isBlank()) {
      return null;
    }
    for (String part : value.split(",")) {
      String[] kv = part.trim().split("=");
      if (kv.length != 2
          || !kv[0].trim().matches("[a-z0-9_]+")
          || !kv[1].trim().matches("warn|quarantine|fail")) {
        return "must be a comma-separated list of rule=warn|quarantine|fail";
      }
    }
    return null;
  }

  static String rates(String value) {
    for (String part : value.split(",")) {
      String[] kv = part.trim().split("=");
      try {
        if (kv.length != 2
            || !kv[0].trim().matches("[A-Z]{3}")
            || new java.math.BigDecimal(kv[1].trim()).signum() <= 0
            || new java.math.BigDecimal(kv[1].trim())
                    .compareTo(java.math.BigDecimal.valueOf(10_000))
                >= 0) {
          return "must be a comma-separated list of CUR=rate with rates above 0 and below 10000";
        }
      } catch (NumberFormatException e) {
        return "must be a comma-separated list of CUR=rate with positive rates";
      }
    }
    return null;
  }

  static String feeSchedule(String value) {
    for (String part : value.split(",")) {
      if (!part.trim().matches("[A-Z0-9_]+(:[A-Z_]+)?=\\d+(\\.\\d+)?\\+\\d+(\\.\\d{1,2})?")) {
        return "must be a comma-separated list of TXN_TYPE[:CATEGORY]=BASIS_POINTS+FIXED_INR, e.g."
            + " CARD_PAYMENT=180+0";
      }
    }
    return null;
  }

  static String namedAmounts(String value) {
    for (String part : value.split(",")) {
      if (!part.trim().matches("[a-z_]+=\\d+(\\.\\d{1,2})?")) {
        return "must be a comma-separated list of name=amount";
      }
    }
    return null;
  }

  static String jdbcUrl(String value) {
    if (value.matches("jdbc:postgresql://[^/?#]*@.*")) {
      return CARRIES_CREDENTIALS
          + " (user:password@host): set postgres.user, and the"
          + " password in LAKEHOUSE_POSTGRES_PASSWORD";
    }
    if (!value.matches("jdbc:postgresql://[^/:@]+(:\\d+)?/[A-Za-z0-9_]+(\\?.*)?")) {
      return "must look like jdbc:postgresql://host:port/database";
    }
    int query = value.indexOf('?');
    if (query >= 0) {
      for (String parameter : value.substring(query + 1).split("&")) {
        String name = parameter.split("=", 2)[0].toLowerCase(Locale.ROOT);
        if (CREDENTIAL_PARAMETERS.contains(name)) {
          return CARRIES_CREDENTIALS
              + " (parameter '"
              + name
              + "'): set postgres.user, and the password in LAKEHOUSE_POSTGRES_PASSWORD";
        }
      }
    }
    return null;
  }

  /** How every refusal of a value with credentials starts; such a value is never shown. */
  private static final String CARRIES_CREDENTIALS = "must not carry credentials";

  /** URL parameters of the PostgreSQL driver that carry credentials or key material. */
  private static final java.util.Set<String> CREDENTIAL_PARAMETERS =
      java.util.Set.of("user", "password", "sslpassword", "sslkey", "sslcert");

  /** A URI without user information ({@code scheme://user:secret@host}). */
  static String uriWithoutCredentials(String value) {
    return value.matches("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@.*")
        ? CARRIES_CREDENTIALS + " (user:password@host); they come from the environment"
        : null;
  }

  /**
   * Whether a rejected value may be shown in an error: never for secrets, nor for a value refused
   * because it carries credentials.
   */
  boolean mayShow(String problem) {
    return !secret && (problem == null || !problem.startsWith(CARRIES_CREDENTIALS));
  }

  static String hostPorts(String value) {
    for (String part : value.split(",")) {
      String p = part.trim();
      int colon = p.lastIndexOf(':');
      if (colon <= 0 || integer(1, 65535).apply(p.substring(colon + 1)) != null) {
        return "must be a comma-separated list of host:port";
      }
    }
    return null;
  }
}
