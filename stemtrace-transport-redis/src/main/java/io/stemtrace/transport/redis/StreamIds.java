package io.stemtrace.transport.redis;

/** Redis stream entry ids ({@code <millis>-<sequence>}): comparison and trimming thresholds. */
final class StreamIds {

  private StreamIds() {}

  /** Compares two entry ids numerically; a missing sequence counts as 0. */
  static int compare(String a, String b) {
    long[] x = parse(a);
    long[] y = parse(b);
    int byMillis = Long.compareUnsigned(x[0], y[0]);
    return byMillis != 0 ? byMillis : Long.compareUnsigned(x[1], y[1]);
  }

  /** The smallest id of the given millisecond, as XTRIM MINID takes it. */
  static String minIdAt(long epochMillis) {
    return Math.max(0, epochMillis) + "-0";
  }

  private static long[] parse(String id) {
    int dash = id.indexOf('-');
    if (dash < 0) return new long[] {Long.parseUnsignedLong(id), 0};
    return new long[] {
      Long.parseUnsignedLong(id, 0, dash, 10), Long.parseUnsignedLong(id, dash + 1, id.length(), 10)
    };
  }
}
