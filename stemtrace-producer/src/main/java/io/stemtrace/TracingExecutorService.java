package io.stemtrace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An {@link ExecutorService} whose every submitted Runnable or Callable is a traced task: PENDING
 * at submit, STARTED when it runs, SUCCESS with its result or FAILURE with its exception and stack
 * trace. The task that submits is the parent. Task names default to a readable form of the task's
 * class; the {@code submit(String, ...)} overloads name them explicitly.
 *
 * <p>Canvas helpers shape workflows the way Celery does, so JVM and Celery workflows draw alike:
 * {@link #group}, {@link #chain}, {@link #chord}, and {@link #submitWithRetry} for retried tasks.
 * Results, exceptions and rejections reach the caller exactly as with the wrapped executor; a task
 * refused by the executor is reported REJECTED, one cancelled before it ran REVOKED. Shutting this
 * down shuts the wrapped executor down.
 */
public final class TracingExecutorService implements ExecutorService {

  private final ExecutorService delegate;
  private final TaskTracer tracer;

  TracingExecutorService(ExecutorService delegate, TaskTracer tracer) {
    this.delegate = Objects.requireNonNull(delegate, "executor == null");
    this.tracer = tracer;
  }

  // ------------------------------------------------------------------ plain submission

  @Override
  public void execute(Runnable command) {
    Objects.requireNonNull(command, "command == null");
    execute(TaskNames.of(command), command);
  }

  /** Runs {@code command} as a task named {@code name}. */
  public void execute(String name, Runnable command) {
    Objects.requireNonNull(command, "command == null");
    TracedCallable<Object> traced = announce(name, Executors.callable(command));
    try {
      delegate.execute(traced);
    } catch (RejectedExecutionException e) {
      traced.task.rejected(e);
      throw e;
    }
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    Objects.requireNonNull(task, "task == null");
    return submit(TaskNames.of(task), task);
  }

  /** Submits {@code task} as a task named {@code name}. */
  public <T> Future<T> submit(String name, Callable<T> task) {
    Objects.requireNonNull(task, "task == null");
    TracedCallable<T> traced = announce(name, task);
    try {
      return new TracedFuture<>(delegate.submit((Callable<T>) traced), traced);
    } catch (RejectedExecutionException e) {
      traced.task.rejected(e);
      throw e;
    }
  }

  @Override
  public Future<?> submit(Runnable task) {
    Objects.requireNonNull(task, "task == null");
    return submit(TaskNames.of(task), task);
  }

  /** Submits {@code task} as a task named {@code name}. */
  public Future<?> submit(String name, Runnable task) {
    Objects.requireNonNull(task, "task == null");
    return submit(name, Executors.callable(task));
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    Objects.requireNonNull(task, "task == null");
    return submit(TaskNames.of(task), Executors.callable(task, result));
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
      throws InterruptedException {
    return invokeTraced(tasks, delegate::invokeAll);
  }

  @Override
  public <T> List<Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    return invokeTraced(tasks, announced -> delegate.invokeAll(announced, timeout, unit));
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
      throws InterruptedException, ExecutionException {
    return invokeTraced(tasks, delegate::invokeAny);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return this.<T, T, ExecutionException, TimeoutException>invokeTraced(
        tasks, announced -> delegate.invokeAny(announced, timeout, unit));
  }

  /** One of the delegate's invokeAll/invokeAny calls, over the announced tasks. */
  @FunctionalInterface
  private interface Invocation<T, R, X1 extends Exception, X2 extends Exception> {
    R run(List<TracedCallable<T>> announced) throws InterruptedException, X1, X2;
  }

  private <T, R, X1 extends Exception, X2 extends Exception> R invokeTraced(
      Collection<? extends Callable<T>> tasks, Invocation<T, R, X1, X2> invocation)
      throws InterruptedException, X1, X2 {
    List<TracedCallable<T>> announced = announceAll(tasks);
    try {
      return invocation.run(announced);
    } catch (RejectedExecutionException e) {
      throw rejectUnstarted(announced, e);
    } finally {
      // the ones a timeout or invokeAny's winner cancelled, or that were never handed to a thread
      revokeUnstarted(announced);
    }
  }

  /**
   * After an invokeAll or invokeAny returned or threw, every future it made is done or cancelled: a
   * task that has not started by now never will, and would otherwise stay PENDING on the dashboard
   * forever.
   */
  private static void revokeUnstarted(List<? extends TracedCallable<?>> announced) {
    for (TracedCallable<?> callable : announced) callable.revokeIfNotStarted();
  }

  private static RejectedExecutionException rejectUnstarted(
      List<? extends TracedCallable<?>> announced, RejectedExecutionException refusal) {
    for (TracedCallable<?> callable : announced) callable.rejectIfNotStarted(refusal);
    return refusal;
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  /**
   * Shuts the wrapped executor down now; tasks that never started are reported REVOKED where
   * visible.
   */
  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> neverRan = delegate.shutdownNow();
    for (Runnable runnable : neverRan) {
      if (runnable instanceof TracedCallable<?> traced) traced.revokeIfNotStarted();
    }
    return neverRan;
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }

  // ------------------------------------------------------------------ canvas

  /**
   * Runs the members in parallel as one group: they share a new {@code group_id} and their parent
   * is the current task. The future completes with the results in member order, or with the first
   * failure once all members finished.
   */
  public <T> CompletableFuture<List<T>> group(List<TaskCall<T>> members) {
    Objects.requireNonNull(members, "members == null");
    String groupId = Ids.newId();
    TaskContext parent = CurrentTask.get();
    List<CompletableFuture<T>> futures = new ArrayList<>(members.size());
    for (TaskCall<T> member : members) {
      TracedTask task = tracer.task(member.name()).parent(parent).groupId(groupId).build();
      CompletableFuture<T> future = new CompletableFuture<>();
      runAsync(task, member.callable(), (result, error) -> complete(future, result, error));
      futures.add(future);
    }
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }

  /**
   * Starts describing a chain whose first step is {@code first}; add steps with {@link
   * TaskChain#then} and submit with {@link TaskChain#start}.
   */
  public <T> TaskChain<T> chain(String name, Callable<T> first) {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(first, "first == null");
    return new TaskChain<>(this, name, first, List.of());
  }

  /**
   * Runs {@code header} as a group, then {@code callback} with all header results (in header
   * order), as Celery's {@code chord}: header tasks share a {@code group_id} and carry {@code
   * chord_callback_id}, the callback's id; the callback's parent is the header task that finished
   * last. When a header task fails the callback does not run: it is reported FAILURE with a {@code
   * ChordError} and the future fails.
   */
  public <T, R> CompletableFuture<R> chord(
      List<TaskCall<T>> header,
      String callbackName,
      Function<? super List<T>, ? extends R> callback) {
    Objects.requireNonNull(header, "header == null");
    Objects.requireNonNull(callbackName, "callbackName == null");
    Objects.requireNonNull(callback, "callback == null");
    String groupId = Ids.newId();
    String callbackId = Ids.newId();
    TaskContext parent = CurrentTask.get();
    CompletableFuture<R> outcome = new CompletableFuture<>();
    if (header.isEmpty()) {
      TracedTask task = tracer.task(callbackName).taskId(callbackId).parent(parent).build();
      runAsync(
          task,
          () -> callback.apply(List.of()),
          (result, error) -> complete(outcome, result, error));
      return outcome;
    }
    AtomicReferenceArray<T> results = new AtomicReferenceArray<>(header.size());
    AtomicInteger remaining = new AtomicInteger(header.size());
    AtomicReference<Failure> firstFailure = new AtomicReference<>();
    for (int i = 0; i < header.size(); i++) {
      int index = i;
      TaskCall<T> member = header.get(i);
      TracedTask task =
          tracer
              .task(member.name())
              .parent(parent)
              .groupId(groupId)
              .chordCallbackId(callbackId)
              .build();
      runAsync(
          task,
          member.callable(),
          (result, error) -> {
            if (error == null) {
              results.set(index, result);
            } else {
              firstFailure.compareAndSet(null, new Failure(task.id(), error));
            }
            if (remaining.decrementAndGet() != 0) return;
            TracedTask callbackTask =
                tracer.task(callbackName).taskId(callbackId).parent(task.context()).build();
            Failure failure = firstFailure.get();
            if (failure != null) {
              String reason =
                  "ChordError: Dependency "
                      + failure.taskId
                      + " raised "
                      + tracer.describe(failure.error);
              callbackTask.failure(reason, null);
              outcome.completeExceptionally(failure.error);
              return;
            }
            List<T> all = new ArrayList<>(header.size());
            for (int k = 0; k < header.size(); k++) all.add(results.get(k));
            List<T> view = java.util.Collections.unmodifiableList(all);
            runAsync(callbackTask, () -> callback.apply(view), (r, e) -> complete(outcome, r, e));
          });
    }
    return outcome;
  }

  /**
   * Submits a task that is run again, up to {@code maxRetries} more times, while it throws an
   * exception: RETRY (with the exception) between attempts, then STARTED with the next attempt
   * number, as Celery does. The task keeps its id. Errors ({@link Error}) are not retried.
   */
  public <T> CompletableFuture<T> submitWithRetry(String name, int maxRetries, Callable<T> task) {
    Objects.requireNonNull(task, "task == null");
    if (maxRetries < 0) throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
    TracedTask traced = tracer.newTask(name);
    traced.pending();
    CompletableFuture<T> outcome = new CompletableFuture<>();
    attempt(traced, maxRetries, task, outcome);
    return outcome;
  }

  private <T> void attempt(
      TracedTask traced, int maxRetries, Callable<T> task, CompletableFuture<T> outcome) {
    Runnable run =
        () -> {
          TracedCallable.Outcome<T> once = TracedCallable.runOnce(traced, task);
          Throwable error = once.error();
          if (error == null) {
            traced.success(once.result());
            outcome.complete(once.result());
          } else if (error instanceof Exception e && traced.retries() < maxRetries) {
            traced.retry(e);
            attempt(traced, maxRetries, task, outcome);
          } else {
            traced.failure(error);
            outcome.completeExceptionally(error);
            if (error instanceof Error fatal) throw fatal;
          }
        };
    try {
      delegate.execute(run);
    } catch (RejectedExecutionException e) {
      traced.rejected(e);
      outcome.completeExceptionally(e);
    }
  }

  // ------------------------------------------------------------------ internals

  CompletableFuture<Object> startChain(
      String firstName, Callable<?> first, List<TaskChain.Step> steps) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    TracedTask task = tracer.task(firstName).parent(CurrentTask.get()).build();
    runChainStep(task, first, steps, 0, outcome);
    return outcome;
  }

  private void runChainStep(
      TracedTask task,
      Callable<?> body,
      List<TaskChain.Step> steps,
      int next,
      CompletableFuture<Object> outcome) {
    runAsync(
        task,
        body,
        (result, error) -> {
          if (error != null) {
            outcome.completeExceptionally(error);
          } else if (next == steps.size()) {
            outcome.complete(result);
          } else {
            TaskChain.Step step = steps.get(next);
            TracedTask nextTask = tracer.task(step.name()).parent(task.context()).build();
            runChainStep(nextTask, () -> step.function().apply(result), steps, next + 1, outcome);
          }
        });
  }

  /**
   * Announces the task (PENDING), then runs it on the wrapped executor and reports how it ended.
   */
  private <T> void runAsync(
      TracedTask task, Callable<? extends T> body, BiConsumer<T, Throwable> done) {
    task.pending();
    Runnable run =
        () -> {
          TracedCallable.Outcome<T> once = TracedCallable.runOnce(task, body);
          Throwable error = once.error();
          if (error == null) {
            task.success(once.result());
            done.accept(once.result(), null);
          } else {
            task.failure(error);
            done.accept(null, error);
            if (error instanceof Error fatal) throw fatal;
          }
        };
    try {
      delegate.execute(run);
    } catch (RejectedExecutionException e) {
      task.rejected(e);
      done.accept(null, e);
    }
  }

  private <T> TracedCallable<T> announce(String name, Callable<T> body) {
    TracedTask task = tracer.newTask(name);
    task.pending();
    return new TracedCallable<>(task, body);
  }

  private <T> List<TracedCallable<T>> announceAll(Collection<? extends Callable<T>> tasks) {
    Objects.requireNonNull(tasks, "tasks == null");
    List<TracedCallable<T>> wrapped = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) wrapped.add(announce(TaskNames.of(task), task));
    return wrapped;
  }

  private static <T> void complete(CompletableFuture<T> future, T result, Throwable error) {
    if (error == null) {
      future.complete(result);
    } else {
      future.completeExceptionally(
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error);
    }
  }

  private record Failure(String taskId, Throwable error) {}
}
