package io.stemtrace.transport.redis;

import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportProvider;
import java.net.URI;
import java.util.Set;

/**
 * Provides {@link RedisTransport}s for {@code redis://} and {@code rediss://} (TLS) URLs; found
 * through {@link java.util.ServiceLoader}. See {@link RedisTransport} for the URL options.
 */
public final class RedisTransportProvider implements TransportProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public Transport create(URI url, String prefix) {
    return new RedisTransport(RedisTransportConfig.parse(url, prefix));
  }
}
