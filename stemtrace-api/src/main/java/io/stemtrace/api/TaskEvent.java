package io.stemtrace.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One lifecycle event of one task attempt. Field names follow the wire format (snake_case there).
 *
 * <p>{@code args}, {@code kwargs} and {@code result} are JSON values: {@code null}, {@link String},
 * {@link Number}, {@link Boolean}, {@link java.util.List} or {@link java.util.Map} trees. Treat
 * them as immutable; the codec hands out unmodifiable trees.
 *
 * @param taskId unique id of the task (all attempts share it)
 * @param name task name such as {@code capp.add}; may be null when a producer did not send one
 * @param state the state this event reports
 * @param timestamp when it happened at the source
 * @param parentId the task that spawned this one, if any (Celery may send the task's own id after a
 *     retry)
 * @param rootId the first task of the workflow, a hint only: producers disagree on it
 * @param groupId the group this task belongs to, if any
 * @param chordId the chord this task belongs to, if the producer sends it
 * @param chordCallbackId for chord header tasks, the id of the callback that runs once all of them
 *     finished
 * @param traceId a correlation id across processes, if any
 * @param retries which attempt this is, 0 for the first
 * @param hostname the worker that reported the event ({@code name@host}), if the producer sends it;
 *     Python stemtrace 0.3 does not
 */
public record TaskEvent(
    String taskId,
    String name,
    TaskState state,
    Instant timestamp,
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
    String hostname)
    implements StemtraceEvent {

  public TaskEvent {
    Objects.requireNonNull(taskId, "taskId == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(timestamp, "timestamp == null");
    if (taskId.isEmpty()) throw new IllegalArgumentException("taskId is empty");
    if (retries < 0) throw new IllegalArgumentException("retries < 0: " + retries);
  }

  /** An event without a worker host name, as Python stemtrace 0.3 sends them. */
  public TaskEvent(
      String taskId,
      String name,
      TaskState state,
      Instant timestamp,
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
      String traceback) {
    this(
        taskId,
        name,
        state,
        timestamp,
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
        null);
  }

  /**
   * True when this event decides the task's state over one of (retries, state, time): the rule of
   * {@link TaskState#supersedes}.
   */
  public boolean supersedes(int currentRetries, TaskState current, Instant currentTime) {
    int order = TaskState.compareAttempts(retries, state, currentRetries, current);
    return order != 0 ? order > 0 : !timestamp.isBefore(currentTime);
  }

  /** True when this event decides the task's state over {@code current} (or there is none). */
  public boolean supersedes(TaskEvent current) {
    return current == null || supersedes(current.retries, current.state, current.timestamp);
  }

  public static Builder builder(String taskId, TaskState state) {
    return new Builder().taskId(taskId).state(state);
  }

  public Builder toBuilder() {
    return new Builder()
        .taskId(taskId)
        .name(name)
        .state(state)
        .timestamp(timestamp)
        .parentId(parentId)
        .rootId(rootId)
        .groupId(groupId)
        .chordId(chordId)
        .chordCallbackId(chordCallbackId)
        .traceId(traceId)
        .retries(retries)
        .args(args)
        .kwargs(kwargs)
        .result(result)
        .exception(exception)
        .traceback(traceback)
        .hostname(hostname);
  }

  /**
   * Builds a {@link TaskEvent}. The timestamp is required: an event's time comes from the caller's
   * clock, never from a clock read hidden in a builder. Not thread-safe.
   */
  public static final class Builder {
    private String taskId;
    private String name;
    private TaskState state;
    private Instant timestamp;
    private String parentId;
    private String rootId;
    private String groupId;
    private String chordId;
    private String chordCallbackId;
    private String traceId;
    private int retries;
    private Object args;
    private Object kwargs;
    private Object result;
    private String exception;
    private String traceback;
    private String hostname;

    Builder() {}

    public Builder taskId(String taskId) {
      this.taskId = taskId;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder state(TaskState state) {
      this.state = state;
      return this;
    }

    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder parentId(String parentId) {
      this.parentId = parentId;
      return this;
    }

    public Builder rootId(String rootId) {
      this.rootId = rootId;
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    public Builder chordId(String chordId) {
      this.chordId = chordId;
      return this;
    }

    public Builder chordCallbackId(String id) {
      this.chordCallbackId = id;
      return this;
    }

    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    public Builder args(Object args) {
      this.args = args;
      return this;
    }

    public Builder kwargs(Object kwargs) {
      this.kwargs = kwargs;
      return this;
    }

    public Builder result(Object result) {
      this.result = result;
      return this;
    }

    public Builder exception(String exception) {
      this.exception = exception;
      return this;
    }

    public Builder traceback(String traceback) {
      this.traceback = traceback;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public TaskEvent build() {
      return new TaskEvent(
          taskId,
          name,
          state,
          timestamp,
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
          hostname);
    }
  }
}
