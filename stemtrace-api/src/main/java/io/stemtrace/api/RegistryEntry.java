package io.stemtrace.api;

import java.time.Instant;
import java.util.List;

/**
 * One task name in the registry: what workers declared about it and how often it ran.
 *
 * @param name the task name
 * @param module from the workers' definitions, may be null
 * @param signature from the workers' definitions, may be null
 * @param docstring from the workers' definitions, may be null
 * @param bound from the workers' definitions
 * @param executionCount how many tasks of this name the store holds
 * @param registeredBy host names of the workers that register it, sorted
 * @param lastRun the latest first-seen time of a task of this name, or null
 * @param status see {@link Status}
 */
public record RegistryEntry(
    String name,
    String module,
    String signature,
    String docstring,
    boolean bound,
    long executionCount,
    List<String> registeredBy,
    Instant lastRun,
    Status status) {

  /** Registry badges. */
  public enum Status {
    /** registered by a worker and seen running */
    ACTIVE,
    /** registered by a worker, never seen */
    NEVER_RUN,
    /** seen in events but no known worker registers it */
    NOT_REGISTERED
  }

  public RegistryEntry {
    registeredBy = List.copyOf(registeredBy);
  }
}
