package io.stemtrace;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A named unit of work for the canvas helpers of {@link TracingExecutorService}.
 *
 * @param name the task name shown in the graph
 * @param callable the work
 */
public record TaskCall<T>(String name, Callable<T> callable) {
  public TaskCall {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(callable, "callable == null");
  }

  public static <T> TaskCall<T> of(String name, Callable<T> callable) {
    return new TaskCall<>(name, callable);
  }
}
