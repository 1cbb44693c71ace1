package io.stemtrace.api;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt of a task (events sharing a {@code retries} value).
 *
 * @param number the {@code retries} value of the attempt, 0 for the first
 * @param state the attempt's state by precedence (terminal beats running beats pending)
 * @param startedAt the first STARTED of this attempt, or null
 * @param finishedAt the terminal or RETRY event ending this attempt, or null
 * @param runTime {@code finishedAt - startedAt}, or null when either is missing
 * @param exception the exception text of the attempt's FAILURE or RETRY, or null
 */
public record Attempt(
    int number,
    TaskState state,
    Instant startedAt,
    Instant finishedAt,
    Duration runTime,
    String exception) {}
