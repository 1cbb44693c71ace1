package io.stemtrace.core.graph;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import java.time.Instant;
import java.util.Arrays;

/**
 * The store's mutable record of one task. Everything a {@link io.stemtrace.api.TaskNode} shows that is not
 * kept here is derived from the events when a snapshot is taken, which keeps a record small.
 */
final class TaskRecord {
  final String id;
  /** arrival order of the task's first event: the stable key of every ordered index */
  final long seq;
  NameEntry name;
  /** distinct events sorted by timestamp; only {@code eventCount} slots are used */
  TaskEvent[] events = new TaskEvent[4];
  int eventCount;
  /** the event that decides the state: highest attempt, then terminal over running over pending, then latest */
  TaskEvent winner;
  /** first non-null parent id other than the task's own; never cleared */
  String parentId;
  /** the parent record once both are present */
  TaskRecord parent;
  /** the parent id this record waits for in the pending-children index, or null */
  String awaitedParent;
  GroupRecord group;
  String chordId;
  String chordCallbackId;
  String traceId;
  /** records whose parent is this one, in link order; null until the first */
  TaskRecord[] children;
  int childCount;
  Workflow workflow;

  TaskRecord(String id, long seq) {
    this.id = id;
    this.seq = seq;
  }

  TaskState state() {
    return winner.state();
  }

  Instant firstSeen() {
    return events[0].timestamp();
  }

  Instant lastUpdated() {
    return events[eventCount - 1].timestamp();
  }

  /** True when an event with the same state, attempt and timestamp was applied already. */
  boolean isDuplicate(TaskEvent event) {
    for (int i = eventCount - 1; i >= 0; i--) {
      TaskEvent seen = events[i];
      if (seen.state() == event.state() && seen.retries() == event.retries()
          && seen.timestamp().equals(event.timestamp())) {
        return true;
      }
    }
    return false;
  }

  /** Inserts in timestamp order; equal timestamps keep arrival order. */
  void addEvent(TaskEvent event) {
    if (eventCount == events.length) events = Arrays.copyOf(events, eventCount + (eventCount >> 1) + 1);
    int at = eventCount;
    Instant timestamp = event.timestamp();
    while (at > 0 && events[at - 1].timestamp().isAfter(timestamp)) at--;
    System.arraycopy(events, at, events, at + 1, eventCount - at);
    events[at] = event;
    eventCount++;
  }

  void addChild(TaskRecord child) {
    if (children == null) {
      children = new TaskRecord[2];
    } else if (childCount == children.length) {
      children = Arrays.copyOf(children, childCount * 2);
    }
    children[childCount++] = child;
  }

  /** True when {@code candidate} beats {@code current} for the task's state. */
  static boolean beats(TaskEvent candidate, TaskEvent current) {
    if (current == null) return true;
    if (candidate.retries() != current.retries()) return candidate.retries() > current.retries();
    int rank = rank(candidate.state()) - rank(current.state());
    if (rank != 0) return rank > 0;
    return !candidate.timestamp().isBefore(current.timestamp());
  }

  /** Within one attempt: terminal beats running (RECEIVED, STARTED, RETRY) beats PENDING. */
  static int rank(TaskState state) {
    if (state.isTerminal()) return 2;
    return state == TaskState.PENDING ? 0 : 1;
  }
}
