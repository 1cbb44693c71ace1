package io.stemtrace.api;

/** Creates {@link GraphStore}s; found with {@link java.util.ServiceLoader} by {@link #name()}. */
public interface GraphStoreProvider {

  /** The name users configure, such as {@code memory}. */
  String name();

  /**
   * Creates a store.
   *
   * @param maxNodes the most task nodes to keep before evicting whole oldest workflows; at least 1
   */
  GraphStore create(int maxNodes);
}
