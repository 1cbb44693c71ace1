package io.stemtrace.transport.redis;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;

/**
 * Test helpers: is the shared Redis up (fail under CI=true, skip otherwise), and a raw client for
 * checks.
 */
final class RedisTestSupport {

  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;
  static final String URL = "redis://" + HOST + ":" + PORT + "/0";

  private RedisTestSupport() {}

  /** Skips the calling tests when Redis is not running, except under CI=true, where they fail. */
  static void requireRedis() {
    if (answersPing(HOST, PORT)) return;
    missing(
        "Redis not reachable at "
            + HOST
            + ":"
            + PORT
            + " (CI=true requires it; start it with ./scripts/ensure-services.sh)");
  }

  /** The same rule for a tool the tests start themselves, such as redis-server. */
  static void missing(String message) {
    if ("true".equals(System.getenv("CI"))) fail(message);
    Assumptions.abort(message);
  }

  static boolean answersPing(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      socket.setSoTimeout(1_000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[64];
      int read = in.read(reply);
      // "+PONG" normally; "-NOAUTH" still proves a Redis is there
      return read > 0 && (reply[0] == '+' || reply[0] == '-');
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * One set of event loops for every test client: creating and stopping them per test costs a
   * second.
   */
  private static final ClientResources RESOURCES = DefaultClientResources.create();

  /**
   * A plain Lettuce client (strings) for arranging and checking streams behind the transport's
   * back.
   */
  static final class RawRedis implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RawRedis(int port) {
      client = RedisClient.create(RESOURCES, RedisURI.create(HOST, port));
      connection = client.connect();
    }

    RedisCommands<String, String> commands() {
      return connection.sync();
    }

    @Override
    public void close() {
      client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
    }
  }

  /**
   * The stream prefixes a test used; {@link #deleteAll} removes their streams so the shared Redis
   * stays clean.
   */
  static final class StreamPrefixes {
    private final java.util.Set<String> used = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A new prefix such as {@code roundtrip-1a2b3c4d}, deleted later. */
    String fresh(String kind) {
      return track(kind + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
    }

    /** Remembers a prefix made elsewhere, to delete it later. */
    String track(String prefix) {
      used.add(prefix);
      return prefix;
    }

    /** Deletes the stream of every prefix used so far. */
    void deleteAll() {
      try (RawRedis redis = new RawRedis(PORT)) {
        for (String prefix : used) redis.commands().del(prefix + ":events");
      }
      used.clear();
    }
  }
}
