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
 */
public record Page<T>(List<T> items, long total, int limit, int offset, String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }

  /** A page without a cursor to the next one. */
  public Page(List<T> items, long total, int limit, int offset) {
    this(items, total, limit, offset, null);
  }
}
