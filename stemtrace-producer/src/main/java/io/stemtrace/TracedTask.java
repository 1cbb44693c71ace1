package io.stemtrace;

import io.stemtrace.api.TaskState;

/**
 * One task being traced: its identity (id, name, parent, root, trace, group, chord) is fixed; its
 * attempt number grows with {@link #retry}. Each method emits one lifecycle event, never blocks and
 * never throws. Thread-safe: a task may be announced on one thread and run on another.
 */
public final class TracedTask {

  private final TaskTracer tracer;
  private final String id;
  private final String name;
  private final String parentId;
  private final String rootId;
  private final String traceId;
  private final String groupId;
  private final String chordId;
  private final String chordCallbackId;
  private final TaskContext context;
  private volatile int retries;

  TracedTask(
      TaskTracer tracer,
      String id,
      String name,
      String parentId,
      String rootId,
      String traceId,
      String groupId,
      String chordId,
      String chordCallbackId,
      int retries) {
    this.tracer = tracer;
    this.id = id;
    this.name = name;
    this.parentId = parentId;
    this.rootId = rootId;
    this.traceId = traceId;
    this.groupId = groupId;
    this.chordId = chordId;
    this.chordCallbackId = chordCallbackId;
    this.retries = retries;
    this.context = new TaskContext(id, parentId, rootId, traceId, groupId);
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String parentId() {
    return parentId;
  }

  public String rootId() {
    return rootId;
  }

  public String traceId() {
    return traceId;
  }

  public String groupId() {
    return groupId;
  }

  public String chordId() {
    return chordId;
  }

  public String chordCallbackId() {
    return chordCallbackId;
  }

  /** The current attempt, 0 for the first. */
  public int retries() {
    return retries;
  }

  /** This task as a context: to make current, or to inject into message headers. */
  public TaskContext context() {
    return context;
  }

  /** Makes this task the thread's current task until the scope closes. */
  public Scope makeCurrent() {
    return CurrentTask.open(context);
  }

  /** Sent or queued, not running yet. */
  public TracedTask pending() {
    return pending(null, null);
  }

  /** Sent or queued with these arguments (a list of positional values and a map of named ones). */
  public TracedTask pending(Object args, Object kwargs) {
    return emit(TaskState.PENDING, args, kwargs, null, null, null);
  }

  /** Taken by a worker. */
  public TracedTask received() {
    return emit(TaskState.RECEIVED, null, null, null, null, null);
  }

  /** Running now. */
  public TracedTask started() {
    return started(null, null);
  }

  /** Running now, with these arguments. */
  public TracedTask started(Object args, Object kwargs) {
    return emit(TaskState.STARTED, args, kwargs, null, null, null);
  }

  /** Finished with this result. */
  public TracedTask success(Object result) {
    return emit(TaskState.SUCCESS, null, null, result, null, null);
  }

  /** Failed with this error; its stack trace becomes the traceback. */
  public TracedTask failure(Throwable error) {
    return emit(
        TaskState.FAILURE, null, null, null, tracer.describe(error), tracer.stackTrace(error));
  }

  /** Failed, described as text (for errors that are not Java exceptions). */
  public TracedTask failure(String exception, String traceback) {
    return emit(TaskState.FAILURE, null, null, null, exception, traceback);
  }

  /**
   * This attempt failed with {@code error} and the task will run again: emits RETRY for the current
   * attempt, then counts the next attempt, so the following {@link #started} carries {@code retries
   * + 1}.
   */
  public TracedTask retry(Throwable error) {
    return retry(tracer.describe(error), tracer.stackTrace(error));
  }

  /** As {@link #retry(Throwable)}, with the reason as text. */
  public synchronized TracedTask retry(String exception, String traceback) {
    emit(TaskState.RETRY, null, null, null, exception, traceback);
    retries++;
    return this;
  }

  /** Cancelled before or while running. */
  public TracedTask revoked() {
    return emit(TaskState.REVOKED, null, null, null, null, null);
  }

  /** Refused by the worker or executor. */
  public TracedTask rejected(Throwable error) {
    return emit(TaskState.REJECTED, null, null, null, tracer.describe(error), null);
  }

  /** Emits any state with any payload, for the cases the other methods do not cover. */
  public TracedTask emit(
      TaskState state,
      Object args,
      Object kwargs,
      Object result,
      String exception,
      String traceback) {
    if (state == null) return this;
    tracer.emit(this, state, retries, args, kwargs, result, exception, traceback);
    return this;
  }

  @Override
  public String toString() {
    return "TracedTask{" + name + " " + id + "}";
  }
}
