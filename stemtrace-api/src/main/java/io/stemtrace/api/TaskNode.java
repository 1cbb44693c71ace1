package io.stemtrace.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one task as the store understands it, built from all of its events.
 *
 * @param id the task id
 * @param name the task name, null until an event carried one
 * @param state the current state: by attempt, and terminal over non-terminal within an attempt
 * @param parentId the spawning task, with self-parents ignored; null for roots
 * @param rootId the id of the workflow the task belongs to (a task or container id)
 * @param groupId the group id, if any
 * @param chordId the chord id, if any
 * @param chordCallbackId for chord header tasks, the callback's id
 * @param traceId the trace id, if any
 * @param retries the highest attempt number seen
 * @param args the latest non-null args
 * @param kwargs the latest non-null kwargs
 * @param result the result of the winning terminal event, if any
 * @param exception the latest exception text, if any
 * @param traceback the latest traceback, if any
 * @param events every distinct event received, sorted by timestamp
 * @param attempts one entry per attempt, by attempt number
 * @param firstSeen the earliest event timestamp
 * @param lastUpdated the latest event timestamp
 * @param queueTime first PENDING or RECEIVED to first STARTED, or null
 * @param runTime STARTED to terminal of the winning attempt, or null
 * @param childIds ids of the tasks whose parent is this task, oldest first
 * @param hostname the worker named by the latest event that named one (the worker of the latest
 *     attempt), or null when no event did (Python stemtrace 0.3 names none)
 */
public record TaskNode(
    String id,
    String name,
    TaskState state,
    String parentId,
    String rootId,
    String groupId,
    String chordId,
    String chordCallbackId,
    String traceId,
    int retries,
    Object args,
    Object kwargs,
    Object result,
    String exception,
    String traceback,
    List<TaskEvent> events,
    List<Attempt> attempts,
    Instant firstSeen,
    Instant lastUpdated,
    Duration queueTime,
    Duration runTime,
    List<String> childIds,
    String hostname) {

  public TaskNode {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(state, "state == null");
    events = List.copyOf(events);
    attempts = List.copyOf(attempts);
    childIds = List.copyOf(childIds);
  }

  /** A task without a known worker. */
  public TaskNode(
      String id,
      String name,
      TaskState state,
      String parentId,
      String rootId,
      String groupId,
      String chordId,
      String chordCallbackId,
      String traceId,
      int retries,
      Object args,
      Object kwargs,
      Object result,
      String exception,
      String traceback,
      List<TaskEvent> events,
      List<Attempt> attempts,
      Instant firstSeen,
      Instant lastUpdated,
      Duration queueTime,
      Duration runTime,
      List<String> childIds) {
    this(
        id,
        name,
        state,
        parentId,
        rootId,
        groupId,
        chordId,
        chordCallbackId,
        traceId,
        retries,
        args,
        kwargs,
        result,
        exception,
        traceback,
        events,
        attempts,
        firstSeen,
        lastUpdated,
        queueTime,
        runTime,
        childIds,
        null);
  }
}
