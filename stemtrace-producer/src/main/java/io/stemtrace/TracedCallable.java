package io.stemtrace;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a callable as a traced task: current task while it runs, STARTED before, SUCCESS or FAILURE
 * after. The task's exception reaches the executor unchanged.
 */
final class TracedCallable<T> implements Callable<T>, Runnable {
  final TracedTask task;
  private final Callable<T> body;
  // set by whichever comes first: the run (STARTED) or a cancellation before it (REVOKED)
  private final AtomicBoolean claimed = new AtomicBoolean();

  TracedCallable(TracedTask task, Callable<T> body) {
    this.task = task;
    this.body = body;
  }

  /** Reports the task REVOKED when it was cancelled before it started; true if it did. */
  boolean revokeIfNotStarted() {
    if (!claimed.compareAndSet(false, true)) return false;
    task.revoked();
    return true;
  }

  /** Reports the task REJECTED when the executor refused it before it started; true if it did. */
  boolean rejectIfNotStarted(Throwable refusal) {
    if (!claimed.compareAndSet(false, true)) return false;
    task.rejected(refusal);
    return true;
  }

  @Override
  public T call() throws Exception {
    claimed.set(true);
    Scope scope = task.makeCurrent();
    try {
      task.started();
      T result;
      try {
        result = body.call();
      } catch (Exception | Error e) {
        task.failure(e);
        throw e;
      }
      task.success(result);
      return result;
    } finally {
      scope.close();
    }
  }

  @Override
  public void run() {
    try {
      call();
    } catch (Exception e) {
      throw Sneaky.<RuntimeException>rethrow(e);
    }
  }

  /** Lets a Runnable's undeclared checked exception pass unchanged, as the plain executor would. */
  static final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E rethrow(Throwable e) throws E {
      throw (E) e;
    }
  }
}
