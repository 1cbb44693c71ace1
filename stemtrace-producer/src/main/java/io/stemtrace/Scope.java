package io.stemtrace;

/**
 * Makes a task the thread's current task until closed; closing restores the task that was current
 * before. Use in try-with-resources on the thread that opened it.
 */
@FunctionalInterface
public interface Scope extends AutoCloseable {
  @Override
  void close();
}
