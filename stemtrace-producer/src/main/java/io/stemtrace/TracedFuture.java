package io.stemtrace;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The executor's future for a traced task; cancelling it before the task ran reports the task
 * REVOKED.
 */
final class TracedFuture<T> implements Future<T> {
  private final Future<T> delegate;
  private final TracedCallable<T> traced;

  TracedFuture(Future<T> delegate, TracedCallable<T> traced) {
    this.delegate = delegate;
    this.traced = traced;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = delegate.cancel(mayInterruptIfRunning);
    if (cancelled) traced.revokeIfNotStarted();
    return cancelled;
  }

  @Override
  public boolean isCancelled() {
    return delegate.isCancelled();
  }

  @Override
  public boolean isDone() {
    return delegate.isDone();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    return delegate.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return delegate.get(timeout, unit);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
