package io.stemtrace.core;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads encoded events from a {@link Transport}, decodes them and applies them to a {@link GraphStore}.
 *
 * <p>Guarantees: a malformed payload is counted per {@link DecodeError.Kind} and skipped (the first of each
 * kind is logged at WARN, the rest at DEBUG); nothing thrown by the codec, the store or a listener stops
 * consumption; the transport counts a batch as consumed only after every event of it was applied. Delivery
 * runs on the transport's daemon thread; {@link #accept} may also be called directly (tests, import).
 */
public final class EventConsumer implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final DecodeError.Kind[] KINDS = DecodeError.Kind.values();

  private final Transport transport;
  private final GraphStore store;
  private final EventCodec codec;
  private final List<EventListener> listeners;

  private final AtomicLong applied = new AtomicLong();
  private final AtomicLongArray rejected = new AtomicLongArray(KINDS.length);
  private final AtomicLong applyFailures = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();

  private volatile Subscription subscription;
  private volatile boolean closed;

  private EventConsumer(Builder builder) {
    this.transport = builder.transport;
    this.store = builder.store;
    this.codec = builder.codec;
    this.listeners = List.copyOf(builder.listeners);
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

  /** Decodes and applies one batch. Never throws. */
  @Override
  public void accept(List<byte[]> batch) {
    List<StemtraceEvent> accepted = listeners.isEmpty() ? null : new ArrayList<>(batch.size());
    for (byte[] payload : batch) {
      DecodeResult result = codec.decode(payload);
      if (result instanceof DecodeResult.Decoded decoded) {
        if (apply(decoded.event()) && accepted != null) accepted.add(decoded.event());
      } else {
        reject(((DecodeResult.Rejected) result).error());
      }
    }
    if (accepted != null && !accepted.isEmpty()) notifyListeners(accepted);
  }

  /**
   * Applies already decoded events (import); listeners are told as for transported ones. Never throws.
   *
   * @return how many of the events the store accepted
   */
  public int acceptEvents(List<? extends StemtraceEvent> events) {
    List<StemtraceEvent> accepted = new ArrayList<>(events.size());
    for (StemtraceEvent event : events) {
      if (apply(event)) accepted.add(event);
    }
    if (!accepted.isEmpty()) notifyListeners(accepted);
    return accepted.size();
  }

  private boolean apply(StemtraceEvent event) {
    try {
      store.apply(event);
      applied.incrementAndGet();
      return true;
    } catch (RuntimeException e) {
      if (applyFailures.getAndIncrement() == 0) {
        LOG.error("graph store failed to apply an event; skipping it (further failures logged at DEBUG)", e);
      } else {
        LOG.debug("graph store failed to apply an event", e);
      }
      return false;
    }
  }

  private void reject(DecodeError error) {
    long before = rejected.getAndIncrement(error.kind().ordinal());
    if (before == 0) {
      LOG.warn("rejected a malformed event ({}: {}); further {} rejections are logged at DEBUG",
          error.kind(), error.detail(), error.kind());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("rejected a malformed event ({}: {})", error.kind(), error.detail());
    }
  }

  private void notifyListeners(List<StemtraceEvent> events) {
    List<StemtraceEvent> view = List.copyOf(events);
    for (EventListener listener : listeners) {
      try {
        listener.onApplied(view);
      } catch (RuntimeException e) {
        if (listenerFailures.getAndIncrement() == 0) {
          LOG.warn("event listener {} threw; further failures logged at DEBUG", listener, e);
        } else {
          LOG.debug("event listener {} threw", listener, e);
        }
      }
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
    return new ConsumerMetrics(
        isRunning(),
        current != null && !closed && current.isConnected(),
        applied.get(),
        total,
        byKind,
        applyFailures.get(),
        listenerFailures.get(),
        current == null ? OptionalLong.empty() : current.lag());
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
  }

  /** Configures an {@link EventConsumer}. */
  public static final class Builder {
    private final GraphStore store;
    private Transport transport;
    private EventCodec codec = EventCodec.standard();
    private final List<EventListener> listeners = new ArrayList<>();

    Builder(GraphStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
    }

    /** Where events come from. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      return this;
    }

    /** The codec (limits); defaults to {@link EventCodec#standard()}. */
    public Builder codec(EventCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec == null");
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
