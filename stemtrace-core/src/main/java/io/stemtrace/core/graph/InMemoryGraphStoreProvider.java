package io.stemtrace.core.graph;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;

/** Provides {@link InMemoryGraphStore} under the name {@code memory}. */
public final class InMemoryGraphStoreProvider implements GraphStoreProvider {

  /** The name this provider answers to. */
  public static final String NAME = "memory";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GraphStore create(int maxNodes) {
    return InMemoryGraphStore.create(maxNodes);
  }
}
