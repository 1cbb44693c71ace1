package io.stemtrace.api;

import java.net.URI;
import java.util.Set;

/**
 * Creates {@link Transport}s for the URL schemes it owns. Found with {@link
 * java.util.ServiceLoader}, so a transport jar on the classpath is picked by the scheme of the
 * configured URL.
 */
public interface TransportProvider {

  /**
   * The URL schemes this provider handles, lower case, such as {@code redis} and {@code rediss}.
   */
  Set<String> schemes();

  /**
   * Creates a transport. It may connect lazily; it must not start threads before it is used.
   *
   * @param url the transport URL; its scheme is one of {@link #schemes()}; transport options may
   *     sit in its query string
   * @param prefix the key, stream, exchange or channel prefix (default {@code stemtrace})
   * @throws IllegalArgumentException when the URL or an option in it is invalid, with a message
   *     saying which
   */
  Transport create(URI url, String prefix);
}
