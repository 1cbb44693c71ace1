package io.stemtrace.testing;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes event streams shaped like the ones Celery and stemtrace producers send for canvases
 * (chains, groups, chords, retries), for tests that assert graph shapes without a broker. Like
 * Celery, PENDING carries no structure (no parent, root or group); the later events do. Each event
 * is one millisecond after the previous one, so timestamps follow the order tasks are written in.
 */
public final class CanvasEvents {

  private final List<TaskEvent> events = new ArrayList<>();
  private Instant clock;
  private int nextId;

  public CanvasEvents(Instant start) {
    this.clock = start;
  }

  public CanvasEvents() {
    this(Instant.parse("2026-11-26T03:00:00Z"));
  }

  /** A fresh task id with a readable label. */
  public String id(String label) {
    return String.format("%s-%04d", label, ++nextId);
  }

  /** Starts describing one task run; {@link Run#emit()} writes its events. */
  public Run task(String id, String name) {
    return new Run(id, name);
  }

  /** Every event written so far, in the order written. */
  public List<TaskEvent> events() {
    return List.copyOf(events);
  }

  /** The events reversed. */
  public List<TaskEvent> reversed() {
    List<TaskEvent> copy = new ArrayList<>(events);
    Collections.reverse(copy);
    return copy;
  }

  /** The events in a random order decided by {@code seed}. */
  public List<TaskEvent> shuffled(long seed) {
    List<TaskEvent> copy = new ArrayList<>(events);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  /** Moves the clock on, for gaps between runs. */
  public CanvasEvents pause(Duration gap) {
    clock = clock.plus(gap);
    return this;
  }

  private Instant tick() {
    clock = clock.plusMillis(1);
    return clock;
  }

  /**
   * One task's run: PENDING, then per attempt STARTED and RETRY, then STARTED and the final state.
   */
  public final class Run {
    private final TaskEvent.Builder template;
    private final String id;
    private int retries;
    private TaskState outcome = TaskState.SUCCESS;
    private boolean pendingOnly;

    Run(String id, String name) {
      this.id = id;
      // the template carries the structure; every emitted event gets its own time from tick()
      this.template =
          TaskEvent.builder(id, TaskState.PENDING).name(name).rootId(id).timestamp(Instant.EPOCH);
    }

    public Run parent(String parentId) {
      template.parentId(parentId);
      return this;
    }

    public Run root(String rootId) {
      template.rootId(rootId);
      return this;
    }

    public Run group(String groupId) {
      template.groupId(groupId);
      return this;
    }

    /** Makes this task a chord header whose callback is {@code callbackId}. */
    public Run chordCallback(String callbackId) {
      template.chordCallbackId(callbackId);
      return this;
    }

    /** Retries {@code times} before the outcome. */
    public Run retries(int times) {
      this.retries = times;
      return this;
    }

    /** The final state: SUCCESS by default, or FAILURE, REVOKED, REJECTED. */
    public Run outcome(TaskState state) {
      this.outcome = state;
      return this;
    }

    /** Only a PENDING event: the task never ran. */
    public Run pendingOnly() {
      this.pendingOnly = true;
      return this;
    }

    /** Writes the events and returns the task id. */
    public String emit() {
      TaskEvent structured = template.build();
      events.add(
          TaskEvent.builder(id, TaskState.PENDING)
              .name(structured.name())
              .timestamp(tick())
              .args(List.of(1, 2))
              .build());
      if (pendingOnly) return id;
      for (int attempt = 0; attempt < retries; attempt++) {
        events.add(
            structured.toBuilder()
                .state(TaskState.STARTED)
                .retries(attempt)
                .timestamp(tick())
                .build());
        events.add(
            structured.toBuilder()
                .state(TaskState.RETRY)
                .retries(attempt)
                .timestamp(tick())
                .exception("TimeoutError()")
                .build());
      }
      if (outcome != TaskState.REVOKED) {
        events.add(
            structured.toBuilder()
                .state(TaskState.STARTED)
                .retries(retries)
                .timestamp(tick())
                .build());
      }
      TaskEvent.Builder last =
          structured.toBuilder().state(outcome).retries(retries).timestamp(tick());
      if (outcome == TaskState.SUCCESS) last.result(3);
      if (outcome == TaskState.FAILURE)
        last.exception("ValueError('boom')").traceback("Traceback ...");
      events.add(last.build());
      return id;
    }
  }
}
