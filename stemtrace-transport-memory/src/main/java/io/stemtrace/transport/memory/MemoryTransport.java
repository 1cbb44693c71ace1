package io.stemtrace.transport.memory;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process transport: every subscriber of the same channel name gets every event sent after it
 * subscribed, in send order. For tests, the demo and single-JVM apps; no broker involved.
 *
 * <p>Each subscription has a bounded buffer and its own daemon delivery thread ({@code
 * stemtrace-memory-subscriber{name}}). {@link #send} blocks while a subscriber's buffer is full, so
 * nothing is lost; stemtrace only sends from its publisher thread, never from task code.
 */
public final class MemoryTransport implements Transport {

  /**
   * System.Logger: like the producer it runs beside, the memory transport adds no logging library
   */
  private static final System.Logger LOG = System.getLogger(MemoryTransport.class.getName());

  private final MemoryChannel channel;
  private final String prefix;
  private final int bufferSize;
  private final List<MemorySubscription> subscriptions = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  MemoryTransport(MemoryChannel channel, String prefix, int bufferSize) {
    this.channel = channel;
    this.prefix = prefix;
    this.bufferSize = bufferSize;
  }

  @Override
  public void send(List<byte[]> batch) {
    Objects.requireNonNull(batch, "batch == null");
    if (closed.get()) throw new IllegalStateException("transport closed: " + describe());
    channel.publish(batch);
  }

  @Override
  public Subscription subscribe(EventSink sink) {
    Objects.requireNonNull(sink, "sink == null");
    if (closed.get()) throw new IllegalStateException("transport closed: " + describe());
    MemorySubscription subscription = new MemorySubscription(sink, bufferSize);
    synchronized (subscriptions) {
      subscriptions.add(subscription);
    }
    channel.add(subscription);
    subscription.start(describe());
    return subscription;
  }

  @Override
  public String describe() {
    return "memory://"
        + channel.name().substring(0, channel.name().lastIndexOf('/'))
        + " (prefix "
        + prefix
        + ")";
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    List<MemorySubscription> toClose;
    synchronized (subscriptions) {
      toClose = new ArrayList<>(subscriptions);
      subscriptions.clear();
    }
    for (MemorySubscription subscription : toClose) subscription.close();
  }

  /** One subscriber: a bounded buffer drained by a daemon thread into the sink. */
  final class MemorySubscription implements Subscription {
    private final EventSink sink;
    private final BlockingQueue<byte[]> buffer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    MemorySubscription(EventSink sink, int bufferSize) {
      this.sink = sink;
      this.buffer = new ArrayBlockingQueue<>(bufferSize);
    }

    void start(String description) {
      thread = new Thread(this::deliver, "stemtrace-memory-subscriber{" + description + "}");
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * Called by the channel for every batch; blocks while the buffer is full so nothing is dropped.
     */
    void offer(List<byte[]> batch) {
      try {
        for (byte[] payload : batch) {
          while (running.get() && !buffer.offer(payload, 100, TimeUnit.MILLISECONDS)) {
            // a slow sink pushes back on the sender, which is the publisher thread, never task code
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void deliver() {
      List<byte[]> batch = new ArrayList<>(1024);
      while (running.get()) {
        try {
          byte[] first = buffer.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) continue;
          batch.add(first);
          buffer.drainTo(batch, 1023);
          sink.accept(batch);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "memory transport sink threw; batch skipped", e);
        } finally {
          batch.clear();
        }
      }
    }

    @Override
    public OptionalLong lag() {
      return OptionalLong.of(buffer.size());
    }

    @Override
    public void close() {
      if (!running.compareAndSet(true, false)) return;
      channel.remove(this);
      if (thread != null && thread != Thread.currentThread()) {
        thread.interrupt();
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
