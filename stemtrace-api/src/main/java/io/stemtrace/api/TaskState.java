package io.stemtrace.api;

/** Lifecycle state of one task attempt, as named on the wire (Celery's names). */
public enum TaskState {
  PENDING,
  RECEIVED,
  STARTED,
  SUCCESS,
  FAILURE,
  REVOKED,
  REJECTED,
  RETRY;

  /** True for states after which the same attempt sends nothing more. */
  public boolean isTerminal() {
    return this == SUCCESS || this == FAILURE || this == REVOKED || this == REJECTED;
  }

  /** True while a worker holds the task: received, running, or waiting to run again after a retry. */
  public boolean isRunning() {
    return this == RECEIVED || this == STARTED || this == RETRY;
  }
}
