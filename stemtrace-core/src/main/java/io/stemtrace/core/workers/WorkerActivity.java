package io.stemtrace.core.workers;

import java.time.Instant;
import java.util.List;

/**
 * What the collector heard from one worker: whether it is alive, what it ran and when it started.
 *
 * @param hostname the worker's name
 * @param liveness online, offline (silent longer than the monitor's threshold) or shut down
 * @param lastHeardAt when the collector last received an event from it, on the collector's clock
 * @param lastEventAt the latest timestamp its events carried, on the worker's clock
 * @param processed task attempts that finished on it (SUCCESS, FAILURE, REVOKED or REJECTED)
 * @param succeeded of those, the SUCCESS ones
 * @param failed of those, the FAILURE ones
 * @param retried task attempts that ended in RETRY on it
 * @param active tasks running on it now (RECEIVED or STARTED, no later event)
 * @param startCount how many times it started (worker_ready with a new pid, or after a shutdown)
 * @param starts its latest starts, oldest first, at most {@link WorkerMonitor#MAX_STARTS_KEPT}
 */
public record WorkerActivity(
    String hostname,
    Liveness liveness,
    Instant lastHeardAt,
    Instant lastEventAt,
    long processed,
    long succeeded,
    long failed,
    long retried,
    int active,
    long startCount,
    List<Start> starts) {

  public WorkerActivity {
    starts = List.copyOf(starts);
  }

  /** Restarts: every start after the first. */
  public long restartCount() {
    return Math.max(0, startCount - 1);
  }

  /** Whether a worker is up. */
  public enum Liveness {
    /** heard from within the threshold */
    ONLINE,
    /** silent for longer than the threshold, without saying goodbye */
    OFFLINE,
    /** its latest word was worker_shutdown */
    SHUT_DOWN
  }

  /**
   * One run of a worker process.
   *
   * @param pid its process id
   * @param startedAt the worker_ready that began it, on the worker's clock
   * @param stoppedAt the worker_shutdown that ended it, or null while it runs or when it ended
   *     without one (a crash, or a restart the collector only saw as a new pid)
   */
  public record Start(long pid, Instant startedAt, Instant stoppedAt) {}
}
