package io.stemtrace.api;

import java.net.URI;
import java.util.Set;

/**
 * Creates {@link GraphStore}s for the URL schemes it owns. Found with {@link
 * java.util.ServiceLoader}, so a store jar on the classpath is picked by the scheme of the
 * configured store URL ({@code memory://}, the default, or {@code postgresql://...}), the way
 * transports are picked by theirs.
 */
public interface GraphStoreProvider {

  /** The URL schemes this provider handles, lower case, such as {@code memory}. */
  Set<String> schemes();

  /**
   * Creates a store.
   *
   * @param url the store URL; its scheme is one of {@link #schemes()}; store options may sit in its
   *     query
   * @param limits the bounds the collector was configured with; a store applies the ones that mean
   *     something to it (an in-memory store keeps at most that many tasks and bytes)
   * @throws IllegalArgumentException when the URL or an option in it is invalid, with a message
   *     saying which
   */
  GraphStore create(URI url, Limits limits);

  /**
   * Bounds a collector asks of its store.
   *
   * @param maxNodes the most tasks to keep before whole oldest workflows go; at least 1
   * @param maxBytes the most estimated bytes to hold, or 0 for the store's default
   */
  record Limits(int maxNodes, long maxBytes) {
    public Limits {
      if (maxNodes < 1) throw new IllegalArgumentException("maxNodes < 1: " + maxNodes);
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    }
  }
}
