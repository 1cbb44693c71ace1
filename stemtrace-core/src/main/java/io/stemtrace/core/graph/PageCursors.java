package io.stemtrace.core.graph;

import io.stemtrace.api.InvalidCursorException;

/**
 * The store's page cursors: a position in arrival order (a sequence number), written as {@code a}
 * and the number in base 36. Arrival numbers never change once given, so a page that starts after
 * one neither repeats nor skips a row however many tasks arrive between two requests.
 */
final class PageCursors {

  private static final String PREFIX = "a";

  /** Longest form a cursor takes: the prefix and a long in base 36. */
  private static final int MAX_LENGTH = PREFIX.length() + 13;

  private PageCursors() {}

  static String encode(long seq) {
    return PREFIX + Long.toString(seq, 36);
  }

  /**
   * The sequence number a cursor names.
   *
   * @throws InvalidCursorException when the text is not a cursor this store made
   */
  static long decode(String cursor) {
    if (cursor.length() > PREFIX.length()
        && cursor.length() <= MAX_LENGTH
        && cursor.startsWith(PREFIX)) {
      String digits = cursor.substring(PREFIX.length());
      if (digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        try {
          return Long.parseLong(digits, 36);
        } catch (NumberFormatException tooLarge) {
          // reported below
        }
      }
    }
    throw new InvalidCursorException("not a cursor of this store: '" + printable(cursor) + "'");
  }

  private static String printable(String text) {
    String shown = text.replaceAll("\\p{Cntrl}", "?");
    return shown.length() <= 40 ? shown : shown.substring(0, 37) + "...";
  }
}
