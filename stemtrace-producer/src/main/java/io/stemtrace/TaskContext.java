package io.stemtrace;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who a task is in its workflow: its id and the ids that link it to its parent, root and trace. The
 * current task of a thread is a {@code TaskContext}; tasks started while it is current become its
 * children. Contexts cross process boundaries as message headers ({@link Stemtrace#inject}, {@link
 * Stemtrace#extract}).
 *
 * @param taskId the task
 * @param parentId the task that spawned it, null for a root
 * @param rootId the first task of its workflow (its own id for a root)
 * @param traceId a correlation id shared by the whole workflow, across processes
 * @param groupId the group the task belongs to, if any
 */
public record TaskContext(
    String taskId, String parentId, String rootId, String traceId, String groupId) {

  /** Header carrying {@link #taskId}. */
  public static final String TASK_ID_HEADER = "stemtrace-task-id";

  /** Header carrying {@link #parentId}. */
  public static final String PARENT_ID_HEADER = "stemtrace-parent-id";

  /** Header carrying {@link #rootId}. */
  public static final String ROOT_ID_HEADER = "stemtrace-root-id";

  /** Header carrying {@link #traceId}. */
  public static final String TRACE_ID_HEADER = "stemtrace-trace-id";

  /** Header carrying {@link #groupId}. */
  public static final String GROUP_ID_HEADER = "stemtrace-group-id";

  public TaskContext {
    if (taskId == null) throw new NullPointerException("taskId == null");
    if (taskId.isEmpty()) throw new IllegalArgumentException("taskId is empty");
    if (rootId == null) rootId = taskId;
    if (traceId == null) traceId = rootId;
  }

  /** Writes this context into message headers, replacing stemtrace headers already there. */
  void injectInto(Map<String, String> headers) {
    headers.put(TASK_ID_HEADER, taskId);
    putOrRemove(headers, PARENT_ID_HEADER, parentId);
    headers.put(ROOT_ID_HEADER, rootId);
    headers.put(TRACE_ID_HEADER, traceId);
    putOrRemove(headers, GROUP_ID_HEADER, groupId);
  }

  /** Reads a context from message headers, matching header names case-insensitively. */
  static Optional<TaskContext> extractFrom(Map<String, String> headers) {
    String taskId = header(headers, TASK_ID_HEADER);
    if (taskId == null || taskId.isBlank()) return Optional.empty();
    return Optional.of(
        new TaskContext(
            taskId.trim(),
            blankToNull(header(headers, PARENT_ID_HEADER)),
            blankToNull(header(headers, ROOT_ID_HEADER)),
            blankToNull(header(headers, TRACE_ID_HEADER)),
            blankToNull(header(headers, GROUP_ID_HEADER))));
  }

  private static void putOrRemove(Map<String, String> headers, String name, String value) {
    if (value == null) {
      headers.remove(name);
    } else {
      headers.put(name, value);
    }
  }

  private static String header(Map<String, String> headers, String name) {
    String value = headers.get(name);
    if (value != null) return value;
    // HTTP stacks and brokers change the case of header names
    for (Map.Entry<String, String> entry : headers.entrySet()) {
      if (entry.getKey() != null && entry.getKey().toLowerCase(Locale.ROOT).equals(name))
        return entry.getValue();
    }
    return null;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
