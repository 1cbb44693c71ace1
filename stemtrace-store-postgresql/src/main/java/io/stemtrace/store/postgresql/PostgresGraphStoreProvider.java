package io.stemtrace.store.postgresql;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import java.net.URI;
import java.util.Set;

/**
 * Provides {@link PostgresGraphStore} for {@code postgresql://} (and {@code postgres://}) store
 * URLs: {@code --store-url
 * postgresql://user:password@host:5432/database?schema=stemtrace&retain=7d}. The working set keeps
 * the collector's {@code maxNodes} and {@code maxBytes}.
 */
public final class PostgresGraphStoreProvider implements GraphStoreProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("postgresql", "postgres");
  }

  @Override
  public GraphStore create(URI url, Limits limits) {
    return new PostgresGraphStore.Builder(url)
        .maxNodes(limits.maxNodes())
        .maxBytes(limits.maxBytes())
        .build();
  }
}
