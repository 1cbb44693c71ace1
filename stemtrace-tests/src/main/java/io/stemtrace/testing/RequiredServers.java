package io.stemtrace.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The rule for integration tests whose real server is missing: they fail under {@code CI=true}, and
 * are skipped, saying why, everywhere else.
 */
public final class RequiredServers {

  private RequiredServers() {}

  /**
   * Requires something listening on {@code 127.0.0.1:port}; {@code what} names it in the message.
   */
  public static void requireListening(String what, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
    } catch (IOException e) {
      missing(
          what
              + " not reachable at 127.0.0.1:"
              + port
              + " (CI=true requires it; start it with ./scripts/ensure-services.sh)");
    }
  }

  /** Fails under {@code CI=true}, else skips the test, with {@code message}. */
  public static void missing(String message) {
    if ("true".equals(System.getenv("CI"))) Assertions.fail(message);
    Assumptions.abort(message);
  }
}
