package io.stemtrace.transport.memory;

import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportProvider;
import java.net.URI;
import java.util.Set;

/**
 * Provides {@code memory://NAME} transports. Transports with the same name and prefix in one JVM
 * share a channel. Option: {@code ?buffer=N}, the per-subscriber buffer in events (default 65536).
 */
public final class MemoryTransportProvider implements TransportProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public Transport create(URI url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    String name = url.getAuthority() != null ? url.getAuthority() : url.getSchemeSpecificPart();
    if (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/")) {
      name = name + url.getPath();
    }
    if (name == null || name.isBlank() || name.startsWith("/")) {
      throw new IllegalArgumentException(
          "memory transport URL needs a name: memory://NAME, got " + url);
    }
    int buffer = 65_536;
    String query = url.getQuery();
    if (query != null) {
      for (String option : query.split("&")) {
        String[] kv = option.split("=", 2);
        if (kv[0].equals("buffer") && kv.length == 2) {
          try {
            buffer = Integer.parseInt(kv[1]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "memory transport option buffer is not a number: " + kv[1]);
          }
          if (buffer < 1)
            throw new IllegalArgumentException("memory transport option buffer < 1: " + buffer);
        } else if (!kv[0].isEmpty()) {
          throw new IllegalArgumentException(
              "unknown memory transport option '" + kv[0] + "' (known: buffer)");
        }
      }
    }
    return new MemoryTransport(MemoryChannel.named(name + "/" + prefix), prefix, buffer);
  }
}
