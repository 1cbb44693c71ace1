package io.stemtrace.api;

import java.util.List;

/**
 * One page of a query's results.
 *
 * @param items the results on this page
 * @param total how many results the whole query has
 * @param limit the page size asked for
 * @param offset how many results come before this page
 * @param nextCursor where the next page starts (pass it as the query's cursor), or null when no
 *     result follows this page; opaque, meaningful only to the store that made it
 * @param scan how far a search that no index answers looked, or null when nothing was scanned
 */
public record Page<T>(
    List<T> items, long total, int limit, int offset, String nextCursor, Scan scan) {
  public Page {
    items = List.copyOf(items);
  }

  /** A page of a query that scanned nothing. */
  public Page(List<T> items, long total, int limit, int offset, String nextCursor) {
    this(items, total, limit, offset, nextCursor, null);
  }

  /** A page without a cursor to the next one, of a query that scanned nothing. */
  public Page(List<T> items, long total, int limit, int offset) {
    this(items, total, limit, offset, null, null);
  }

  /**
   * How far a scanning search looked: it looks at no more than a bound of the newest candidate
   * tasks, so {@code total} then counts the matches among those.
   *
   * @param scanned how many tasks the search looked at
   * @param truncated true when older candidates were left unexamined
   */
  public record Scan(long scanned, boolean truncated) {}
}
