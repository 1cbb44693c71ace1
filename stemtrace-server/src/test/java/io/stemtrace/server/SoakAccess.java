package io.stemtrace.server;

import io.stemtrace.api.GraphStore;
import io.stemtrace.core.ConsumerMetrics;
import java.net.URI;

/**
 * Lets the soak harness start the standalone server as {@code ./stemtrace server} does, and look
 * inside it.
 */
public final class SoakAccess {

  private SoakAccess() {}

  /** A running standalone server. */
  public static final class Server implements AutoCloseable {
    private final StemtraceServer server;

    Server(StemtraceServer server) {
      this.server = server;
    }

    public String baseUrl() {
      return "http://127.0.0.1:" + server.port();
    }

    public GraphStore store() {
      return server.handler().store();
    }

    public ConsumerMetrics metrics() {
      return server.handler().consumerMetrics();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** {@code ./stemtrace server --transport-url URL --prefix P --port 0 --max-nodes N}. */
  public static Server start(String transportUrl, String prefix, int maxNodes) throws Exception {
    CliOptions options =
        CliOptions.parse(
            java.util.List.of(
                "server",
                "--transport-url",
                transportUrl,
                "--prefix",
                prefix,
                "--port",
                "0",
                "--max-nodes",
                String.valueOf(maxNodes)),
            java.util.Map.of());
    return new Server(StemtraceServer.start(options));
  }

  /** Deletes the Redis stream of a prefix (with redis-cli, which the test services install). */
  public static void deleteStream(String redisUrl, String prefix) {
    URI uri = URI.create(redisUrl);
    try {
      new ProcessBuilder(
              "redis-cli",
              "-h",
              uri.getHost(),
              "-p",
              String.valueOf(uri.getPort() < 0 ? 6379 : uri.getPort()),
              "DEL",
              prefix + ":events")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
