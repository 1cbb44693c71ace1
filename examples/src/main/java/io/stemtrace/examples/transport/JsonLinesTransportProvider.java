package io.stemtrace.examples.transport;

import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Makes {@code jsonl:///some/directory} transports: events are appended as JSON lines to {@code
 * /some/directory/{prefix}.events.jsonl}, and subscribers tail that file. Registered in {@code
 * META-INF/services/io.stemtrace.api.TransportProvider}, so {@code
 * Transports.open("jsonl:///tmp/x", "demo")} and every stemtrace entry point that takes a URL find
 * it once this jar is on the classpath.
 *
 * <p>Option: {@code ?poll=PT0.05S}, how often a subscriber looks for new lines (default 20 ms).
 */
public final class JsonLinesTransportProvider implements TransportProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("jsonl");
  }

  @Override
  public Transport create(URI url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    if (url.getPath() == null || url.getPath().isEmpty() || url.getAuthority() != null) {
      throw new IllegalArgumentException(
          "jsonl URL needs an absolute directory: jsonl:///var/lib/stemtrace, got " + url);
    }
    if (prefix.isBlank() || prefix.contains("/")) {
      throw new IllegalArgumentException(
          "prefix must be a plain file name part, got '" + prefix + "'");
    }
    Duration poll = Duration.ofMillis(20);
    if (url.getQuery() != null) {
      for (String option : url.getQuery().split("&")) {
        String[] pair = option.split("=", 2);
        if (pair[0].equals("poll") && pair.length == 2) {
          poll = Duration.parse(pair[1]);
          if (poll.isNegative() || poll.isZero())
            throw new IllegalArgumentException("jsonl option poll must be positive: " + pair[1]);
        } else if (!pair[0].isEmpty()) {
          throw new IllegalArgumentException(
              "unknown jsonl transport option '" + pair[0] + "' (known: poll)");
        }
      }
    }
    return new JsonLinesTransport(Path.of(url.getPath()).resolve(prefix + ".events.jsonl"), poll);
  }
}
