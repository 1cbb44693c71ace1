package io.stemtrace.core.anomaly;

/** What can be wrong with a task or a chord, as named in the API. */
public enum AnomalyType {
  /** A PENDING task whose name no known worker registers: nothing will ever run it. */
  UNREGISTERED,
  /**
   * Waiting to run (PENDING, RECEIVED or RETRY) for longer than the threshold, although a worker
   * registers it.
   */
  STUCK_PENDING,
  /** STARTED on a worker that then sent worker_shutdown, with no terminal event since. */
  INTERRUPTED,
  /** STARTED for longer than the threshold with no terminal event. */
  STUCK_STARTED,
  /**
   * Every header task of a chord succeeded, but the callback did not start within the threshold.
   */
  CHORD_NOT_JOINED
}
