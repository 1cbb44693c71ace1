package io.stemtrace.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds {@link TransportProvider}s on the classpath with {@link ServiceLoader} and picks one by URL
 * scheme.
 */
public final class Transports {

  private Transports() {}

  /**
   * Opens a transport for a URL such as {@code redis://localhost:6379/0} or {@code memory://demo}.
   *
   * @throws IllegalArgumentException for a malformed URL, or a scheme no provider on the classpath
   *     handles (the message lists the schemes found)
   */
  public static Transport open(String url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    URI uri = parse(url);
    Map<String, TransportProvider> providers = providers(Transports.class.getClassLoader());
    TransportProvider provider = providers.get(uri.getScheme().toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new IllegalArgumentException(
          "unknown transport scheme '"
              + uri.getScheme()
              + "' in "
              + redact(uri)
              + "; schemes found on the classpath: "
              + String.join(", ", providers.keySet()));
    }
    return provider.create(uri, prefix);
  }

  static Map<String, TransportProvider> providers(ClassLoader loader) {
    Map<String, TransportProvider> byScheme = new TreeMap<>();
    for (TransportProvider provider : ServiceLoader.load(TransportProvider.class, loader)) {
      for (String scheme : provider.schemes()) {
        byScheme.putIfAbsent(scheme.toLowerCase(Locale.ROOT), provider);
      }
    }
    return byScheme;
  }

  private static URI parse(String url) {
    try {
      URI uri = new URI(url.trim());
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException(
            "transport URL has no scheme: '"
                + url
                + "' (expected for example redis://localhost:6379/0, amqp://guest:guest@localhost:5672/ or memory://demo)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed transport URL: " + e.getMessage(), e);
    }
  }

  /** The URL with any password replaced by {@code ***}, for logs and thread names. */
  public static String redact(URI uri) {
    return TransportOptions.redact(uri);
  }
}
