package io.stemtrace.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the store knows of one worker.
 *
 * @param hostname the worker's name
 * @param pid its process id
 * @param registeredTasks the task names it runs
 * @param taskDefinitions details per task name
 * @param status online after worker_ready, offline after worker_shutdown
 * @param registeredAt when its running process first sent worker_ready (a repeated one, a
 *     heartbeat, does not move it)
 * @param lastSeen its latest event
 */
public record WorkerInfo(
    String hostname,
    long pid,
    List<String> registeredTasks,
    Map<String, RegisteredTaskDefinition> taskDefinitions,
    Status status,
    Instant registeredAt,
    Instant lastSeen) {

  /** Whether a worker is up. */
  public enum Status {
    ONLINE,
    OFFLINE
  }

  public WorkerInfo {
    registeredTasks = List.copyOf(registeredTasks);
    taskDefinitions = Collections.unmodifiableMap(new LinkedHashMap<>(taskDefinitions));
  }
}
