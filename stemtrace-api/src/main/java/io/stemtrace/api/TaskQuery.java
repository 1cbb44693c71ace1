package io.stemtrace.api;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Filters and paging for {@link GraphStore#tasks}. Null filters match everything.
 *
 * @param states tasks in one of these states; empty or null for all
 * @param nameContains case-insensitive substring of the task name
 * @param from tasks first seen at or after this instant
 * @param to tasks first seen at or before this instant
 * @param limit page size, at least 1
 * @param offset results to skip, at least 0
 * @param search terms in Flower's syntax ({@link TaskSearch}), all of which must match too; null
 *     for none
 */
public record TaskQuery(
    Set<TaskState> states,
    String nameContains,
    Instant from,
    Instant to,
    int limit,
    int offset,
    TaskSearch search) {
  public TaskQuery {
    if (limit < 1) throw new IllegalArgumentException("limit < 1: " + limit);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (nameContains != null && nameContains.isEmpty()) nameContains = null;
    if (search != null && search.isEmpty()) search = null;
  }

  /** A query without search terms. */
  public TaskQuery(
      Set<TaskState> states, String nameContains, Instant from, Instant to, int limit, int offset) {
    this(states, nameContains, from, to, limit, offset, null);
  }

  /** This query with {@code search} in place of its search terms. */
  public TaskQuery withSearch(TaskSearch search) {
    return new TaskQuery(states, nameContains, from, to, limit, offset, search);
  }

  /** All tasks, newest first, in pages of {@code limit}. */
  public static TaskQuery all(int limit, int offset) {
    return new TaskQuery(null, null, null, null, limit, offset);
  }
}
