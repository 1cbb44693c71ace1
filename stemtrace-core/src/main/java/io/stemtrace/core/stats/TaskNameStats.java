package io.stemtrace.core.stats;

import io.stemtrace.api.TaskState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one task name over a window.
 *
 * @param name the task name
 * @param total tasks first seen in the window
 * @param counts those tasks by their current state (every state present, zero when none)
 * @param successRate SUCCESS / (SUCCESS + FAILURE) of those tasks, null when neither happened
 * @param queueTimeMs first PENDING to first STARTED, of the tasks that finished in the window
 * @param runTimeMs STARTED to terminal of the winning attempt, of the tasks that finished in the
 *     window
 * @param throughput tasks finished per minute in the window, oldest first, empty minutes left out
 */
public record TaskNameStats(
    String name,
    long total,
    Map<TaskState, Long> counts,
    Double successRate,
    Percentiles queueTimeMs,
    Percentiles runTimeMs,
    List<MinuteCount> throughput) {

  public TaskNameStats {
    counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    throughput = List.copyOf(throughput);
  }
}
