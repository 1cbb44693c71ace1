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
 * @param offset results to skip, at least 0 (after the cursor when one is given)
 * @param cursor where the page starts: the {@link Page#nextCursor()} of the page before, from the
 *     same store; null for the first page. Opaque; a store throws {@link InvalidCursorException}
 *     for one it cannot read
 * @param endCursor where the results end: a {@link Page#nextCursor()}; the row that cursor follows
 *     is the last one returned; null for no end. Reading the first page again with its own next
 *     cursor as end gives that page as it is now, with whatever arrived since, and neither skips
 *     nor repeats a row of the pages after it
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
    String cursor,
    String endCursor,
    TaskSearch search) {
  public TaskQuery {
    if (limit < 1) throw new IllegalArgumentException("limit < 1: " + limit);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (nameContains != null && nameContains.isEmpty()) nameContains = null;
    if (cursor != null && cursor.isEmpty()) cursor = null;
    if (endCursor != null && endCursor.isEmpty()) endCursor = null;
    if (search != null && search.isEmpty()) search = null;
  }

  /** A query by offset, from the newest result. */
  public TaskQuery(
      Set<TaskState> states, String nameContains, Instant from, Instant to, int limit, int offset) {
    this(states, nameContains, from, to, limit, offset, null, null, null);
  }

  /** The same query starting after the position {@code cursor} names (null: from the newest). */
  public TaskQuery withCursor(String cursor) {
    return new TaskQuery(states, nameContains, from, to, limit, offset, cursor, endCursor, search);
  }

  /** The same query ending with the row {@code endCursor} follows (null: no end). */
  public TaskQuery withEndCursor(String endCursor) {
    return new TaskQuery(states, nameContains, from, to, limit, offset, cursor, endCursor, search);
  }

  /** This query with {@code search} in place of its search terms. */
  public TaskQuery withSearch(TaskSearch search) {
    return new TaskQuery(states, nameContains, from, to, limit, offset, cursor, endCursor, search);
  }

  /** All tasks, newest first, in pages of {@code limit}. */
  public static TaskQuery all(int limit, int offset) {
    return new TaskQuery(null, null, null, null, limit, offset);
  }
}
