package io.stemtrace.core.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * One connected set of tasks and containers: a workflow. Tasks join by parent, group and chord
 * links; when a link joins two workflows the smaller one moves into the larger, so a task moves
 * O(log n) times at most.
 */
final class Workflow {
  /**
   * position in the workflow index: the oldest arrival sequence of the workflows merged into this
   * one
   */
  long seq;

  final List<TaskRecord> tasks = new ArrayList<>(4);
  List<GroupRecord> groups;

  /** earliest and latest event of any task, epoch nanoseconds */
  long firstSeen = Long.MAX_VALUE;

  long lastUpdated = Long.MIN_VALUE;

  /** tasks whose state is not terminal; kept on every state change, so "finished" costs O(1) */
  int unfinished;

  /** bumped on every change of structure; invalidates {@link #root} */
  int version;

  /** the root found by the last layout, valid while its version matches */
  volatile RootInfo root;

  Workflow(long seq) {
    this.seq = seq;
  }

  void addGroup(GroupRecord group) {
    if (groups == null) groups = new ArrayList<>(2);
    groups.add(group);
    group.workflow = this;
  }

  void widen(long first, long last) {
    if (first < firstSeen) firstSeen = first;
    if (last > lastUpdated) lastUpdated = last;
  }

  /**
   * The root of a workflow as of one structure version: a task, or a container with the tasks its
   * state aggregates (read live), whether a chord in it still waits for its callback, whether it is
   * a chord, and whether any chord of the workflow still waits for its callback or body.
   */
  record RootInfo(
      int version,
      TaskRecord task,
      GroupRecord group,
      List<TaskRecord> aggregated,
      boolean awaitsBody,
      boolean chord,
      boolean chordWaits) {
    String id() {
      return task != null ? task.id : group.containerId();
    }
  }
}
