package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.fail;

import io.stemtrace.testing.ServerProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A RabbitMQ node of the test's own, on free ports with its data in a temporary directory, for
 * faults that would disturb everyone on the shared broker: resource alarms and restarts. Stopped
 * and deleted on close.
 */
final class PrivateRabbitMq implements AutoCloseable {

  private final String node;
  private final int port;
  private final Path directory;

  private PrivateRabbitMq(String node, int port, Path directory) {
    this.node = node;
    this.port = port;
    this.directory = directory;
  }

  /** Starts a node; skips the test when this machine cannot (fails it under CI=true). */
  static PrivateRabbitMq start() throws Exception {
    if (!onPath("rabbitmq-server") || !onPath("rabbitmqctl")) {
      unavailable("rabbitmq-server and rabbitmqctl are needed to start a private RabbitMQ node");
    }
    int port = freePort();
    int distributionPort = freePort();
    String node = "stemtrace-test-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    Path directory = Files.createTempDirectory("stemtrace-rabbitmq-");
    Path config = directory.resolve("rabbitmq.conf");
    Files.writeString(config, "listeners.tcp.local = 127.0.0.1:" + port + "\n");
    // the packaged scripts switch to the rabbitmq user when started as root: it must own the
    // directory
    run(List.of("chown", "-R", "rabbitmq:rabbitmq", directory.toString()), Map.of(), true);
    Map<String, String> environment =
        Map.of(
            "RABBITMQ_NODENAME", node,
            "RABBITMQ_NODE_PORT", Integer.toString(port),
            "RABBITMQ_DIST_PORT", Integer.toString(distributionPort),
            "RABBITMQ_CONFIG_FILE", config.toString(),
            "RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString(),
            "RABBITMQ_LOG_BASE", directory.resolve("log").toString(),
            "RABBITMQ_PID_FILE", directory.resolve("pid").toString(),
            "RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString());
    PrivateRabbitMq broker = new PrivateRabbitMq(node, port, directory);
    try {
      run(List.of("rabbitmq-server", "-detached"), environment, false);
      broker.awaitPort(60_000);
    } catch (Exception e) {
      broker.close();
      unavailable("could not start a private RabbitMQ node: " + e.getMessage());
    }
    return broker;
  }

  int port() {
    return port;
  }

  String url(String options) {
    return "amqp://guest:guest@127.0.0.1:" + port + "/%2F?" + options;
  }

  /** Runs {@code rabbitmqctl -n NODE ...} against this node. */
  String ctl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-n", node));
    command.addAll(List.of(arguments));
    return run(command, Map.of(), false);
  }

  /** Waits until the node accepts AMQP connections. */
  void awaitPort(long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IOException(
        "node " + node + " did not listen on " + port + " within " + timeoutMillis + " ms");
  }

  @Override
  public void close() throws Exception {
    try {
      ctl("stop");
    } catch (Exception e) {
      // the node may not have come up; nothing else to stop
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static void unavailable(String message) {
    if ("true".equals(System.getenv("CI"))) fail(message);
    Assumptions.abort(message);
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
    }
    return Files.isExecutable(Path.of("/usr/sbin", program));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String run(
      List<String> command, Map<String, String> environment, boolean ignoreFailure)
      throws Exception {
    ProcessBuilder builder =
        ServerProcesses.onTheRealClock(new ProcessBuilder(command)).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean finished = process.waitFor(90, TimeUnit.SECONDS);
    if (!ignoreFailure && (!finished || process.exitValue() != 0)) {
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
    return output;
  }
}
