package io.stemtrace;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.Transport;
import io.stemtrace.codec.EventCodec;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves events from task threads to a {@link Transport} without making task threads wait.
 *
 * <p>{@link #offer} appends to a bounded lock-free queue and returns; when the queue is full the
 * event is counted as dropped. A daemon flusher thread ({@code stemtrace-publisher{transport}}),
 * started with the first event, wakes every flush interval (or as soon as a batch is ready),
 * encodes the queued events with {@link EventCodec} and hands them to the transport in batches. A
 * send that fails or throws counts its events as failed: the first failure is logged at WARN,
 * repeats at DEBUG until a send works again. Callers never see an exception from here.
 */
final class AsyncPublisher implements AutoCloseable {

  /**
   * System.Logger, not SLF4J: the producer adds no logging dependency to the application (see
   * RATIONALE.md)
   */
  private static final System.Logger LOG = System.getLogger(AsyncPublisher.class.getName());

  private final Transport transport;
  private final boolean ownsTransport;
  private final EventCodec codec;
  private final int maxQueueSize;
  private final int batchSize;
  private final long flushIntervalNanos;
  private final String threadName;

  private final ConcurrentLinkedQueue<StemtraceEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final LongAdder queued = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  // held while draining and sending, so that events leave in queue order whoever flushes
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean accepting = true;
  private volatile boolean running = true;
  private volatile Thread flusher;
  private boolean failing; // guarded by sendLock

  /**
   * @param transport where batches go
   * @param ownsTransport whether {@link #close} closes the transport too
   * @param maxQueueSize most events waiting at once; more are dropped
   * @param batchSize most events per {@link Transport#send}
   * @param flushInterval longest time an event waits before the flusher looks at it
   */
  public AsyncPublisher(
      Transport transport,
      boolean ownsTransport,
      int maxQueueSize,
      int batchSize,
      Duration flushInterval) {
    if (transport == null) throw new NullPointerException("transport == null");
    if (maxQueueSize < 1) throw new IllegalArgumentException("maxQueueSize < 1: " + maxQueueSize);
    if (batchSize < 1) throw new IllegalArgumentException("batchSize < 1: " + batchSize);
    if (flushInterval == null) throw new NullPointerException("flushInterval == null");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval <= 0: " + flushInterval);
    }
    this.transport = transport;
    this.ownsTransport = ownsTransport;
    this.codec = EventCodec.standard();
    this.maxQueueSize = maxQueueSize;
    this.batchSize = batchSize;
    this.flushIntervalNanos = flushInterval.toNanos();
    this.threadName = "stemtrace-publisher{" + describe(transport) + "}";
  }

  /**
   * Counts an event that could not even be built (the tracer caught a failure making it) as
   * dropped.
   */
  public void countDropped() {
    dropped.increment();
  }

  /**
   * Queues an event for sending; returns false (and counts a drop) when the queue is full or
   * closed.
   */
  public boolean offer(StemtraceEvent event) {
    if (!accepting || event == null) {
      dropped.increment();
      return false;
    }
    int depth = size.incrementAndGet();
    if (depth > maxQueueSize) {
      size.decrementAndGet();
      dropped.increment();
      return false;
    }
    queue.offer(event);
    queued.increment();
    Thread thread = flusher;
    if (thread == null) {
      startFlusher();
    } else if (depth == batchSize) {
      LockSupport.unpark(thread); // a full batch is waiting: no need to sit out the interval
    }
    return true;
  }

  /** Counters since creation. */
  public long queuedCount() {
    return queued.sum();
  }

  public long sentCount() {
    return sent.sum();
  }

  public long droppedCount() {
    return dropped.sum();
  }

  public long failedCount() {
    return failed.sum();
  }

  public int queueDepth() {
    return Math.max(0, size.get());
  }

  /**
   * Sends everything queued so far from the calling thread, waiting at most {@code timeout} (also
   * for a batch the flusher is sending). Returns true when every event queued before the call was
   * handed to the transport (sent, or counted as failed).
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      do {
        // taking the lock also waits out a batch the flusher drained and is still sending
        long left = deadline - System.nanoTime();
        if (!sendLock.tryLock(Math.max(0, left), TimeUnit.NANOSECONDS)) return false;
        try {
          while (drainAndSendLocked() > 0 && System.nanoTime() < deadline) {
            // keep going until the queue is empty or the time is up
          }
        } finally {
          sendLock.unlock();
        }
      } while (!queue.isEmpty() && System.nanoTime() < deadline);
      return queue.isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Stops accepting events, sends what is queued (waiting at most {@code timeout}), stops the
   * flusher thread and, when owned, closes the transport. Events still queued after the timeout
   * count as dropped.
   */
  public void close(Duration timeout) {
    if (!closed.compareAndSet(false, true)) return;
    accepting = false;
    flush(timeout);
    running = false;
    Thread thread = flusher;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(Math.max(1, Math.min(timeout.toMillis(), 200)));
        if (thread.isAlive()) {
          // stuck in a send: interrupt it, a transport must give up on interrupt or close
          thread.interrupt();
          if (ownsTransport) closeTransport();
          thread.join(Math.max(1, timeout.toMillis()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive())
        LOG.log(Level.WARNING, "{0} did not stop: the transport ignores interrupts", threadName);
    }
    int left = 0;
    while (queue.poll() != null) left++;
    if (left > 0) {
      size.addAndGet(-left);
      dropped.add(left);
    }
    if (ownsTransport) closeTransport();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  private void closeTransport() {
    try {
      transport.close();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, () -> "closing " + describe(transport) + " failed", e);
    }
  }

  private void startFlusher() {
    if (!started.compareAndSet(false, true)) return;
    Thread thread = new Thread(this::runFlusher, threadName);
    thread.setDaemon(true);
    flusher = thread;
    thread.start();
  }

  private void runFlusher() {
    while (running) {
      int drained = 0;
      if (sendLock.tryLock()) {
        try {
          drained = drainAndSendLocked();
        } finally {
          sendLock.unlock();
        }
      }
      if (drained == 0 && running && queue.isEmpty())
        LockSupport.parkNanos(this, flushIntervalNanos);
      // an interrupt (from close) leaves the flag set; clear it so parkNanos waits again while
      // draining
      if (Thread.interrupted() && !running) return;
    }
  }

  /** Drains up to one batch and sends it. Returns how many events it drained. */
  private int drainAndSendLocked() {
    List<StemtraceEvent> events = new ArrayList<>(Math.min(batchSize, Math.max(1, queueDepth())));
    StemtraceEvent event;
    while (events.size() < batchSize && (event = queue.poll()) != null) events.add(event);
    if (events.isEmpty()) return 0;
    size.addAndGet(-events.size());
    List<byte[]> batch = new ArrayList<>(events.size());
    for (StemtraceEvent e : events) {
      byte[] encoded = encode(e);
      if (encoded == null) {
        failed.increment();
      } else {
        batch.add(encoded);
      }
    }
    if (batch.isEmpty()) return events.size();
    try {
      transport.send(batch);
      sent.add(batch.size());
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, "sending events to {0} works again", describe(transport));
      }
    } catch (Exception | LinkageError | StackOverflowError e) {
      failed.add(batch.size());
      if (!failing) {
        failing = true;
        LOG.log(
            Level.WARNING,
            "could not send {0} events to {1}; further failures are logged at DEBUG until it recovers: {2}",
            String.valueOf(batch.size()),
            describe(transport),
            e.toString());
      } else {
        LOG.log(
            Level.DEBUG,
            () -> "could not send " + batch.size() + " events to " + describe(transport),
            e);
      }
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
    }
    return events.size();
  }

  private byte[] encode(StemtraceEvent event) {
    try {
      return codec.encode(event);
    } catch (RuntimeException | StackOverflowError e) {
      if (event instanceof TaskEvent task) {
        // keep the event, lose the payload that broke the encoder
        try {
          return codec.encode(
              task.toBuilder()
                  .args(null)
                  .kwargs(null)
                  .result("[Unserializable: " + e.getClass().getSimpleName() + "]")
                  .build());
        } catch (RuntimeException again) {
          LOG.log(Level.DEBUG, () -> "could not encode event of task " + task.taskId(), again);
          return null;
        }
      }
      LOG.log(Level.DEBUG, () -> "could not encode " + event, e);
      return null;
    }
  }

  private static String describe(Transport transport) {
    try {
      return transport.describe();
    } catch (RuntimeException e) {
      return transport.getClass().getSimpleName();
    }
  }
}
