package io.stemtrace.core;

import java.time.Duration;

/**
 * The bounds every view of workers in the collector keeps (the store's registry and anomaly
 * detection), so that a flood of host names or of registered task names costs a stated amount of
 * memory: at most {@link #MAX_WORKERS} workers and {@link #MAX_REGISTERED_NAMES} registered task
 * names in all, at most {@link #MAX_REGISTERED_PER_WORKER} per worker (the rest of a worker's list
 * is not kept). A worker offline for {@link #OFFLINE_RETENTION} of event time is forgotten; beyond
 * the caps the worker heard from least recently goes first, offline ones before online ones.
 */
public final class WorkerLimits {

  public static final int MAX_WORKERS = 1_000;
  public static final int MAX_REGISTERED_PER_WORKER = 10_000;
  public static final int MAX_REGISTERED_NAMES = 100_000;
  public static final Duration OFFLINE_RETENTION = Duration.ofDays(1);

  private WorkerLimits() {}
}
