package io.stemtrace.core;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.codec.DecodeError;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads encoded events from a {@link Transport}, decodes them and applies them to a {@link
 * GraphStore}.
 *
 * <p>Guarantees: a malformed payload is counted per {@link DecodeError.Kind} and skipped (the first
 * of each kind is logged at WARN, the rest at DEBUG); nothing thrown by the codec, the store or a
 * listener stops consumption; the transport counts a batch as consumed only after every event of it
 * was applied. Delivery runs on the transport's daemon thread; {@link #accept} may also be called
 * directly (tests, import).
 */
public final class EventConsumer implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final DecodeError.Kind[] KINDS = DecodeError.Kind.values();

  /** Batches at least this large are decoded a chunk ahead on a helper thread. */
  private static final int PIPELINE_MIN_BATCH = 256;

  private static final int CHUNK = 128;

  /** Overlapping decode and apply only pays with a second core. */
  private static final boolean PIPELINE = Runtime.getRuntime().availableProcessors() > 1;

  private final Transport transport;
  private final GraphStore store;
  private static final long FLUSH_FIRST_BACKOFF_MILLIS = 100;
  private static final long FLUSH_MAX_BACKOFF_MILLIS = 5_000;

  private final EventCodec codec;
  private final Clock clock;

  /** copy-on-write: listeners are added rarely (at start-up), told on every batch */
  private final List<EventListener> listeners;

  private final AtomicLong applied = new AtomicLong();
  private final AtomicLongArray rejected = new AtomicLongArray(KINDS.length);
  private final AtomicLong applyFailures = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  private volatile Subscription subscription;
  private volatile ExecutorService decoder;
  private volatile boolean closed;

  /** when metrics first saw a subscription disconnected that does not say since when; else null */
  private volatile Instant seenDisconnected;

  private EventConsumer(Builder builder) {
    this.transport = builder.transport;
    this.store = builder.store;
    this.codec = builder.codec;
    this.clock = builder.clock;
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
  }

  /** A consumer applying to {@code store}; give it a transport to {@link #start()} from. */
  public static Builder builder(GraphStore store) {
    return new Builder(store);
  }

  /**
   * Subscribes to the transport. Events then flow until {@link #close()}.
   *
   * @throws IllegalStateException when no transport was configured, or already started or closed
   * @throws IOException when the transport cannot subscribe
   */
  public synchronized void start() throws IOException {
    if (transport == null) throw new IllegalStateException("no transport configured");
    if (closed) throw new IllegalStateException("consumer closed");
    if (subscription != null) throw new IllegalStateException("consumer already started");
    subscription = transport.subscribe(this);
    LOG.info("consuming events from {}", transport.describe());
  }

  /**
   * Decodes and applies one batch. Never throws. Large batches are decoded on a helper thread a
   * chunk ahead of the one being applied, so decoding and applying overlap on two cores; events are
   * still applied one by one in batch order, and the call returns only when all of them are
   * applied.
   */
  @Override
  public void accept(List<byte[]> batch) {
    List<StemtraceEvent> accepted = listeners.isEmpty() ? null : new ArrayList<>(batch.size());
    Executor decoder = batch.size() >= PIPELINE_MIN_BATCH ? decoder() : null;
    if (decoder == null) {
      for (byte[] payload : batch) applyDecoded(codec.decode(payload), payload, accepted);
    } else {
      int chunks = (batch.size() + CHUNK - 1) / CHUNK;
      CompletableFuture<DecodeResult[]> next = decodeAsync(batch, 0, decoder);
      for (int chunk = 0; chunk < chunks; chunk++) {
        CompletableFuture<DecodeResult[]> current = next;
        next = chunk + 1 < chunks ? decodeAsync(batch, chunk + 1, decoder) : null;
        DecodeResult[] results = current.join();
        int first = chunk * CHUNK;
        for (int i = 0; i < results.length; i++)
          applyDecoded(results[i], batch.get(first + i), accepted);
      }
    }
    flushUntilDurable();
    if (accepted != null && !accepted.isEmpty()) notifyListeners(accepted);
  }

  /**
   * Waits until the store made the batch durable, retrying with backoff: the transport acknowledges
   * the batch when {@link #accept} returns, so returning earlier could lose events a broker no
   * longer holds. A database that is away holds the stream back meanwhile, which the broker keeps.
   * Gives up only when the consumer closes.
   */
  private void flushUntilDurable() {
    long backoffMillis = FLUSH_FIRST_BACKOFF_MILLIS;
    int failures = 0;
    while (true) {
      try {
        store.flush();
        if (failures > 0)
          LOG.info("graph store is durable again after {} failed attempts", failures);
        return;
      } catch (RuntimeException e) {
        failures++;
        if (failures == 1) {
          LOG.warn(
              "graph store could not make a batch durable; retrying until it can: {}",
              e.toString());
        } else {
          LOG.debug("graph store still cannot make a batch durable", e);
        }
        if (closed) {
          LOG.warn("consumer closed while the store could not make a batch durable");
          return;
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
        backoffMillis = Math.min(FLUSH_MAX_BACKOFF_MILLIS, backoffMillis * 2);
      }
    }
  }

  private void applyDecoded(DecodeResult result, byte[] payload, List<StemtraceEvent> accepted) {
    if (result instanceof DecodeResult.Decoded decoded) {
      if (apply(decoded.event(), payload) && accepted != null) accepted.add(decoded.event());
    } else {
      reject(((DecodeResult.Rejected) result).error());
    }
  }

  private CompletableFuture<DecodeResult[]> decodeAsync(
      List<byte[]> batch, int chunk, Executor decoder) {
    int from = chunk * CHUNK;
    int to = Math.min(batch.size(), from + CHUNK);
    Supplier<DecodeResult[]> decode =
        () -> {
          DecodeResult[] results = new DecodeResult[to - from];
          for (int i = from; i < to; i++) results[i - from] = codec.decode(batch.get(i));
          return results;
        };
    try {
      return CompletableFuture.supplyAsync(decode, decoder);
    } catch (RejectedExecutionException closedMeanwhile) {
      return CompletableFuture.completedFuture(decode.get());
    }
  }

  /** The helper thread for pipelined decoding, started on first need; null on a single core. */
  private Executor decoder() {
    if (!PIPELINE) return null;
    ExecutorService current = decoder;
    if (current != null) return current;
    synchronized (this) {
      if (decoder == null && !closed) {
        String name =
            "stemtrace-decoder{" + (transport == null ? "direct" : transport.describe()) + "}";
        ThreadPoolExecutor helper =
            new ThreadPoolExecutor(
                1,
                1,
                5,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                  Thread thread = new Thread(runnable, name);
                  thread.setDaemon(true);
                  return thread;
                });
        // an idle consumer (or one its owner never closed) keeps no thread
        helper.allowCoreThreadTimeOut(true);
        decoder = helper;
      }
      return decoder;
    }
  }

  /**
   * Applies already decoded events (import); listeners are told as for transported ones. Never
   * throws.
   *
   * @return how many of the events the store accepted
   */
  public int acceptEvents(List<? extends StemtraceEvent> events) {
    List<StemtraceEvent> accepted = new ArrayList<>(events.size());
    for (StemtraceEvent event : events) {
      if (apply(event, null)) accepted.add(event);
    }
    flushUntilDurable();
    if (!accepted.isEmpty()) notifyListeners(accepted);
    return accepted.size();
  }

  /** Applies one event; {@code payload} is the bytes it arrived as, or null for an import. */
  private boolean apply(StemtraceEvent event, byte[] payload) {
    try {
      if (payload == null) store.apply(event);
      else store.apply(event, payload);
      applied.incrementAndGet();
      return true;
    } catch (RuntimeException e) {
      if (applyFailures.getAndIncrement() == 0) {
        LOG.error(
            "graph store failed to apply an event; skipping it (further failures logged at DEBUG)",
            e);
      } else {
        LOG.debug("graph store failed to apply an event", e);
      }
      return false;
    }
  }

  private void reject(DecodeError error) {
    long before = rejected.getAndIncrement(error.kind().ordinal());
    if (before == 0) {
      LOG.warn(
          "rejected a malformed event ({}: {}); further {} rejections are logged at DEBUG",
          error.kind(),
          error.detail(),
          error.kind());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("rejected a malformed event ({}: {})", error.kind(), error.detail());
    }
  }

  private void notifyListeners(List<StemtraceEvent> events) {
    List<StemtraceEvent> view = List.copyOf(events);
    for (EventListener listener : listeners) {
      if (tell(listener, view) || view.size() == 1) continue;
      // one bad event must cost only itself: the batch again, one event at a time (listeners are
      // idempotent)
      for (StemtraceEvent event : view) tell(listener, List.of(event));
    }
  }

  /** False, counted once per failed call, when the listener threw. */
  private boolean tell(EventListener listener, List<StemtraceEvent> events) {
    try {
      listener.onApplied(events);
      return true;
    } catch (RuntimeException e) {
      if (events.size() == 1 && listenerFailures.getAndIncrement() == 0) {
        LOG.warn(
            "event listener {} threw on an event; skipping it there (further failures logged at DEBUG)",
            listener,
            e);
      } else {
        LOG.debug("event listener {} threw on {} events", listener, events.size(), e);
      }
      return false;
    }
  }

  /** A snapshot of the counters. */
  public ConsumerMetrics metrics() {
    Map<DecodeError.Kind, Long> byKind = new EnumMap<>(DecodeError.Kind.class);
    long total = 0;
    for (DecodeError.Kind kind : KINDS) {
      long count = rejected.get(kind.ordinal());
      if (count > 0) byKind.put(kind, count);
      total += count;
    }
    Subscription current = subscription;
    boolean running = isRunning();
    boolean connected = running && current.isConnected();
    Optional<Instant> since = Optional.empty();
    Optional<String> lastError = Optional.empty();
    if (running && !connected) {
      since = safely(current::disconnectedSince);
      lastError = safely(current::lastError).map(EventConsumer::oneLine);
      if (since.isEmpty()) {
        if (seenDisconnected == null) seenDisconnected = clock.instant();
        since = Optional.of(seenDisconnected);
      }
    } else {
      seenDisconnected = null;
    }
    return new ConsumerMetrics(
        running,
        connected,
        applied.get(),
        total,
        byKind,
        applyFailures.get(),
        listenerFailures.get(),
        current == null ? 0 : current.streamResets(),
        current == null ? OptionalLong.empty() : current.lag(),
        since,
        lastError);
  }

  /** A user's transport failing in a connection getter must not fail the health endpoint. */
  private static <T> Optional<T> safely(Supplier<Optional<T>> getter) {
    try {
      Optional<T> value = getter.get();
      return value == null ? Optional.empty() : value;
    } catch (RuntimeException e) {
      LOG.debug("subscription connection state unavailable", e);
      return Optional.empty();
    }
  }

  /** Longest error text reported; a broker's message is a line, not a document. */
  static final int MAX_ERROR_CHARS = 500;

  /** The first line, bounded: health output stays one line per error whatever a transport says. */
  static String oneLine(String message) {
    String line = message.strip();
    int newline = line.indexOf('\n');
    if (newline >= 0) line = line.substring(0, newline).strip();
    line = line.replace('\r', ' ').replace('\t', ' ');
    return line.length() <= MAX_ERROR_CHARS ? line : line.substring(0, MAX_ERROR_CHARS) + "…";
  }

  /** True between {@link #start()} and {@link #close()}. */
  public boolean isRunning() {
    return subscription != null && !closed;
  }

  /** The store this consumer applies to. */
  public GraphStore store() {
    return store;
  }

  /** Stops the subscription (not the transport, which the caller owns). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    Subscription current = subscription;
    if (current != null) current.close();
    ExecutorService helper = decoder;
    if (helper != null) helper.shutdown();
  }

  /**
   * Adds a listener told about the events applied from now on, with the isolation and counting of
   * those given to the builder: a host's live view added after a collector started, say.
   */
  public void addListener(EventListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }

  /** Configures an {@link EventConsumer}. */
  public static final class Builder {
    private final GraphStore store;
    private Transport transport;
    private final EventCodec codec = EventCodec.standard();
    private final List<EventListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    Builder(GraphStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
    }

    /** Where events come from. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      return this;
    }

    /**
     * Tells the time a disconnection was first seen, for transports that do not say since when;
     * default the system clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Adds a listener told about applied events. */
    public Builder listener(EventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    public EventConsumer build() {
      return new EventConsumer(this);
    }
  }
}
