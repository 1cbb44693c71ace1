package io.stemtrace.transport.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;

/**
 * Opens Lettuce connections for one transport URL. Lettuce's own reconnect is switched off: a lost
 * connection fails its commands at once and the transport reconnects itself, so a batch is never
 * replayed behind the caller's back (at most once per {@code send}) and a reader always resumes
 * from the last entry it handed over.
 */
final class RedisConnector implements AutoCloseable {

  /** Keys and field names as UTF-8 strings, payloads as the raw bytes: no copy into a String. */
  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisTransportConfig config;
  private final RedisClient client;

  RedisConnector(RedisTransportConfig config) {
    this(config, null);
  }

  /**
   * @param resources the caller's Lettuce event loops, or null for the ones every Redis transport
   *     of the JVM shares; Lettuce leaves resources it was given running when this connector's
   *     client shuts down
   */
  RedisConnector(RedisTransportConfig config, ClientResources resources) {
    this.config = config;
    this.client = RedisClient.create(resources != null ? resources : SharedResources.get());
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .protocolVersion(ProtocolVersion.RESP2)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(config.timeout()).keepAlive(true).build())
            .timeoutOptions(
                TimeoutOptions.builder()
                    .timeoutCommands(false)
                    .build()) // per-command timers cost more than the pipeline; timeouts are
            // awaited per batch
            // a plain queue of sent commands: the hash index only speeds up cancelling single
            // commands, which
            // this transport never does, and costs a hash insert and remove per XADD
            .useHashIndexQueue(false)
            .build());
  }

  /**
   * A new connection; throws {@link IOException} when Redis cannot be reached or refuses the login.
   */
  StatefulRedisConnection<String, byte[]> connect() throws IOException {
    try {
      return client.connect(CODEC, redisUri());
    } catch (RuntimeException e) {
      throw new IOException("cannot connect to " + config.safeUrl() + ": " + rootMessage(e), e);
    }
  }

  private RedisURI redisUri() {
    RedisURI.Builder builder =
        RedisURI.Builder.redis(config.host(), config.port())
            .withDatabase(config.database())
            .withTimeout(config.timeout())
            .withClientName("stemtrace");
    if (config.tls()) builder.withSsl(true).withVerifyPeer(config.verifyPeer());
    if (config.password() != null) {
      if (config.username() != null)
        builder.withAuthentication(config.username(), config.password());
      else builder.withPassword(config.password());
    }
    return builder.build();
  }

  /**
   * Closes and waits until closed (it fails any command waiting on it at once). Lettuce warns about
   * a second close, and RedisClient.shutdown closes whatever is still open, so only an open one is
   * closed, fully.
   */
  static void closeQuietly(StatefulRedisConnection<?, ?> connection) {
    if (connection != null && connection.isOpen()) connection.close();
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
  }

  /**
   * One set of Lettuce event loops for every Redis transport in the JVM, created on first use: each
   * RedisClient would otherwise start its own. Lettuce's threads are daemons, so they never keep a
   * JVM alive.
   */
  private static final class SharedResources {
    private static volatile ClientResources resources;

    static ClientResources get() {
      ClientResources current = resources;
      if (current != null) return current;
      synchronized (SharedResources.class) {
        if (resources == null) {
          int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
          resources =
              DefaultClientResources.builder()
                  .ioThreadPoolSize(threads)
                  .computationThreadPoolSize(threads)
                  .build();
        }
        return resources;
      }
    }
  }
}
