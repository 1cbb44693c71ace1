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
    Outcome<T> outcome = runOnce(task, body);
    if (outcome.error() != null) {
      task.failure(outcome.error());
      throw Sneaky.<Exception>rethrow(outcome.error());
    }
    task.success(outcome.result());
    return outcome.result();
  }

  /** How one run of a body ended: its result, or what it threw. */
  record Outcome<T>(T result, Throwable error) {}

  /**
   * One attempt of a traced body on the calling thread: the task current while it runs, STARTED
   * reported, the body called; whatever it throws is returned, not thrown. Reporting how it ended
   * (SUCCESS, FAILURE, RETRY) is the caller's: the plain submit, the canvas steps and the retrying
   * submit each decide it.
   */
  static <T> Outcome<T> runOnce(TracedTask task, Callable<? extends T> body) {
    Scope scope = task.makeCurrent();
    try {
      task.started();
      return new Outcome<>(body.call(), null);
    } catch (Exception | Error e) {
      return new Outcome<>(null, e);
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
