package io.stemtrace;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Manual instrumentation: creates {@link TracedTask}s and keeps the thread's current task.
 *
 * <p>A task created while another is current becomes its child ({@code parent_id}, {@code root_id}
 * and {@code trace_id} follow). Emitting never blocks and never throws: the event is built on the
 * calling thread and queued; encoding and I/O happen on the publisher thread. Thread-safe.
 *
 * <pre>{@code
 * TracedTask task = tracer.newTask("billing.charge");
 * task.pending(List.of(orderId), null);
 * try (Scope scope = task.makeCurrent()) {
 *   task.started();
 *   task.success(charge(orderId));
 * } catch (Exception e) {
 *   task.failure(e);
 * }
 * }</pre>
 */
public final class TaskTracer {

  private final AsyncPublisher publisher;
  private final JsonValues values;
  private final boolean captureArgs;
  private final boolean captureResults;
  private final int maxTextBytes;
  private final Clock clock;

  /** the worker named on every event, or null for a pure client that announces no worker */
  private final String hostname;

  TaskTracer(
      AsyncPublisher publisher,
      JsonValues values,
      boolean captureArgs,
      boolean captureResults,
      int maxTextBytes,
      Clock clock,
      String hostname) {
    this.publisher = publisher;
    this.values = values;
    this.captureArgs = captureArgs;
    this.captureResults = captureResults;
    this.maxTextBytes = maxTextBytes;
    this.clock = clock;
    this.hostname = hostname;
  }

  /**
   * A new task, child of the thread's current task if there is one, else a new root. Emits nothing
   * yet.
   */
  public TracedTask newTask(String name) {
    return task(name).build();
  }

  /**
   * A new task, child of {@code parent} (for example extracted from headers), or a root when null.
   */
  public TracedTask newTask(String name, TaskContext parent) {
    return task(name).parent(parent).build();
  }

  /**
   * The task described by {@code context} itself, for example one that another process created,
   * sent PENDING for and passed along in message headers: events emitted through it carry the same
   * task id.
   */
  public TracedTask join(String name, TaskContext context) {
    Objects.requireNonNull(context, "context == null");
    return new TracedTask(
        this,
        context.taskId(),
        name,
        context.parentId(),
        context.rootId(),
        context.traceId(),
        context.groupId(),
        null,
        null,
        0);
  }

  /** Starts describing a task with more options (id, parent, group, chord). */
  public TaskBuilder task(String name) {
    return new TaskBuilder(this, name);
  }

  /** The thread's current task, or null. */
  public TaskContext currentContext() {
    return CurrentTask.get();
  }

  /** Makes {@code context} the thread's current task until the scope closes; null clears it. */
  public Scope withContext(TaskContext context) {
    return CurrentTask.open(context);
  }

  // ------------------------------------------------------------------ emitting (package-private)

  void emit(
      TracedTask task,
      TaskState state,
      int retries,
      Object args,
      Object kwargs,
      Object result,
      String exception,
      String traceback) {
    try {
      TaskEvent event =
          new TaskEvent(
              task.id(),
              task.name(),
              state,
              Instant.now(clock),
              task.parentId(),
              task.rootId(),
              task.groupId(),
              task.chordId(),
              task.chordCallbackId(),
              task.traceId(),
              retries,
              captureArgs ? values.convert(args) : null,
              captureArgs ? values.convert(kwargs) : null,
              captureResults ? values.convert(result) : null,
              cut(exception),
              cut(traceback),
              hostname);
      publisher.offer(event);
    } catch (RuntimeException | StackOverflowError e) {
      // instrumentation must never break the task; a broken event is not sent, and counted as
      // dropped
      publisher.countDropped();
    }
  }

  String describe(Throwable error) {
    if (error == null) return null;
    try {
      return error.toString();
    } catch (RuntimeException e) {
      return error.getClass().getName();
    }
  }

  String stackTrace(Throwable error) {
    if (error == null) return null;
    try {
      StringWriter text = new StringWriter(512);
      error.printStackTrace(new PrintWriter(text));
      return text.toString();
    } catch (RuntimeException e) {
      return describe(error);
    }
  }

  /**
   * The text cut to at most {@code maxTextBytes} of UTF-8 (the limit is in bytes, as documented),
   * marked.
   */
  private String cut(String text) {
    if (text == null || text.length() <= maxTextBytes / 3)
      return text; // fits even if every char took 3 bytes
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int width =
          c < 0x80
              ? 1
              : c < 0x800
                  ? 2
                  : Character.isHighSurrogate(c) ? 4 : Character.isLowSurrogate(c) ? 0 : 3;
      if (bytes + width > maxTextBytes) {
        return text.substring(0, i) + "...[Truncated: " + text.length() + " chars]";
      }
      bytes += width;
    }
    return text;
  }

  /** Options for a new task. Not thread-safe; build once. */
  public static final class TaskBuilder {
    private final TaskTracer tracer;
    private final String name;
    private String taskId;
    private TaskContext parent;
    private boolean parentSet;
    private String groupId;
    private String chordId;
    private String chordCallbackId;
    private int retries;

    TaskBuilder(TaskTracer tracer, String name) {
      this.tracer = tracer;
      this.name = name;
    }

    /** Uses this id instead of a new random one. */
    public TaskBuilder taskId(String taskId) {
      Objects.requireNonNull(taskId, "taskId == null");
      if (taskId.isEmpty()) throw new IllegalArgumentException("taskId is empty");
      this.taskId = taskId;
      return this;
    }

    /** The parent instead of the thread's current task; null makes the task a root. */
    public TaskBuilder parent(TaskContext parent) {
      this.parent = parent;
      this.parentSet = true;
      return this;
    }

    /** Makes the task a member of a group. */
    public TaskBuilder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** The chord id, for producers that send one. */
    public TaskBuilder chordId(String chordId) {
      this.chordId = chordId;
      return this;
    }

    /** Makes the task a chord header whose callback has this id. */
    public TaskBuilder chordCallbackId(String chordCallbackId) {
      this.chordCallbackId = chordCallbackId;
      return this;
    }

    /** Starts counting attempts at this number (0 for a first attempt). */
    public TaskBuilder retries(int retries) {
      if (retries < 0) throw new IllegalArgumentException("retries < 0: " + retries);
      this.retries = retries;
      return this;
    }

    public TracedTask build() {
      TaskContext parentContext = parentSet ? parent : CurrentTask.get();
      String id = taskId != null ? taskId : Ids.newId();
      if (parentContext == null) {
        return new TracedTask(
            tracer, id, name, null, id, id, groupId, chordId, chordCallbackId, retries);
      }
      return new TracedTask(
          tracer,
          id,
          name,
          parentContext.taskId(),
          parentContext.rootId(),
          parentContext.traceId(),
          groupId,
          chordId,
          chordCallbackId,
          retries);
    }
  }
}
