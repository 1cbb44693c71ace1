package io.stemtrace.core.graph;

import java.util.List;
import java.util.Map;

/**
 * Approximate heap bytes of what the store keeps, so that it can be bounded in bytes as well as in
 * nodes. The figures are for a 64-bit JVM with compressed pointers, rounded up: an estimate that
 * errs on the side of evicting a little early, never one that lets a payload flood grow the heap
 * unnoticed.
 */
final class HeapEstimate {

  /**
   * A task record with its indexes and first events, before ids and payloads (measured: ~380
   * bytes).
   */
  static final int TASK = 400;

  /** One compact event: two longs in the task's event array, grown by half each time. */
  static final int EVENT = 24;

  /** A payload record of five references. */
  static final int PAYLOAD = 48;

  /**
   * A task's two entries in the search indexes by state (all tasks, and its name's tasks): a
   * sequence number and a reference each, with room for the holes and growth of those lists.
   */
  static final int SEARCH_INDEX_ENTRIES = 64;

  /** a task's two entries in its worker's lists (all of its tasks, and those in its state) */
  static final int HOST_INDEX_ENTRIES = 64;

  /** A group record with its member list and its entry in the group index, before its id. */
  static final int GROUP = 160;

  /** A verbatim event (a TaskEvent with its own references), before its strings and payload. */
  static final int VERBATIM_EVENT = 120;

  private HeapEstimate() {}

  static long string(String value) {
    if (value == null) return 0;
    // header and array; UTF-16 when not Latin-1, which a quick look at the first characters cannot
    // tell: assume it
    return 56 + 2L * value.length();
  }

  /**
   * A decoded JSON value: maps, lists, strings, numbers, booleans, null. Depth is bounded by the
   * codec.
   */
  static long json(Object value) {
    if (value == null || value instanceof Boolean) return 0;
    if (value instanceof String s) return string(s);
    if (value instanceof Number) return 24;
    if (value instanceof Map<?, ?> map) {
      long bytes = 48 + 16L * map.size();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        bytes += json(entry.getKey()) + json(entry.getValue());
      }
      return bytes;
    }
    if (value instanceof List<?> list) {
      long bytes = 24 + 8L * list.size();
      for (Object element : list) bytes += json(element);
      return bytes;
    }
    return 64;
  }
}
