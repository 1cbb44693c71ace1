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

  /**
   * Applies an event that arrived as {@code encoded}, its bytes on the wire: a store that keeps
   * events keeps these bytes rather than encoding the event again. The default applies the event.
   */
  default void apply(StemtraceEvent event, byte[] encoded) {
    apply(event);
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

  /**
   * Makes every event applied so far durable. The consumer calls it after each batch, before the
   * transport acknowledges the batch, so a store that writes to a database loses nothing a broker
   * counts as consumed. The in-memory store has nothing to do.
   *
   * @throws RuntimeException when the events could not be made durable; they stay pending and the
   *     next call tries again
   */
  default void flush() {}

  /**
   * Hands the events this store kept from before it was opened to {@code sink}, in batches and in
   * the order they were committed, so that a collector's listeners (anomalies, statistics, workers)
   * see them as they would a broker's. The store applies what passes through the sink without
   * writing it again. A collector calls it once, before it consumes; the in-memory store kept
   * nothing.
   *
   * @return how many events were handed over
   */
  default long replayInto(EventSink sink) {
    return 0;
  }

  /**
   * For a store that several processes share: a transport delivering what other processes commit to
   * it after what {@link #replayInto} handed over, so that a dashboard with no broker consumer of
   * its own stays live. Subscribing to it makes this store read-only: it applies what it is given
   * and writes nothing. Empty for a store no other process can see.
   */
  default Optional<Transport> sharedFeed() {
    return Optional.empty();
  }

  /**
   * Blocks until this process is the only one writing to the store, and stays so while the store is
   * open: a second collector on the same store stands by here and takes over when the first stops.
   * Returns at once for a store no other process shares.
   *
   * @throws InterruptedException when interrupted while standing by
   */
  default void awaitExclusiveWrites() throws InterruptedException {}

  /** Releases what the store holds. The in-memory store has nothing to release. */
  @Override
  default void close() {}
}
