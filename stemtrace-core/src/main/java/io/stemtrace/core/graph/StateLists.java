package io.stemtrace.core.graph;

import io.stemtrace.api.TaskState;

/**
 * Tasks by their current state, each state's list ordered by arrival: the index that lets a search
 * for a state walk only the tasks in it. A list exists once a task entered its state. Guarded by
 * the store's lock.
 */
final class StateLists {
  private static final TaskState[] STATES = TaskState.values();

  @SuppressWarnings("unchecked")
  private final SeqList<TaskRecord>[] lists = new SeqList[STATES.length];

  void add(TaskState state, TaskRecord task) {
    SeqList<TaskRecord> list = lists[state.ordinal()];
    if (list == null) {
      list = new SeqList<>();
      lists[state.ordinal()] = list;
    }
    list.add(task.seq, task);
  }

  void remove(TaskState state, TaskRecord task) {
    SeqList<TaskRecord> list = lists[state.ordinal()];
    if (list != null) list.remove(task.seq);
  }

  /** The list of one state, or null when no task was ever in it. */
  SeqList<TaskRecord> of(TaskState state) {
    return lists[state.ordinal()];
  }

  long entries() {
    long total = 0;
    for (SeqList<TaskRecord> list : lists) total += list == null ? 0 : list.size();
    return total;
  }
}
