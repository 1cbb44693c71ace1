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

  /**
   * True while a worker holds the task: received, running, or waiting to run again after a retry.
   */
  public boolean isRunning() {
    return this == RECEIVED || this == STARTED || this == RETRY;
  }

  /** How far along one attempt this state is: terminal (2) beats running (1) beats PENDING (0). */
  public int progress() {
    if (isTerminal()) return 2;
    return this == PENDING ? 0 : 1;
  }

  /**
   * The one precedence rule for "which event decides a task's state", which the graph store, the
   * anomaly detector and the statistics all apply: an event of a later attempt wins; within an
   * attempt the state further along wins (a late PENDING never undoes a SUCCESS); at equal progress
   * the later time wins, a tie going to the candidate. Times are in any one unit (epoch
   * nanoseconds, say).
   *
   * @return true when the candidate (retries, state, time) beats the current one
   */
  public static boolean supersedes(
      int retries,
      TaskState state,
      long time,
      int currentRetries,
      TaskState current,
      long currentTime) {
    int order = compareAttempts(retries, state, currentRetries, current);
    return order != 0 ? order > 0 : time >= currentTime;
  }

  /**
   * The precedence rule without the time tie-break: attempt first, then progress within the
   * attempt.
   */
  static int compareAttempts(int retries, TaskState state, int otherRetries, TaskState other) {
    if (retries != otherRetries) return Integer.compare(retries, otherRetries);
    return Integer.compare(state.progress(), other.progress());
  }
}
