package io.stemtrace.api;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Filters and paging for {@link GraphStore#workflows}. Null filters match everything.
 *
 * @param states workflows whose root is in one of these states; empty or null for all
 * @param nameContains case-insensitive substring of the root's name
 * @param from workflows first seen at or after this instant
 * @param to workflows first seen at or before this instant
 * @param limit page size, at least 1
 * @param offset results to skip, at least 0
 * @param search a task search ({@link TaskSearch}): only workflows holding a matching task; null
 *     for none
 */
public record WorkflowQuery(
    Set<TaskState> states,
    String nameContains,
    Instant from,
    Instant to,
    int limit,
    int offset,
    TaskSearch search) {
  public WorkflowQuery {
    if (limit < 1) throw new IllegalArgumentException("limit < 1: " + limit);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    if (nameContains != null && nameContains.isEmpty()) nameContains = null;
    if (search != null && search.isEmpty()) search = null;
  }

  /** A query without a task search. */
  public WorkflowQuery(
      Set<TaskState> states, String nameContains, Instant from, Instant to, int limit, int offset) {
    this(states, nameContains, from, to, limit, offset, null);
  }

  /** This query with {@code search} in place of its task search. */
  public WorkflowQuery withSearch(TaskSearch search) {
    return new WorkflowQuery(states, nameContains, from, to, limit, offset, search);
  }

  /** All workflows, newest first, in pages of {@code limit}. */
  public static WorkflowQuery all(int limit, int offset) {
    return new WorkflowQuery(null, null, null, null, limit, offset);
  }
}
