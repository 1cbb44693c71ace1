package io.stemtrace.core.stats;

import java.time.Instant;
import java.util.List;

/**
 * Per task name statistics over a recent window.
 *
 * @param windowMinutes the window's length, ending with the current minute
 * @param generatedAt when the snapshot was taken
 * @param tasks one entry per task name with activity in the window, by name
 */
public record StatsSnapshot(int windowMinutes, Instant generatedAt, List<TaskNameStats> tasks) {
  public StatsSnapshot {
    tasks = List.copyOf(tasks);
  }
}
