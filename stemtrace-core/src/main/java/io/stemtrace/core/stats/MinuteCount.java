package io.stemtrace.core.stats;

import java.time.Instant;

/**
 * How many tasks finished in one minute.
 *
 * @param minute the start of the minute, UTC
 * @param count tasks that reached a terminal state in it
 */
public record MinuteCount(Instant minute, long count) {}
