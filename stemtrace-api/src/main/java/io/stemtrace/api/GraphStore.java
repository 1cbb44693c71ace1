package io.stemtrace.api;

import java.util.List;
import java.util.Optional;

/**
 * Builds workflow graphs from events and answers queries over them.
 *
 * <p>Contract (checked by the shared GraphStore contract test): events may arrive in any order and
 * more than once; every task appears exactly once in any graph; a late event never moves a task
 * back from a terminal state of the same attempt, and a later attempt beats an earlier one;
 * applying one event costs O(1) amortised; memory is bounded by evicting whole oldest workflows.
 * Implementations are thread-safe: one consumer thread applies while any number of threads query.
 */
public interface GraphStore extends AutoCloseable {

  /**
   * Applies a task event. Never throws for well-formed events; an exact duplicate changes nothing.
   */
  void apply(TaskEvent event);

  /** Applies a worker event to the worker registry. */
  void apply(WorkerEvent event);

  /** Applies either kind of event. */
  default void apply(StemtraceEvent event) {
    if (event instanceof TaskEvent task) {
      apply(task);
    } else if (event instanceof WorkerEvent worker) {
      apply(worker);
    }
  }

  /** One task with its events and attempts. */
  Optional<TaskNode> task(String taskId);

  /** The tasks this task spawned directly (by parent id), oldest first; empty when unknown. */
  List<TaskNode> children(String taskId);

  /**
   * A page of tasks matching the query, newest first: by when the store first heard of the task
   * (arrival order), which keeps pages stable while late events arrive; the {@code from}/{@code to}
   * filters use the tasks' own first-seen timestamps.
   *
   * <p>Keyset paging: the page's {@link Page#nextCursor()}, passed as the next query's cursor,
   * starts the next page right after this page's last row by the store's own stable order, so
   * paging through a list while tasks arrive returns every task at most once and skips none that
   * was there when the first page was read. A cursor the store cannot read throws {@link
   * InvalidCursorException}.
   */
  Page<TaskNode> tasks(TaskQuery query);

  /**
   * A page of workflows matching the query, newest first, paged by cursor as {@link #tasks} is (a
   * workflow that a late link merges into an older one takes the older one's place).
   */
  Page<WorkflowSummary> workflows(WorkflowQuery query);

  /**
   * One workflow's graph by its root id (a task id, or a container id such as {@code group:<id>}
   * when a group or chord has no parent task).
   */
  Optional<WorkflowGraph> workflow(String rootId);

  /**
   * The summary of one workflow by its root id, as {@link #workflows} lists it: the one place its
   * duration and whether it finished are decided, so that every page shows the same figures. The
   * default derives it from {@link #workflow}; a store that keeps the figures answers faster.
   */
  default Optional<WorkflowSummary> workflowSummary(String rootId) {
    return workflow(rootId).map(WorkflowSummary::of);
  }

  /** The id of the workflow (its root id) a task belongs to now. */
  Optional<String> workflowOf(String taskId);

  /** Every worker seen, online first, then by host name. */
  List<WorkerInfo> workers();

  /** One worker by host name. */
  Optional<WorkerInfo> worker(String hostname);

  /**
   * Every task name known from workers or events.
   *
   * @param query case-insensitive substring of the name, or null for all
   * @param status only entries with this status, or null for all
   */
  List<RegistryEntry> registry(String query, RegistryEntry.Status status);

  /** How many task nodes the store holds. */
  long taskCount();

  /** How many workflows the store holds. */
  long workflowCount();

  /** Releases what the store holds. The in-memory store has nothing to release. */
  @Override
  default void close() {}
}
