package io.stemtrace;

/**
 * The thread's current task. One per JVM, not per {@link Stemtrace}: a task traced by one instance
 * that submits work to an executor wrapped by another is still its parent.
 */
final class CurrentTask {
  private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

  private CurrentTask() {}

  static TaskContext get() {
    return CURRENT.get();
  }

  static Scope open(TaskContext context) {
    TaskContext previous = CURRENT.get();
    if (previous == context) return NOOP;
    CURRENT.set(context);
    return previous == null ? CURRENT::remove : () -> CURRENT.set(previous);
  }

  private static final Scope NOOP = () -> {};
}
