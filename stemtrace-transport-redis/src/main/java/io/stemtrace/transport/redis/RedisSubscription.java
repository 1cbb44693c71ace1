package io.stemtrace.transport.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one Redis stream on a daemon thread of its own and hands its entries' {@code data} fields
 * to a sink, in stream order, one {@code XREAD} batch at a time.
 *
 * <p>Guarantees: the position (the id of the last entry handed over) advances only after the sink
 * returned; after a lost connection the thread reconnects with backoff and reads from right after
 * that position, so every entry the stream still holds reaches the sink exactly once. Entries
 * without a {@code data} field are counted and skipped.
 */
final class RedisSubscription implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSubscription.class);

  /**
   * Entries per XREAD: large enough that replaying a long stream is dominated by Redis, not round
   * trips.
   */
  static final int READ_COUNT = 1_000;

  static final int INITIAL_READ_COUNT = 16;
  private static final long STREAM_INFO_INTERVAL_MILLIS = 1_000;

  /** Reads returning fewer entries than this wait {@link #LINGER_NANOS} before the next read. */
  static final int LINGER_BELOW = READ_COUNT / 10;

  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final RedisTransportConfig config;
  private final RedisConnector connector;
  private final EventSink sink;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Backoff backoff = new Backoff();
  private final Thread thread;
  private final Consumer<RedisSubscription>
      onClose; // lets the transport forget a closed subscription
  private final long blockMillis;

  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile boolean connected;

  /** since when not connected (the start until the first connection), null while connected */
  private volatile Instant disconnectedSince;

  /** the last failure as one line, null while connected */
  private volatile String lastError;

  private volatile String position; // id of the last entry handed to the sink; "$" until resolved
  private volatile long delivered;
  private volatile long skipped;
  private volatile long reconnects;
  private volatile long streamResets;

  /**
   * entries asked for per XREAD, sized by {@link #sizeNextRead}; starts small, as the entries' size
   * is unknown
   */
  private int readCount = INITIAL_READ_COUNT;

  // lag bookkeeping: entries the stream ever received, and how many of those lie at or before our
  // position
  private volatile long entriesAdded = -1;
  private volatile long entriesPassed = -1;
  private long lastInfoMillis;
  private boolean failing;

  RedisSubscription(
      RedisTransportConfig config,
      RedisConnector connector,
      EventSink sink,
      Clock clock,
      Consumer<RedisSubscription> onClose) {
    this.onClose = onClose;
    this.config = config;
    this.connector = connector;
    this.sink = sink;
    this.clock = clock;
    this.position = config.start();
    this.disconnectedSince = clock.instant();
    this.blockMillis = Math.max(1, config.blockTime().toMillis()); // BLOCK 0 would mean forever
    this.thread = new Thread(this::run, "stemtrace-consumer{" + config.safeUrl() + "}");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long replyTimeoutMillis = config.blockTime().toMillis() + config.timeout().toMillis();
    while (running.get()) {
      StatefulRedisConnection<String, byte[]> current = connection;
      try {
        if (current == null) current = connect();
        if (position.equals(RedisTransportConfig.START_NEW))
          position = StreamInfo.read(current.sync(), config.streamKey()).lastGeneratedId();
        RedisAsyncCommands<String, byte[]> commands = current.async();
        // the read cursor runs one batch ahead of the position: the next XREAD is in flight while
        // the sink
        // works on the current batch; after a failure reading restarts from the position, never the
        // cursor
        String cursor = position;
        RedisFuture<StreamBatchOutput.Batch> next = read(commands, cursor);
        while (running.get()) {
          StreamBatchOutput.Batch read = await(next, replyTimeoutMillis);
          if (!read.isEmpty()) cursor = read.lastId();
          sizeNextRead(read);
          RedisFuture<List<Object>> info =
              dueForStreamInfo() ? commands.xinfoStream(config.streamKey()) : null;
          // a small batch means entries trickle in as they are written: reading again at once would
          // cost
          // a round trip (and Redis a read) per handful of entries, so let a few more accumulate
          // first
          boolean linger =
              !read.isEmpty()
                  && read.entries() < LINGER_BELOW
                  && !read.full()
                  && readCount >= LINGER_BELOW;
          if (!linger) next = read(commands, cursor); // queued behind XINFO, so XINFO answers first
          if (info != null
              && updateLag(info, replyTimeoutMillis)) { // answered at once, before the read
            // the stream was replaced: what was just read, and the read in flight, came from the
            // old position;
            // all of it is read again from the new stream's start
            if (!linger) await(next, replyTimeoutMillis);
            cursor = position;
            next = read(commands, cursor);
            continue;
          }
          if (!read.isEmpty()) deliver(read);
          if (linger) {
            LockSupport.parkNanos(LINGER_NANOS);
            next = read(commands, cursor);
          }
        }
      } catch (IOException | RuntimeException e) {
        if (!running.get()) break;
        lostConnection(current, e);
      }
    }
    closeConnection();
  }

  /** {@code XREAD COUNT n BLOCK ms STREAMS key from}, decoded by {@link StreamBatchOutput}. */
  private RedisFuture<StreamBatchOutput.Batch> read(
      RedisAsyncCommands<String, byte[]> commands, String from) {
    CommandArgs<String, byte[]> args =
        new CommandArgs<>(RedisConnector.CODEC)
            .add("COUNT")
            .add(readCount)
            .add("BLOCK")
            .add(blockMillis)
            .add("STREAMS")
            .addKey(config.streamKey())
            .add(from);
    return commands.dispatch(
        CommandType.XREAD,
        new StreamBatchOutput(config.maxReadBytes(), RedisTransportConfig.MAX_ENTRY_BYTES),
        args);
  }

  /**
   * Sizes the next read by the bytes of the last: as many entries as the byte budget holds at the
   * size of the largest one seen, growing by doubling from a few (an unknown stream may hold huge
   * entries), at most {@link #READ_COUNT}. Redis then never builds a reply far beyond the budget
   * for us to pass over.
   */
  private void sizeNextRead(StreamBatchOutput.Batch read) {
    if (read.isEmpty()) return;
    int fits =
        (int)
            Math.min(READ_COUNT, Math.max(1, config.maxReadBytes() / Math.max(1, read.largest())));
    if (read.full()) {
      readCount = Math.max(1, Math.min(fits, read.entries()));
    } else {
      readCount = Math.min(fits, read.entries() >= readCount ? readCount * 2 : readCount);
    }
  }

  private static <T> T await(RedisFuture<T> reply, long timeoutMillis) throws IOException {
    try {
      return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException runtime) throw runtime;
      throw new IOException(cause);
    } catch (TimeoutException e) {
      throw new IOException("no reply from Redis within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private StatefulRedisConnection<String, byte[]> connect() throws IOException {
    StatefulRedisConnection<String, byte[]> fresh = connector.connect();
    connection = fresh;
    if (!running.get()) { // closed while connecting
      RedisConnector.closeQuietly(fresh);
      throw new IOException("subscription closed");
    }
    connected = true;
    disconnectedSince = null;
    lastError = null;
    backoff.reset();
    if (failing) {
      failing = false;
      reconnects++;
      LOG.info("reconnected to {}; resuming after entry {}", config.safeUrl(), position);
    }
    return fresh;
  }

  private void deliver(StreamBatchOutput.Batch read) {
    if (read.malformed() > 0 && skipped == 0) {
      LOG.warn(
          "skipping stream entry {} of {} without a '{}' field; further ones counted only",
          read.firstMalformedId(),
          config.streamKey(),
          RedisTransport.FIELD);
    }
    try {
      if (!read.payloads().isEmpty()) sink.accept(read.payloads());
    } catch (RuntimeException e) {
      // a sink must not throw; redelivering the same batch forever would stall the stream behind it
      LOG.warn(
          "event sink threw on a batch of {} entries from {}; moving on",
          read.payloads().size(),
          config.streamKey(),
          e);
    }
    position = read.lastId(); // only now do these entries count as consumed
    delivered += read.payloads().size();
    skipped += read.malformed();
    if (entriesPassed >= 0) entriesPassed += read.entries();
  }

  private void lostConnection(StatefulRedisConnection<String, byte[]> broken, Exception e) {
    connected = false;
    if (disconnectedSince == null) disconnectedSince = clock.instant();
    if (broken != null) RedisConnector.closeQuietly(broken);
    connection = null;
    String reason = RedisConnector.rootMessage(e);
    // connect() names the URL (without its password); a failed read only has the driver's reason
    lastError =
        e.getMessage() != null && e.getMessage().startsWith("cannot connect to ")
            ? e.getMessage()
            : "reading from " + config.safeUrl() + " failed: " + reason;
    if (!failing) {
      failing = true;
      LOG.warn(
          "reading {} from {} failed ({}); reconnecting with backoff from entry {}",
          config.streamKey(),
          config.safeUrl(),
          reason,
          position);
    } else {
      LOG.debug("reading {} failed again: {}", config.streamKey(), reason);
    }
    try {
      Thread.sleep(backoff.nextDelayMillis());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  /**
   * The lag figures are refreshed at most once a second: one cheap XINFO STREAM next to many reads.
   */
  private boolean dueForStreamInfo() {
    long now = clock.millis();
    if (lastInfoMillis != 0 && now - lastInfoMillis < STREAM_INFO_INTERVAL_MILLIS) return false;
    lastInfoMillis = now;
    return true;
  }

  /**
   * Refreshes the lag figures; returns true when the stream turned out to be a new one (the
   * position was reset to its beginning).
   */
  private boolean updateLag(RedisFuture<List<Object>> reply, long timeoutMillis)
      throws IOException {
    StreamInfo info;
    try {
      info = StreamInfo.parse(await(reply, timeoutMillis));
    } catch (RedisCommandExecutionException e) {
      if (!String.valueOf(e.getMessage()).contains("no such key"))
        return false; // XINFO refused (ACL): lag unknown
      info = StreamInfo.EMPTY;
    }
    if (replaced(info)) return true;
    if (info.entriesAdded() < 0) return false; // before Redis 7: no entries-added, lag unknown
    String at = position;
    if (StreamIds.compare(at, info.lastGeneratedId()) >= 0) {
      entriesPassed = info.entriesAdded();
    } else if (info.firstEntryId() == null || StreamIds.compare(at, info.firstEntryId()) < 0) {
      entriesPassed =
          info.entriesAdded() - info.length(); // everything the stream holds is still ahead
    }
    entriesAdded = info.entriesAdded();
    return false;
  }

  /**
   * Whether the stream under the key is not the one the position belongs to, and if so starts again
   * from its beginning. A stream never generates an id at or below one it generated before, and
   * trimming or XDEL leave both its last id and its entries-added count as they were: so a last id
   * below the position (Redis restarted empty with its clock behind, or a replica promoted that had
   * not seen our entries), a missing key after entries were read, or fewer entries ever added than
   * before (recreated, even with ids above the position) mean a new stream, whose entries would
   * otherwise be skipped in silence.
   */
  private boolean replaced(StreamInfo info) {
    String at = position;
    boolean behind = !at.equals("0-0") && StreamIds.compare(at, info.lastGeneratedId()) > 0;
    boolean fewerAdded =
        info.entriesAdded() >= 0 && entriesAdded >= 0 && info.entriesAdded() < entriesAdded;
    if (!behind && !fewerAdded) return false;
    LOG.warn(
        "stream {} on {} was replaced (position {}, its last id now {}, entries added {} before, {} now);"
            + " reading the new stream from its beginning",
        config.streamKey(),
        config.safeUrl(),
        at,
        info.lastGeneratedId(),
        entriesAdded,
        info.entriesAdded());
    position = "0-0";
    streamResets++;
    entriesAdded = info.entriesAdded();
    entriesPassed = info.entriesAdded() < 0 ? -1 : info.entriesAdded() - info.length();
    return true;
  }

  @Override
  public long streamResets() {
    return streamResets;
  }

  /** Entries the stream holds after the position, as of the last check (at most a second old). */
  @Override
  public OptionalLong lag() {
    long added = entriesAdded;
    long passed = entriesPassed;
    if (added < 0 || passed < 0) return OptionalLong.empty();
    return OptionalLong.of(Math.max(0, added - passed));
  }

  @Override
  public boolean isConnected() {
    return connected && running.get();
  }

  @Override
  public Optional<Instant> disconnectedSince() {
    return isConnected() ? Optional.empty() : Optional.ofNullable(disconnectedSince);
  }

  @Override
  public Optional<String> lastError() {
    return isConnected() ? Optional.empty() : Optional.ofNullable(lastError);
  }

  /**
   * The id of the last entry handed to the sink ({@code 0-0} before the first): store it to resume
   * later.
   */
  String position() {
    return position;
  }

  /** Entries handed to the sink so far. */
  long deliveredEntries() {
    return delivered;
  }

  /** Entries skipped because they had no {@code data} field. */
  long skippedEntries() {
    return skipped;
  }

  /** How often the connection was lost and established again. */
  long reconnects() {
    return reconnects;
  }

  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) return;
    onClose.accept(this);
    connected = false;
    StatefulRedisConnection<String, byte[]> current = connection;
    if (current != null) RedisConnector.closeQuietly(current); // fails a blocked XREAD at once
    if (thread != Thread.currentThread()) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void closeConnection() {
    connected = false;
    StatefulRedisConnection<String, byte[]> current = connection;
    connection = null;
    if (current != null) RedisConnector.closeQuietly(current);
  }

  @Override
  public String toString() {
    return "RedisSubscription{"
        + config.safeUrl()
        + ", stream "
        + config.streamKey()
        + ", at "
        + position
        + "}";
  }

  static String text(Object value) {
    if (value instanceof byte[] bytes) return new String(bytes, StandardCharsets.UTF_8);
    return value == null ? null : value.toString();
  }
}
