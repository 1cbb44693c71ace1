package io.stemtrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A chain being described: each step runs after the previous one succeeded and receives its result,
 * as in Celery's {@code chain}. Each step's parent is the previous step and all share the first
 * step's root; a step is announced (PENDING) when the previous one finished. A failing step ends
 * the chain. Immutable: {@link #then} returns a longer chain.
 *
 * @param <T> the result type of the last step
 */
public final class TaskChain<T> {

  private final TracingExecutorService executor;
  private final String firstName;
  private final Callable<?> first;
  private final List<Step> steps;

  record Step(String name, Function<Object, Object> function) {}

  TaskChain(
      TracingExecutorService executor, String firstName, Callable<?> first, List<Step> steps) {
    this.executor = executor;
    this.firstName = firstName;
    this.first = first;
    this.steps = steps;
  }

  /** Appends a step that receives the previous step's result. */
  @SuppressWarnings("unchecked")
  public <R> TaskChain<R> then(String name, Function<? super T, ? extends R> step) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(step, "step == null");
    List<Step> longer = new ArrayList<>(steps);
    longer.add(new Step(name, (Function<Object, Object>) (Function<?, ?>) step));
    return new TaskChain<>(executor, firstName, first, List.copyOf(longer));
  }

  /**
   * Submits the first step; the future completes with the last step's result or the first failure.
   */
  @SuppressWarnings("unchecked")
  public CompletableFuture<T> start() {
    return (CompletableFuture<T>) executor.startChain(firstName, first, steps);
  }
}
