package dev.lakehouse.common;

/** A configuration or usage problem: the command stops at once and exits with code 2. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
