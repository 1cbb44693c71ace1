package io.stemtrace.server;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The anomaly and liveness thresholds of the standalone server, from {@code --stuck-pending-after},
 * {@code --stuck-started-after}, {@code --chord-join-within}, {@code --worker-offline-after} and
 * {@code --anomaly-retention} or their {@code STEMTRACE_*} variables (flags win). A null threshold
 * leaves the handler's default (or the demo's shorter one).
 *
 * @param stuckPendingAfter a task PENDING longer than this is reported stuck
 * @param stuckStartedAfter a task STARTED longer than this is reported stuck
 * @param chordJoinWithin a chord callback not started this long after its header finished is
 *     reported
 * @param workerOfflineAfter a worker not heard from this long shows as offline
 * @param anomalyRetention a resolved anomaly group stays listed this long
 */
record AnomalyOptions(
    Duration stuckPendingAfter,
    Duration stuckStartedAfter,
    Duration chordJoinWithin,
    Duration workerOfflineAfter,
    Duration anomalyRetention) {

  static final AnomalyOptions DEFAULTS = new AnomalyOptions(null, null, null, null, null);

  /**
   * Hands each threshold that was given to its setter (a collector's or a dashboard handler's
   * builder); the others keep the builder's defaults.
   */
  void applyTo(
      Consumer<Duration> stuckPending,
      Consumer<Duration> stuckStarted,
      Consumer<Duration> chordJoin,
      Consumer<Duration> workerOffline,
      Consumer<Duration> retention) {
    if (stuckPendingAfter != null) stuckPending.accept(stuckPendingAfter);
    if (stuckStartedAfter != null) stuckStarted.accept(stuckStartedAfter);
    if (chordJoinWithin != null) chordJoin.accept(chordJoinWithin);
    if (workerOfflineAfter != null) workerOffline.accept(workerOfflineAfter);
    if (anomalyRetention != null) retention.accept(anomalyRetention);
  }

  static final Set<String> FLAGS =
      Set.of(
          "--stuck-pending-after",
          "--stuck-started-after",
          "--chord-join-within",
          "--worker-offline-after",
          "--anomaly-retention");

  static final String USAGE =
      String.join(
          "\n",
          "Anomaly thresholds (durations like 90s, 5m, 2h or PT5M):",
          "  --stuck-pending-after T  PENDING longer than this is stuck (env STEMTRACE_STUCK_PENDING_AFTER, default 5m)",
          "  --stuck-started-after T  STARTED longer than this is stuck (env STEMTRACE_STUCK_STARTED_AFTER, default 30m)",
          "  --chord-join-within T    a chord callback must start this soon after its header finished",
          "                           (env STEMTRACE_CHORD_JOIN_WITHIN, default 1m)",
          "  --worker-offline-after T a worker not heard from this long (no heartbeat, no task event)",
          "                           shows as offline (env STEMTRACE_WORKER_OFFLINE_AFTER, default 90s)",
          "  --anomaly-retention T    an anomaly group whose anomalies all resolved stays listed this long",
          "                           (env STEMTRACE_ANOMALY_RETENTION, default 1h)");

  /** Reads the thresholds from the flags given (name to value), the environment filling in. */
  static AnomalyOptions parse(Map<String, String> flags, Map<String, String> env)
      throws CliOptions.UsageException {
    return new AnomalyOptions(
        threshold("--stuck-pending-after", flags, "STEMTRACE_STUCK_PENDING_AFTER", env),
        threshold("--stuck-started-after", flags, "STEMTRACE_STUCK_STARTED_AFTER", env),
        threshold("--chord-join-within", flags, "STEMTRACE_CHORD_JOIN_WITHIN", env),
        threshold("--worker-offline-after", flags, "STEMTRACE_WORKER_OFFLINE_AFTER", env),
        threshold("--anomaly-retention", flags, "STEMTRACE_ANOMALY_RETENTION", env));
  }

  private static Duration threshold(
      String flag, Map<String, String> flags, String variable, Map<String, String> env)
      throws CliOptions.UsageException {
    if (flags.containsKey(flag)) return SecurityOptions.duration(flag, flags.get(flag));
    String value = env.get(variable);
    return value == null || value.isBlank() ? null : SecurityOptions.duration(variable, value);
  }
}
