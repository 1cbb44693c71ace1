package io.stemtrace.core.graph;

import java.util.Locale;

/**
 * One distinct task name: its tasks newest-first and counts per state, for filtered pages and the
 * registry.
 */
final class NameEntry {
  final String name;
  final String lowerCase;

  /** null for the entry of tasks without a name, which no name filter matches */
  final SeqList<TaskRecord> tasks;

  final long[] countByState = new long[io.stemtrace.api.TaskState.values().length];

  /**
   * this name's tasks in each state, newest first, so a name and state search walks only matches;
   * kept for the unnamed entry too
   */
  final StateLists byState = new StateLists();

  /** latest first-seen time (epoch nanoseconds) of a task of this name */
  long lastRun = Long.MIN_VALUE;

  NameEntry(String name) {
    this.name = name;
    this.lowerCase = name == null ? null : name.toLowerCase(Locale.ROOT);
    this.tasks = name == null ? null : new SeqList<>();
  }

  long count() {
    long total = 0;
    for (long count : countByState) total += count;
    return total;
  }
}
