package io.stemtrace.api;

/**
 * A query's cursor is not one the store made (mangled, truncated, from another kind of store): the
 * caller's mistake, which an HTTP layer answers with 400.
 */
public final class InvalidCursorException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidCursorException(String message) {
    super(message);
  }
}
