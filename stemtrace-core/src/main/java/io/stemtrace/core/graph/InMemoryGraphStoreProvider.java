package io.stemtrace.core.graph;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import io.stemtrace.api.TransportOptions;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Provides {@link InMemoryGraphStore} for {@code memory://}: it keeps the collector's {@code
 * maxNodes} and {@code maxBytes}; the URL takes no options.
 */
public final class InMemoryGraphStoreProvider implements GraphStoreProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public GraphStore create(URI url, Limits limits) {
    TransportOptions.parse(
        url, "memory store", List.of()); // refuses any option: none means anything here
    if (url.getHost() != null
        || (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/"))) {
      throw new IllegalArgumentException(
          "the memory store URL is memory:// (nothing after it), got " + url);
    }
    InMemoryGraphStore.Builder builder = InMemoryGraphStore.builder().maxNodes(limits.maxNodes());
    if (limits.maxBytes() > 0) builder.maxBytes(limits.maxBytes());
    return builder.build();
  }
}
