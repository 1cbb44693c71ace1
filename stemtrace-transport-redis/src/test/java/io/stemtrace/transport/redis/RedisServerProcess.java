package io.stemtrace.transport.redis;

import io.stemtrace.testing.ServerProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server of the test's own on a free loopback port, so fault tests can kill and restart it
 * without touching the shared server. With {@code durable} it keeps an append-only file fsynced on
 * every write, so what any client saw survives a kill -9.
 */
final class RedisServerProcess implements AutoCloseable {

  private final Path dir;
  private final boolean durable;
  private final int port;
  private Process process;

  private RedisServerProcess(Path dir, boolean durable, int port) {
    this.dir = dir;
    this.durable = durable;
    this.port = port;
  }

  /**
   * Starts a server in {@code dir}; fails (CI=true) or skips the test when redis-server is not
   * installed.
   */
  static RedisServerProcess start(Path dir, boolean durable) throws Exception {
    RedisServerProcess server = new RedisServerProcess(dir, durable, freePort());
    server.start();
    return server;
  }

  int port() {
    return port;
  }

  String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  void start() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString()));
    if (durable) command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    else command.addAll(List.of("--appendonly", "no"));
    try {
      process =
          ServerProcesses.onTheRealClock(new ProcessBuilder(command))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
    } catch (IOException e) {
      RedisTestSupport.missing(
          "redis-server is not installed or not runnable ("
              + e.getMessage()
              + "); the fault tests start their own server (apt-get install redis-server)");
      return;
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!RedisTestSupport.answersPing("127.0.0.1", port)) {
      if (!process.isAlive())
        throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("redis-server did not answer on port " + port);
      Thread.sleep(20);
    }
  }

  /** SIGKILL: no shutdown, no final save, connections cut as by a crash. */
  void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor();
    process = null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
