package dev.lakehouse.common;

/**
 * A rule with severity fail found failing rows: the run stops, commits nothing, and exits with code
 * 3.
 */
public final class DataQualityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataQualityException(String message) {
    super(message);
  }
}
