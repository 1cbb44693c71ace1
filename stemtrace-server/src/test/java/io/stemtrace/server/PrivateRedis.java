package io.stemtrace.server;

import io.stemtrace.testing.ServerProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

/**
 * A redis-server of the test's own on a free loopback port, killed (SIGKILL) and started again on
 * the same port, so that a test can take the broker away mid-run without touching the shared one.
 */
final class PrivateRedis implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private PrivateRedis(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts one in {@code dir}; fails under CI=true, skips elsewhere, without redis-server. */
  static PrivateRedis start(Path dir) throws Exception {
    PrivateRedis redis = new PrivateRedis(dir, TcpForwarder.freePort());
    redis.start();
    return redis;
  }

  int port() {
    return port;
  }

  String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  void start() throws Exception {
    List<String> command =
        List.of(
            "redis-server",
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--logfile",
            dir.resolve("redis.log").toString());
    try {
      process =
          ServerProcesses.onTheRealClock(new ProcessBuilder(command))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
    } catch (IOException e) {
      Brokers.missing("redis-server is not runnable (" + e.getMessage() + ")");
      return;
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!listening()) {
      if (!process.isAlive())
        throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("redis-server did not listen on port " + port);
      Thread.sleep(20);
    }
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL: connections cut as by a crash. */
  void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    process.waitFor();
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
