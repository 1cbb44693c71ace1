package io.stemtrace.api;

import java.util.Objects;

/**
 * What a worker says about one task it can run.
 *
 * @param name the task name
 * @param module where it is defined (a Python module, a Java class), may be null
 * @param signature its parameters as text, may be null
 * @param docstring its documentation, may be null
 * @param bound whether the task receives itself as first argument (Celery's {@code bind=True})
 */
public record RegisteredTaskDefinition(
    String name, String module, String signature, String docstring, boolean bound) {
  public RegisteredTaskDefinition {
    Objects.requireNonNull(name, "name == null");
  }
}
