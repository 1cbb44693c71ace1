package io.stemtrace.api;

import java.util.List;

/**
 * One page of a query's results.
 *
 * @param items the results on this page
 * @param total how many results the whole query has
 * @param limit the page size asked for
 * @param offset how many results come before this page
 */
public record Page<T>(List<T> items, long total, int limit, int offset) {
  public Page {
    items = List.copyOf(items);
  }
}
