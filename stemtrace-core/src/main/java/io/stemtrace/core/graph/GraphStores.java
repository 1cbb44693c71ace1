package io.stemtrace.core.graph;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** Finds {@link GraphStoreProvider}s on the classpath with {@link ServiceLoader} and picks one by name. */
public final class GraphStores {

  private GraphStores() {}

  /**
   * Creates a store by provider name, such as {@code memory}.
   *
   * @throws IllegalArgumentException for a name no provider on the classpath has (the message lists those
   *     found), or {@code maxNodes < 1}
   */
  public static GraphStore create(String name, int maxNodes) {
    if (name == null) throw new NullPointerException("name == null");
    if (maxNodes < 1) throw new IllegalArgumentException("maxNodes < 1: " + maxNodes);
    Map<String, GraphStoreProvider> providers = providers();
    GraphStoreProvider provider = providers.get(name.toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new IllegalArgumentException("unknown graph store '" + name + "'; stores found on the classpath: "
          + String.join(", ", providers.keySet()));
    }
    return provider.create(maxNodes);
  }

  /** Every provider name on the classpath, sorted. */
  public static Set<String> availableNames() {
    return providers().keySet();
  }

  private static Map<String, GraphStoreProvider> providers() {
    Map<String, GraphStoreProvider> byName = new TreeMap<>();
    for (GraphStoreProvider provider : ServiceLoader.load(GraphStoreProvider.class, GraphStores.class.getClassLoader())) {
      byName.putIfAbsent(provider.name().toLowerCase(Locale.ROOT), provider);
    }
    return byName;
  }
}
