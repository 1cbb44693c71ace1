package io.stemtrace.core.graph;

import io.stemtrace.api.Attempt;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Builds immutable {@link TaskNode} views from a record and its events. Called under the store's
 * read lock.
 */
final class Snapshots {

  private Snapshots() {}

  static TaskNode task(TaskRecord task, String rootId) {
    TaskEvent[] events = new TaskEvent[task.eventCount];
    for (int i = 0; i < events.length; i++) events[i] = task.event(i);
    Object args = null;
    Object kwargs = null;
    String exception = null;
    String traceback = null;
    String name = task.name.name;
    String hostname = null;
    int retries = 0;
    Instant firstPending = null;
    Instant firstStarted = null;
    int winnerAttempt = TaskRecord.retries(task.winnerMeta);
    for (int i = events.length - 1; i >= 0; i--) {
      TaskEvent event = events[i];
      if (args == null) args = event.args();
      if (kwargs == null) kwargs = event.kwargs();
      // the task's own exception is the one of the attempt that decided its state: a task that
      // retried and
      // then succeeded has none (the retries keep theirs on their attempts)
      if (event.retries() == winnerAttempt) {
        if (exception == null) exception = event.exception();
        if (traceback == null) traceback = event.traceback();
      }
      if (name == null) name = event.name();
      if (hostname == null) hostname = event.hostname();
    }
    for (TaskEvent event : events) {
      retries = Math.max(retries, event.retries());
      // queued from the first PENDING or RECEIVED, whichever came first: a task that a worker
      // received without a PENDING being published was queued all the same (DESIGN.md; the task
      // page's timeline uses the same start)
      if (firstPending == null
          && (event.state() == TaskState.PENDING || event.state() == TaskState.RECEIVED))
        firstPending = event.timestamp();
      if (firstStarted == null && event.state() == TaskState.STARTED)
        firstStarted = event.timestamp();
    }
    int winnerIndex = task.winnerIndex();
    TaskEvent winner = winnerIndex < 0 ? null : events[winnerIndex];
    TaskState state = task.state();
    List<Attempt> attempts = attempts(events);
    Duration runTime = null;
    for (Attempt attempt : attempts) {
      if (attempt.number() == winnerAttempt && attempt.state().isTerminal())
        runTime = attempt.runTime();
    }
    Duration queueTime =
        firstPending != null && firstStarted != null && !firstStarted.isBefore(firstPending)
            ? Duration.between(firstPending, firstStarted)
            : null;
    return new TaskNode(
        task.id,
        name,
        state,
        task.parentId,
        rootId,
        task.group == null ? null : task.group.groupId,
        task.chordId,
        task.chordCallbackId,
        task.traceId,
        retries,
        args,
        kwargs,
        winner != null && state.isTerminal() ? winner.result() : null,
        exception,
        traceback,
        Arrays.asList(events),
        attempts,
        task.firstSeen(),
        task.lastUpdated(),
        queueTime,
        runTime,
        childIds(task),
        hostname);
  }

  /**
   * One attempt per distinct {@code retries} value, by number; events are sorted by time already.
   */
  static List<Attempt> attempts(TaskEvent[] events) {
    int[] distinct = new int[events.length];
    int count = 0;
    for (TaskEvent event : events) {
      int number = event.retries();
      boolean seen = false;
      for (int i = 0; i < count && !seen; i++) seen = distinct[i] == number;
      if (!seen) distinct[count++] = number;
    }
    distinct = Arrays.copyOf(distinct, count);
    Arrays.sort(distinct);
    List<Attempt> attempts = new ArrayList<>(distinct.length);
    for (int number : distinct) {
      TaskEvent best = null;
      Instant startedAt = null;
      Instant finishedAt = null;
      String exception = null;
      for (TaskEvent event : events) {
        if (event.retries() != number) continue;
        if (event.supersedes(best)) best = event;
        if (startedAt == null && event.state() == TaskState.STARTED) startedAt = event.timestamp();
        if (finishedAt == null
            && (event.state().isTerminal() || event.state() == TaskState.RETRY)) {
          finishedAt = event.timestamp();
        }
        if (event.exception() != null
            && (event.state() == TaskState.FAILURE || event.state() == TaskState.RETRY)) {
          exception = event.exception();
        }
      }
      Duration runTime =
          startedAt != null && finishedAt != null && !finishedAt.isBefore(startedAt)
              ? Duration.between(startedAt, finishedAt)
              : null;
      attempts.add(new Attempt(number, best.state(), startedAt, finishedAt, runTime, exception));
    }
    return attempts;
  }

  /**
   * Tasks whose parent is this task, oldest first by first-seen time. A chord callback is left out
   * of its header's children: Celery names whichever header finished last as its parent, which says
   * nothing about who spawned it.
   */
  static List<String> childIds(TaskRecord task) {
    List<TaskRecord> children = children(task);
    List<String> ids = new ArrayList<>(children.size());
    for (TaskRecord child : children) ids.add(child.id);
    return ids;
  }

  static List<TaskRecord> children(TaskRecord task) {
    if (task.childCount == 0) return List.of();
    String callback = task.group == null ? null : task.group.callbackId;
    List<TaskRecord> children = new ArrayList<>(task.childCount);
    for (int i = 0; i < task.childCount; i++) {
      TaskRecord child = task.children[i];
      if (!child.id.equals(callback)) children.add(child);
    }
    children.sort(
        Comparator.comparingLong(TaskRecord::firstStamp).thenComparing(child -> child.id));
    return children;
  }
}
