package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.stemtrace.testing.ServerProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The RabbitMQ server the integration tests run against (127.0.0.1:5672, guest/guest). Outside CI a
 * missing broker skips the tests with a clear message; under {@code CI=true} it fails them.
 *
 * <p>The broker is shared: tests use unique prefixes and delete what they declared ({@link
 * #deleteLater}).
 */
final class RabbitMqBroker {

  static final String HOST = "127.0.0.1";

  /**
   * 5672; another port only to check how the tests behave without a broker ({@code
   * -Dstemtrace.rabbitmq.port}).
   */
  static final int PORT = Integer.getInteger("stemtrace.rabbitmq.port", 5672);

  static final String URL = "amqp://guest:guest@" + HOST + ":" + PORT + "/%2F";

  private static final Set<String> EXCHANGES = ConcurrentHashMap.newKeySet();
  private static final Set<String> QUEUES = ConcurrentHashMap.newKeySet();

  private RabbitMqBroker() {}

  /** Skips (or under CI=true fails) the calling test when the broker is not reachable. */
  static void require() {
    if (reachable()) return;
    String message =
        "RabbitMQ not reachable at "
            + HOST
            + ":"
            + PORT
            + " (CI=true requires it; start it with ./scripts/ensure-services.sh)";
    if ("true".equals(System.getenv("CI"))) fail(message);
    Assumptions.abort(message);
  }

  static boolean reachable() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A plain client connection for a test's own declarations and inspections. */
  static Connection adminConnection() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(HOST);
    factory.setPort(PORT);
    return factory.newConnection("stemtrace test admin");
  }

  /** Remembers an exchange and its queues to delete at the end of the test class. */
  static void deleteLater(String exchange, String... queues) {
    EXCHANGES.add(exchange);
    QUEUES.addAll(List.of(queues));
  }

  /** Deletes everything registered with {@link #deleteLater}. */
  static void deleteRegistered() throws Exception {
    if (!reachable() || (EXCHANGES.isEmpty() && QUEUES.isEmpty())) return;
    try (Connection connection = adminConnection()) {
      for (String queue : new ArrayList<>(QUEUES)) {
        Channel channel = connection.createChannel();
        channel.queueDelete(queue);
        channel.close();
        QUEUES.remove(queue);
      }
      for (String exchange : new ArrayList<>(EXCHANGES)) {
        Channel channel = connection.createChannel();
        channel.exchangeDelete(exchange);
        channel.close();
        EXCHANGES.remove(exchange);
      }
    }
  }

  /**
   * Makes the broker close every connection whose client-provided name contains {@code
   * nameFragment}, the way an operator's {@code rabbitmqctl close_connection} or a broker restart
   * does. Only the test's own connections are touched: other users of the shared broker keep
   * theirs.
   *
   * @return how many connections were closed
   */
  static int closeConnections(String nameFragment) throws Exception {
    String listing =
        rabbitmqctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties");
    int closed = 0;
    for (String line : listing.split("\n")) {
      if (!line.contains(nameFragment)) continue;
      String pid =
          line.substring(0, line.indexOf('\t') < 0 ? line.indexOf(' ') : line.indexOf('\t'))
              .strip();
      rabbitmqctl("close_connection", pid, "stemtrace test: forced connection loss");
      closed++;
    }
    return closed;
  }

  /** Whether rabbitmqctl is installed here (asking it for status would cost an Erlang VM start). */
  static boolean rabbitmqctlAvailable() {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/usr/local/sbin"));
    if (path != null) dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
    return dirs.stream()
        .anyMatch(
            dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "rabbitmqctl")));
  }

  static String rabbitmqctl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("rabbitmqctl");
    command.addAll(List.of(arguments));
    Process process =
        ServerProcesses.onTheRealClock(new ProcessBuilder(command))
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + String.join(" ", arguments) + " failed: " + output);
    }
    return output;
  }
}
