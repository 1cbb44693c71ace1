package io.stemtrace.core.stats;

/**
 * Nearest-rank percentiles of durations in milliseconds; each null when there were no samples.
 *
 * @param p50 the median
 * @param p95 the 95th percentile
 * @param p99 the 99th percentile
 */
public record Percentiles(Double p50, Double p95, Double p99) {
  /** No samples. */
  public static final Percentiles NONE = new Percentiles(null, null, null);
}
