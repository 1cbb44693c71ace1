package io.stemtrace.core.graph;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import io.stemtrace.api.TransportOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link GraphStoreProvider}s on the classpath with {@link ServiceLoader} and picks one by
 * URL scheme.
 */
public final class GraphStores {

  /** The store a collector uses unless told otherwise: the in-memory store. */
  public static final String DEFAULT_URL = "memory://";

  private GraphStores() {}

  /**
   * Opens a store for a URL such as {@code memory://}.
   *
   * @throws IllegalArgumentException for a malformed URL, or a scheme no provider on the classpath
   *     handles (the message lists the schemes found)
   */
  public static GraphStore open(String url, GraphStoreProvider.Limits limits) {
    if (url == null) throw new NullPointerException("url == null");
    if (limits == null) throw new NullPointerException("limits == null");
    URI uri = parse(url);
    Map<String, GraphStoreProvider> providers = providers();
    GraphStoreProvider provider = providers.get(uri.getScheme().toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new IllegalArgumentException(
          "unknown store scheme '"
              + uri.getScheme()
              + "' in "
              + TransportOptions.redact(uri)
              + "; schemes found on the classpath: "
              + String.join(", ", providers.keySet()));
    }
    return provider.create(uri, limits);
  }

  private static Map<String, GraphStoreProvider> providers() {
    Map<String, GraphStoreProvider> byScheme = new TreeMap<>();
    for (GraphStoreProvider provider :
        ServiceLoader.load(GraphStoreProvider.class, GraphStores.class.getClassLoader())) {
      for (String scheme : provider.schemes())
        byScheme.putIfAbsent(scheme.toLowerCase(Locale.ROOT), provider);
    }
    return byScheme;
  }

  private static URI parse(String url) {
    String trimmed = url.trim();
    // "memory://" names no host; java.net.URI wants something after the slashes
    if (trimmed.endsWith("://")) trimmed = trimmed + "/";
    try {
      URI uri = new URI(trimmed);
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException(
            "store URL has no scheme: '"
                + TransportOptions.redact(url)
                + "' (expected for example memory://)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed store URL: " + TransportOptions.redact(url), e);
    }
  }
}
