package io.stemtrace.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The shared brokers the server's integration tests use: fail under CI=true, skip elsewhere. */
final class Brokers {

  static final int REDIS_PORT = 6379;
  static final int RABBITMQ_PORT = 5672;

  private Brokers() {}

  static void require(String name, int port) {
    if (listening(port)) return;
    missing(name + " not reachable at 127.0.0.1:" + port + " (./scripts/ensure-services.sh)");
  }

  static void missing(String message) {
    if ("true".equals(System.getenv("CI"))) Assertions.fail(message + " (CI=true requires it)");
    Assumptions.abort(message);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
