package io.stemtrace.transport.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportChoice;
import io.stemtrace.api.Transports;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Streams transport, wire-compatible with the Python stemtrace library: each event is one
 * entry of the stream {@code {prefix}:events} with the single field {@code data} holding the
 * event's JSON.
 *
 * <p>Publishing: one {@link #send} is one pipelined round trip ({@code XADD ... MAXLEN ~ N * data
 * <json>} per event, plus {@code XTRIM ... MINID ~} when a retention is set), on a connection of
 * its own. Where the server allows {@code CLIENT REPLY}, the XADDs of a batch are sent with replies
 * off except the last one's, in chunks Lettuce handles as one command each, followed by an {@code
 * ECHO} that proves the replies are in step (see {@link QuietXaddCommand}); otherwise, or with
 * {@code replies=each}, every XADD is answered. When Redis is unreachable, {@code send} throws
 * {@link IOException} within the configured timeout and the transport reconnects with exponential
 * backoff (100 ms doubling to 5 s) on later sends; a failed batch is never replayed, so no entry is
 * written twice by the transport.
 *
 * <p>Consuming: each {@link #subscribe} owns a connection and a daemon thread ({@code
 * stemtrace-consumer{redis://host:port/db}}) that replays what the stream holds (or starts where
 * the {@code start} option says), then follows it with blocking {@code XREAD}s. Its position
 * advances only after the sink returned, and after a lost connection it resumes right after the
 * last entry handed over.
 *
 * <p>URL: {@code
 * redis[s]://[[user]:password@]host[:port][/database][?maxlen=100000&retention=PT24H&timeout=PT10S
 * &start=0-0|$|<entry id>&verifypeer=true&replies=batch|each]}.
 */
public final class RedisTransport implements Transport {

  private static final Logger LOG = LoggerFactory.getLogger(RedisTransport.class);
  static final String FIELD = "data";

  /** Commands written per socket write within one batch. */
  static final int WRITE_CHUNK = 128;

  private final RedisTransportConfig config;
  private final Clock clock;
  private final RedisConnector connector;
  private final byte[] xaddHeader;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<RedisSubscription> subscriptions = new ArrayList<>();

  private final Object publishLock = new Object();
  private final Backoff publishBackoff = new Backoff();
  private volatile StatefulRedisConnection<String, byte[]>
      publishConnection; // written under publishLock
  private long nextConnectAttemptNanos; // System.nanoTime, 0 for none; guarded by publishLock
  private long serverClockOffsetMillis; // guarded by publishLock
  private boolean
      publishFailing; // guarded by publishLock; true between a failure and the next success

  /**
   * guarded by publishLock; whether this connection's batches use CLIENT REPLY OFF ({@link
   * QuietXaddCommand})
   */
  private boolean quietReplies;

  /** guarded by publishLock; false once the option or the server said no */
  private boolean quietRepliesAllowed;

  private long batchNumber; // guarded by publishLock
  private final AtomicLong sentEntries = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();

  RedisTransport(RedisTransportConfig config) {
    this(config, Clock.systemUTC());
  }

  RedisTransport(RedisTransportConfig config, Clock clock) {
    this(config, clock, null);
  }

  private RedisTransport(RedisTransportConfig config, Clock clock, ClientResources resources) {
    this.config = Objects.requireNonNull(config, "config == null");
    this.clock = Objects.requireNonNull(clock, "clock == null");
    this.connector = new RedisConnector(config, resources);
    this.xaddHeader = XaddCommand.header(config.streamKey(), config.maxlen());
    this.quietRepliesAllowed = config.quietReplies();
  }

  @Override
  public void send(List<byte[]> batch) throws IOException {
    Objects.requireNonNull(batch, "batch == null");
    ensureOpen();
    if (batch.isEmpty()) return;
    synchronized (publishLock) {
      ensureOpen();
      StatefulRedisConnection<String, byte[]> connection = publishConnection();
      for (byte[] payload : batch) Objects.requireNonNull(payload, "payload == null");
      CountDownLatch answered = new CountDownLatch(1);
      List<XaddCommand> commands = new ArrayList<>(quietReplies ? 1 : batch.size());
      List<QuietXaddCommand> quiet = new ArrayList<>();
      int last = batch.size() - 1;
      if (quietReplies) {
        // chunks of silent XADDs, each one command for Lettuce, then the last entry with its reply
        for (int from = 0; from < last; from += WRITE_CHUNK) {
          QuietXaddCommand chunk =
              new QuietXaddCommand(
                  xaddHeader, List.copyOf(batch.subList(from, Math.min(last, from + WRITE_CHUNK))));
          quiet.add(chunk);
          connection.dispatch(chunk);
          connection.flushCommands(); // Redis starts on the first chunk while the next is encoded
        }
        commands.add(new XaddCommand(xaddHeader, batch.get(last), answered));
        connection.dispatch(commands.get(0));
      } else {
        int flushed = 0;
        for (int i = 0; i <= last; i++) {
          commands.add(new XaddCommand(xaddHeader, batch.get(i), i == last ? answered : null));
          if (commands.size() - flushed == WRITE_CHUNK && i < last) {
            // Redis starts on the first commands while the rest are encoded; still no wait in
            // between
            connection.dispatch(commands.subList(flushed, commands.size()));
            connection.flushCommands();
            flushed = commands.size();
          }
        }
        connection.dispatch(commands.subList(flushed, commands.size()));
      }
      // replies come in order: a stranger's reply here means they are out of step with the commands
      byte[] token =
          quiet.isEmpty()
              ? null
              : ("stemtrace-" + (++batchNumber)).getBytes(StandardCharsets.US_ASCII);
      RedisFuture<byte[]> echo = token == null ? null : connection.async().echo(token);
      RedisFuture<Long> trim = null;
      if (config.retention() != null) {
        String minId =
            StreamIds.minIdAt(
                clock.millis() + serverClockOffsetMillis - config.retention().toMillis());
        trim =
            connection
                .async()
                .xtrim(config.streamKey(), new XTrimArgs().minId(minId).approximateTrimming());
      }
      connection
          .flushCommands(); // the batch is one pipelined round trip: nothing waits between its
      // writes
      awaitReplies(connection, answered, quiet, commands, trim, echo, token);
    }
  }

  private void awaitReplies(
      StatefulRedisConnection<String, byte[]> connection,
      CountDownLatch answered,
      List<QuietXaddCommand> quiet,
      List<XaddCommand> commands,
      RedisFuture<Long> trim,
      RedisFuture<byte[]> echo,
      byte[] token)
      throws IOException {
    long timeoutMillis = config.timeout().toMillis();
    try {
      if (!answered.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw publishFailed(connection, "no reply within " + config.timeout(), null);
      }
      if (trim != null && !trim.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw publishFailed(connection, "no reply to XTRIM within " + config.timeout(), null);
      }
      if (echo != null && !echo.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
        throw publishFailed(connection, "no reply to ECHO within " + config.timeout(), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw publishFailed(connection, "interrupted while waiting for Redis", e);
    }
    for (QuietXaddCommand chunk : quiet) {
      if (chunk.answeredOk()) continue;
      // a refused or unknown CLIENT REPLY also means the XADDs behind it answered: the connection
      // is out of step
      if (chunk.refusedByServer()) disableQuietReplies("CLIENT REPLY refused: " + chunk.problem());
      throw publishFailed(connection, chunk.problem(), null);
    }
    if (echo != null && (echo.getError() != null || !Arrays.equals(token, echoed(echo)))) {
      disableQuietReplies("replies out of step after CLIENT REPLY OFF");
      throw publishFailed(connection, "replies out of step with the batch", null);
    }
    // Redis answers in order: the last reply arrived, so every command of the batch is complete
    for (XaddCommand command : commands) {
      // a command neither answered nor failed means the batch did not go through as a whole
      if (!command.isDone())
        throw publishFailed(connection, "no reply for part of the batch", null);
      String error = command.getOutput().getError();
      if (error == null) continue;
      // an error reply (OOM, WRONGTYPE) leaves the connection usable; a lost connection does not
      throw publishFailed(command.refusedByServer() ? null : connection, error, null);
    }
    if (trim != null && trim.getError() != null) {
      // trimming by age failed (old server without MINID): the entries are written, so the batch
      // counts
      logPublishFailure("XTRIM MINID refused: " + trim.getError());
    }
    sentEntries.addAndGet(commands.size() + quiet.stream().mapToInt(QuietXaddCommand::size).sum());
    if (publishFailing) {
      publishFailing = false;
      LOG.info("publishing to {} works again", describe());
    }
  }

  private static byte[] echoed(RedisFuture<byte[]> echo) {
    try {
      return echo.get();
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * From now on one reply per entry: this server (or a proxy in front) does not keep CLIENT REPLY
   * OFF.
   */
  private void disableQuietReplies(String why) {
    if (!quietRepliesAllowed) return;
    quietRepliesAllowed = false;
    quietReplies = false;
    LOG.warn("publishing to {} with a reply per entry from now on: {}", describe(), why);
  }

  private IOException publishFailed(
      StatefulRedisConnection<String, byte[]> broken, String reason, Throwable cause) {
    failedBatches.incrementAndGet();
    if (broken != null) dropPublishConnection(broken);
    logPublishFailure(reason);
    return new IOException("Redis publish to " + describe() + " failed: " + reason, cause);
  }

  private StatefulRedisConnection<String, byte[]> publishConnection() throws IOException {
    StatefulRedisConnection<String, byte[]> connection = publishConnection;
    if (connection != null && connection.isOpen()) return connection;
    if (connection != null) dropPublishConnection(connection);
    // backoff runs on the monotonic clock: a wall clock stepped by NTP (or faketime) must not
    // stretch it
    long now = System.nanoTime();
    if (nextConnectAttemptNanos != 0 && now - nextConnectAttemptNanos < 0) {
      failedBatches.incrementAndGet();
      throw new IOException(
          "Redis at "
              + config.safeUrl()
              + " unavailable; next connection attempt in "
              + (nextConnectAttemptNanos - now) / 1_000_000
              + " ms");
    }
    try {
      connection = connector.connect();
    } catch (IOException e) {
      failedBatches.incrementAndGet();
      nextConnectAttemptNanos = System.nanoTime() + publishBackoff.nextDelayMillis() * 1_000_000;
      logPublishFailure(e.getMessage());
      throw e;
    }
    publishBackoff.reset();
    nextConnectAttemptNanos = 0;
    quietReplies = quietRepliesAllowed && acceptsClientReply(connection);
    if (config.retention() != null) serverClockOffsetMillis = serverClockOffset(connection);
    connection.setAutoFlushCommands(false); // pipelining: a batch leaves in one write
    publishConnection = connection;
    return connection;
  }

  /**
   * Redis's clock minus ours, read with {@code TIME} once per connection: entry ids carry Redis's
   * clock, so the retention's MINID must too, or a clock skew between this host and Redis trims too
   * much or too little. 0 (our clock) when the server refuses {@code TIME}.
   */
  private long serverClockOffset(StatefulRedisConnection<String, byte[]> connection) {
    try {
      long before = clock.millis();
      RedisFuture<List<byte[]>> reply = connection.async().time();
      if (reply.await(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
          && reply.getError() == null) {
        long after = clock.millis();
        List<byte[]> time = reply.get();
        long serverMillis =
            Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1000
                + Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII)) / 1000;
        long offset = serverMillis - (before + after) / 2;
        if (Math.abs(offset) > 60_000) {
          LOG.warn(
              "the clock of Redis at {} differs from this host's by {} ms; retention follows Redis's",
              describe(),
              offset);
        }
        return offset;
      }
      LOG.warn(
          "TIME at {} answered {}; retention trims by this host's clock",
          describe(),
          reply.isDone() ? reply.getError() : "nothing in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
      LOG.warn(
          "TIME at {} failed ({}); retention trims by this host's clock",
          describe(),
          RedisConnector.rootMessage(e));
    }
    return 0;
  }

  /**
   * Asks for {@code CLIENT REPLY ON}: a server (or proxy, or ACL) that refuses it gets a reply per
   * entry.
   */
  private boolean acceptsClientReply(StatefulRedisConnection<String, byte[]> connection) {
    try {
      RedisFuture<String> reply =
          connection
              .async()
              .dispatch(
                  CommandType.CLIENT,
                  new StatusOutput<>(RedisConnector.CODEC),
                  new CommandArgs<>(RedisConnector.CODEC).add("REPLY").add("ON"));
      if (reply.await(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
          && reply.getError() == null) return true;
      disableQuietReplies(
          "CLIENT REPLY ON answered " + (reply.isDone() ? reply.getError() : "nothing in time"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      disableQuietReplies("CLIENT REPLY ON failed: " + RedisConnector.rootMessage(e));
    }
    return false;
  }

  private void dropPublishConnection(StatefulRedisConnection<String, byte[]> connection) {
    if (publishConnection == connection) publishConnection = null;
    RedisConnector.closeQuietly(connection);
  }

  private void logPublishFailure(String reason) {
    if (!publishFailing) {
      publishFailing = true;
      LOG.warn(
          "publishing to {} failed ({}); reconnecting with backoff, further failures logged at DEBUG",
          describe(),
          reason);
    } else {
      LOG.debug("publishing to {} failed again: {}", describe(), reason);
    }
  }

  @Override
  public Subscription subscribe(EventSink sink) {
    Objects.requireNonNull(sink, "sink == null");
    ensureOpen();
    RedisSubscription subscription =
        new RedisSubscription(config, connector, sink, clock, this::forget);
    synchronized (subscriptions) {
      ensureOpen();
      subscriptions.add(subscription);
    }
    subscription.start();
    return subscription;
  }

  private void forget(RedisSubscription subscription) {
    synchronized (subscriptions) {
      subscriptions.remove(subscription);
    }
  }

  @Override
  public String describe() {
    return config.safeUrl() + " stream " + config.streamKey();
  }

  /** Entries written by {@link #send} since this transport was created. */
  long sentEntries() {
    return sentEntries.get();
  }

  /** Whether the current connection sends batches with CLIENT REPLY OFF (for tests). */
  boolean repliesPerBatchOnly() {
    synchronized (publishLock) {
      return quietReplies;
    }
  }

  /** Batches {@link #send} could not write (Redis unreachable, timed out or refusing). */
  long failedBatches() {
    return failedBatches.get();
  }

  private void ensureOpen() {
    if (closed.get()) throw new IllegalStateException("transport closed: " + describe());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    List<RedisSubscription> toClose;
    synchronized (subscriptions) {
      toClose = new ArrayList<>(subscriptions);
      subscriptions.clear();
    }
    for (RedisSubscription subscription : toClose) subscription.close();
    connector
        .close(); // closes every connection of this transport, which also wakes a send waiting on
    // one
    synchronized (publishLock) {
      publishConnection = null;
    }
  }

  /**
   * A transport for a {@code redis://} or {@code rediss://} URL (options as for {@link
   * Transports#open}), typed: for a host that shares its own Lettuce event loops, or wants the
   * options checked in code.
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** Configures a {@link RedisTransport}. */
  public static final class Builder {
    private final String url;
    private String prefix = TransportChoice.DEFAULT_PREFIX;
    private ClientResources clientResources;

    Builder(String url) {
      this.url = Objects.requireNonNull(url, "url == null");
    }

    /** The stream prefix: the stream is {@code {prefix}:events}; default {@code stemtrace}. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      if (prefix.isBlank()) throw new IllegalArgumentException("prefix is blank");
      this.prefix = prefix;
      return this;
    }

    /**
     * The caller's Lettuce {@link ClientResources} (event loops, DNS, metrics), shared with its own
     * Redis clients; the transport never shuts them down. Not a whole {@code RedisClient}: the
     * transport sets its own client options (no automatic reconnect, RESP2, a plain command queue),
     * which would change the caller's client for everything else it does.
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources = Objects.requireNonNull(clientResources, "clientResources == null");
      return this;
    }

    /**
     * @throws IllegalArgumentException for a URL that is not {@code redis://} or {@code rediss://},
     *     or an unknown or malformed option
     */
    public RedisTransport build() {
      return new RedisTransport(
          RedisTransportConfig.parse(URI.create(url.trim()), prefix),
          Clock.systemUTC(),
          clientResources);
    }
  }
}
