package io.stemtrace.core.stats;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Per task name statistics over one period of whole minutes.
 *
 * @param windowMinutes the window's length when the period is "the last N minutes" by the clock,
 *     else null
 * @param from the period's start (inclusive), the start of a minute
 * @param to the period's end (exclusive), the start of a minute
 * @param generatedAt when the snapshot was taken, by the statistics' clock
 * @param dataFrom the start of the oldest minute the statistics hold, null when they hold none
 * @param dataTo the end of the newest minute the statistics hold, null when they hold none: with
 *     {@code dataFrom} it tells where to look when the period holds nothing
 * @param tasks one entry per task name with activity in the period, by name
 */
public record StatsSnapshot(
    Integer windowMinutes,
    Instant from,
    Instant to,
    Instant generatedAt,
    Instant dataFrom,
    Instant dataTo,
    List<TaskNameStats> tasks) {
  public StatsSnapshot {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    Objects.requireNonNull(generatedAt, "generatedAt == null");
    tasks = List.copyOf(tasks);
  }
}
