package io.stemtrace.transport.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming half of {@link RabbitMqTransport}: this consumer's durable queue, read with manual
 * acknowledgements and a bounded prefetch, handed to the sink in batches on one daemon thread
 * ({@code stemtrace-consumer{amqp://host:port/vhost}}).
 *
 * <p>Guarantees: a message is acknowledged only after the sink returned from the batch holding it,
 * so a crash or a lost connection redelivers instead of losing (at least once; a batch in the sink
 * while the connection drops arrives again, and the graph applies a repeated event idempotently).
 * Deliveries still buffered from a connection that died are dropped, because the broker redelivers
 * them. Messages that cannot hold an event (see {@link MessageCheck}) are rejected without requeue
 * and counted. A broker that cannot be reached at start is retried every {@value
 * Connections#RECOVERY_INTERVAL_MILLIS} ms on the delivery thread, as a lost connection is; only a
 * refused login fails the start.
 *
 * <p>Bounded in bytes as well as in messages: the prefetch starts at {@value #INITIAL_PREFETCH} and
 * is sized after each batch so that prefetch times the largest message of the batch stays within
 * {@value #MAX_UNACKED_BYTES} bytes (growing by doubling up to the configured prefetch while
 * messages are small, down to 1 for huge ones). The client then holds about that much, plus one
 * window of the largest messages seen before a resize.
 */
final class AmqpSubscription implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpSubscription.class);
  static final int INITIAL_PREFETCH = 16;
  static final long MAX_UNACKED_BYTES = 32L << 20;

  private final AmqpConfig config;
  private final ConnectionFactory factory;
  private final Clock clock = Clock.systemUTC();
  private final EventSink sink;
  private final LongAdder rejected;
  private final Runnable onClose;
  private final int maxBatch;
  private final BlockingQueue<Delivery> buffer = new LinkedBlockingQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean warnedReject = new AtomicBoolean();

  /** Bumped whenever the channel deliveries came from is gone; older deliveries are then stale. */
  private final AtomicLong generation = new AtomicLong();

  private volatile Connection connection;
  private volatile Channel channel;
  private volatile boolean needsSetup;
  private volatile String consumerTag;
  private Channel statsChannel;
  private Thread thread;

  /** since when not connected, null while connected */
  private volatile Instant disconnectedSince;

  /** the last connection failure as one line, null while connected */
  private volatile String lastError;

  private boolean warnedConnectFailure;

  /** the channel's prefetch now, sized by the bytes of the messages seen */
  private volatile int prefetch = INITIAL_PREFETCH;

  private final AtomicLong heldBytes = new AtomicLong();
  private volatile long maxHeldBytes;

  AmqpSubscription(
      AmqpConfig config,
      ConnectionFactory base,
      EventSink sink,
      LongAdder rejected,
      Runnable onClose) {
    this.config = config;
    this.factory = Connections.factory(config, true, base);
    // failed recovery attempts are reported to the factory's exception handler only
    factory.setExceptionHandler(
        new RecordingExceptionHandler(
            factory.getExceptionHandler(), e -> failed("cannot connect to", e, false)));
    this.sink = sink;
    this.rejected = rejected;
    this.onClose = onClose;
    // ack at half the prefetch so that the broker keeps sending while the sink works
    this.maxBatch = Math.max(1, config.prefetch() / 2);
  }

  /**
   * Connects, declares the exchange and the queue, and starts consuming. A broker that cannot be
   * reached is retried on the delivery thread; a refused login, or a broker that refuses the queue,
   * fails the start.
   */
  void start() throws IOException {
    disconnectedSince = clock.instant();
    boolean connectedNow;
    try {
      connectedNow = connect();
    } catch (PossibleAuthenticationFailureException e) {
      throw new IOException(
          "login refused by " + config.safeUrl() + " for user " + config.username(), e);
    }
    thread = new Thread(this::deliverLoop, "stemtrace-consumer{" + config.safeUrl() + "}");
    thread.setDaemon(true);
    thread.start();
    if (connectedNow) {
      LOG.info(
          "consuming {} (bound to {}) from {}",
          config.queueName(),
          config.exchangeName(),
          config.safeUrl());
    }
  }

  /**
   * Opens the connection and starts consuming; false, with the failure recorded, when the broker
   * cannot be reached (a refused login is thrown, as is a failure after the connection opened).
   */
  private boolean connect() throws IOException {
    Connection opened;
    try {
      opened = factory.newConnection("stemtrace consumer " + config.queueName());
    } catch (PossibleAuthenticationFailureException e) {
      failed("login refused by", e, false); // thrown at start, retried quietly afterwards
      throw e;
    } catch (IOException | TimeoutException e) {
      failed("cannot connect to", e, true);
      return false;
    }
    if (!running.get()) { // closed meanwhile
      opened.abort(2_000);
      return false;
    }
    connection = opened;
    opened.addShutdownListener(
        cause -> {
          // the recovery listener logs the loss; failed attempts then replace this reason
          if (running.get() && !cause.isInitiatedByApplication())
            failed("lost the connection to", cause, false);
        });
    ((Recoverable) opened)
        .addRecoveryListener(
            new RecoveryListener() {
              @Override
              public void handleRecovery(Recoverable recoverable) {
                connectedAgain();
                LOG.info(
                    "consumer connection to {} recovered; consuming {} again",
                    config.safeUrl(),
                    config.queueName());
              }

              @Override
              public void handleRecoveryStarted(Recoverable recoverable) {
                LOG.warn("consumer connection to {} lost; recovering", config.safeUrl());
              }
            });
    try {
      setUp();
    } catch (IOException | RuntimeException e) {
      connection = null;
      opened.abort(2_000);
      throw e;
    }
    connectedAgain();
    return true;
  }

  private void connectedAgain() {
    disconnectedSince = null;
    lastError = null;
    warnedConnectFailure = false;
  }

  /**
   * Records a connection failure for {@link #lastError} and {@link #disconnectedSince}; the first
   * of a start-up retry ({@code warn}) is logged at WARN, the rest at DEBUG.
   */
  private void failed(String what, Throwable e, boolean warn) {
    if (disconnectedSince == null) disconnectedSince = clock.instant();
    String reason = rootMessage(e);
    lastError = what + " " + config.safeUrl() + ": " + reason;
    if (warn && !warnedConnectFailure) {
      warnedConnectFailure = true;
      LOG.warn(
          "{} {} ({}); retrying every {} ms",
          what,
          config.safeUrl(),
          reason,
          Connections.RECOVERY_INTERVAL_MILLIS);
    } else {
      LOG.debug("{} {}: {}", what, config.safeUrl(), reason);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }

  /** The delivery thread's retry of a start that found no broker. */
  private boolean tryConnect() throws InterruptedException {
    try {
      if (connect()) {
        LOG.info(
            "connected to {}; consuming {} (bound to {})",
            config.safeUrl(),
            config.queueName(),
            config.exchangeName());
        return true;
      }
    } catch (PossibleAuthenticationFailureException e) {
      // recorded; retried, as the broker's users may be fixed meanwhile
    } catch (IOException | RuntimeException e) {
      // a refused queue keeps being retried too
      failed("cannot consume " + config.queueName() + " on", e, true);
    }
    if (running.get()) Thread.sleep(Connections.RECOVERY_INTERVAL_MILLIS);
    return false;
  }

  /**
   * Opens a channel and starts consuming on it; used at start and after a channel-level failure.
   */
  private void setUp() throws IOException {
    Channel created = connection.createChannel();
    if (created == null)
      throw new IOException("broker " + config.safeUrl() + " has no free channel");
    Channel opened = created;
    try {
      opened = declareQueue(created);
      // channel-wide (global), so that a new size applies to the running consumer at once
      prefetch = Math.min(INITIAL_PREFETCH, config.prefetch());
      opened.basicQos(prefetch, true);
      opened.queueBind(config.queueName(), config.exchangeName(), "");
      opened.addShutdownListener(this::channelShutDown);
      generation.incrementAndGet();
      channel = opened;
      consumerTag = opened.basicConsume(config.queueName(), false, new QueueConsumer(opened));
      needsSetup = false;
    } catch (IOException | RuntimeException e) {
      // nothing half set up stays open (and nothing stays registered for the client's recovery)
      abortQuietly(created);
      abortQuietly(opened);
      throw e;
    }
  }

  private static void abortQuietly(Channel channel) {
    try {
      channel.abort();
    } catch (IOException | RuntimeException ignored) {
      // it is unusable either way
    }
  }

  /**
   * Declares the exchange and the queue as Python stemtrace does. When the queue already exists
   * with other arguments (another retention), RabbitMQ refuses the declaration; the queue is then
   * used as it is.
   */
  private Channel declareQueue(Channel opened) throws IOException {
    opened.exchangeDeclare(config.exchangeName(), BuiltinExchangeType.FANOUT, true);
    try {
      opened.queueDeclare(config.queueName(), true, false, false, config.queueArguments());
      return opened;
    } catch (IOException e) {
      if (!isPreconditionFailed(e)) throw e;
      LOG.warn(
          "queue {} exists with arguments other than {} (another retention?); consuming it as it is",
          config.queueName(),
          config.queueArguments());
      Channel fresh = connection.createChannel();
      if (fresh == null)
        throw new IOException("broker " + config.safeUrl() + " has no free channel", e);
      fresh.queueDeclarePassive(config.queueName());
      return fresh;
    }
  }

  private static boolean isPreconditionFailed(IOException e) {
    return e.getCause() instanceof ShutdownSignalException shutdown
        && shutdown.getReason() instanceof AMQP.Channel.Close close
        && close.getReplyCode() == AMQP.PRECONDITION_FAILED;
  }

  private void channelShutDown(ShutdownSignalException cause) {
    generation.incrementAndGet();
    // a connection loss is repaired by automatic recovery; a channel closed by the broker for a
    // channel
    // error is not, so the delivery thread opens a new one
    if (running.get() && !cause.isHardError() && !cause.isInitiatedByApplication()) {
      LOG.warn(
          "broker closed the consumer channel on {}: {}; opening a new one",
          config.safeUrl(),
          cause.getMessage());
      needsSetup = true;
    }
  }

  private void deliverLoop() {
    List<Delivery> pending = new ArrayList<>(maxBatch);
    List<byte[]> bodies = new ArrayList<>(maxBatch);
    while (running.get()) {
      try {
        if (connection == null && !tryConnect()) continue;
        if (needsSetup && !trySetUpAgain()) continue;
        Delivery first = buffer.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        pending.add(first);
        buffer.drainTo(pending, maxBatch - 1);
        deliver(pending, bodies);
      } catch (InterruptedException e) {
        if (!running.get()) return;
      } catch (RuntimeException e) {
        LOG.warn("consumer loop on {} failed; continuing", config.safeUrl(), e);
      } finally {
        pending.clear();
        bodies.clear();
      }
    }
  }

  private void deliver(List<Delivery> pending, List<byte[]> bodies) {
    long current = generation.get();
    Channel ackChannel = null;
    long lastGoodTag = -1;
    for (Delivery delivery : pending) {
      if (delivery.generation != current) continue; // its channel died; the broker redelivers it
      String problem =
          MessageCheck.problem(delivery.contentType, delivery.contentEncoding, delivery.body);
      if (problem != null) {
        reject(delivery, problem);
        continue;
      }
      bodies.add(delivery.body);
      lastGoodTag = delivery.tag;
      ackChannel = delivery.channel;
    }
    long batchBytes = 0;
    int largest = 0;
    for (Delivery delivery : pending) {
      batchBytes += delivery.body.length;
      largest = Math.max(largest, delivery.body.length);
    }
    try {
      deliverBodies(bodies, ackChannel, lastGoodTag);
    } finally {
      heldBytes.addAndGet(-batchBytes);
    }
    resizePrefetch(largest, pending.size());
  }

  /**
   * Prefetch x largest message within {@link #MAX_UNACKED_BYTES}; doubling at most per batch that
   * filled it.
   */
  private void resizePrefetch(int largest, int batchSize) {
    Channel current = channel;
    if (current == null || largest == 0) return;
    int fits = (int) Math.max(1, Math.min(config.prefetch(), MAX_UNACKED_BYTES / largest));
    int next = batchSize * 2 >= prefetch ? Math.min(fits, prefetch * 2) : Math.min(fits, prefetch);
    if (next == prefetch) return;
    try {
      current.basicQos(next, true);
      prefetch = next;
    } catch (IOException | RuntimeException e) {
      LOG.debug("resizing the prefetch on {} failed: {}", config.safeUrl(), e.getMessage());
    }
  }

  /** The prefetch in use now. */
  int prefetch() {
    return prefetch;
  }

  /** The most message bytes held at once (received, not yet acknowledged or dropped). */
  long maxHeldBytes() {
    return maxHeldBytes;
  }

  private void deliverBodies(List<byte[]> bodies, Channel ackChannel, long lastGoodTag) {
    if (bodies.isEmpty() || !running.get()) return;
    try {
      sink.accept(bodies);
    } catch (RuntimeException e) {
      // the sink must not throw; requeueing would loop on the same batch forever, so it counts as
      // consumed
      LOG.warn(
          "event sink threw on a batch of {} from {}; acknowledging it anyway",
          bodies.size(),
          config.queueName(),
          e);
    }
    try {
      ackChannel.basicAck(lastGoodTag, true);
    } catch (IOException | ShutdownSignalException e) {
      LOG.debug(
          "ack on {} failed ({}); the broker will redeliver", config.safeUrl(), e.getMessage());
    }
  }

  private void reject(Delivery delivery, String problem) {
    rejected.increment();
    if (warnedReject.compareAndSet(false, true)) {
      LOG.warn(
          "rejected a message on {} without requeue: {} (further rejections are logged at DEBUG)",
          config.queueName(),
          problem);
    } else {
      LOG.debug("rejected a message on {} without requeue: {}", config.queueName(), problem);
    }
    try {
      delivery.channel.basicReject(delivery.tag, false);
    } catch (IOException | ShutdownSignalException e) {
      LOG.debug("reject on {} failed: {}", config.safeUrl(), e.getMessage());
    }
  }

  private boolean trySetUpAgain() throws InterruptedException {
    for (Delivery dropped : buffer) heldBytes.addAndGet(-dropped.body.length);
    buffer.clear();
    try {
      Channel old = channel;
      if (old != null) {
        // forget the old consumer, so that a later connection recovery does not bring it back as
        // well
        try {
          String tag = consumerTag;
          if (tag != null) old.basicCancel(tag);
        } catch (IOException | RuntimeException ignored) {
          // the channel is closed already; cancelling only cleared the client's record of the
          // consumer
        }
        old.abort();
      }
      setUp();
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not consume {} on {} again: {}; retrying",
          config.queueName(),
          config.safeUrl(),
          e.getMessage());
      Thread.sleep(Connections.RECOVERY_INTERVAL_MILLIS);
      return false;
    }
  }

  /**
   * Ready messages in the queue plus those received but not yet handed to the sink. Asks the broker
   * on a channel of its own, so that a failing query cannot disturb consumption.
   */
  @Override
  public OptionalLong lag() {
    if (!running.get()) return OptionalLong.empty();
    synchronized (this) {
      try {
        if (statsChannel == null || !statsChannel.isOpen())
          statsChannel = connection.createChannel();
        if (statsChannel == null) return OptionalLong.empty();
        return OptionalLong.of(statsChannel.messageCount(config.queueName()) + buffer.size());
      } catch (IOException | RuntimeException e) {
        return OptionalLong.empty();
      }
    }
  }

  @Override
  public boolean isConnected() {
    Connection currentConnection = connection;
    Channel currentChannel = channel;
    return running.get()
        && !needsSetup
        && currentConnection != null
        && currentConnection.isOpen()
        && currentChannel != null
        && currentChannel.isOpen();
  }

  @Override
  public Optional<Instant> disconnectedSince() {
    return isConnected() ? Optional.empty() : Optional.ofNullable(disconnectedSince);
  }

  @Override
  public Optional<String> lastError() {
    return isConnected() ? Optional.empty() : Optional.ofNullable(lastError);
  }

  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) return;
    // ends the sleep of a start-up retry at once (a connected one is left to finish its batch)
    if (thread != null && connection == null) thread.interrupt();
    Channel current = channel;
    String tag = consumerTag;
    try {
      if (current != null && tag != null && current.isOpen()) current.basicCancel(tag);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cancel on {} failed: {}", config.safeUrl(), e.getMessage());
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // unacknowledged deliveries go back to the queue when the connection closes
    Connection currentConnection = connection;
    if (currentConnection != null) currentConnection.abort(2_000);
    buffer.clear();
    onClose.run();
  }

  /**
   * Receives deliveries on the client's dispatch thread and queues them for the delivery thread.
   */
  private final class QueueConsumer extends DefaultConsumer {
    QueueConsumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      long held = heldBytes.addAndGet(body.length);
      if (held > maxHeldBytes) maxHeldBytes = held;
      buffer.add(
          new Delivery(
              getChannel(),
              generation.get(),
              envelope.getDeliveryTag(),
              properties.getContentType(),
              properties.getContentEncoding(),
              body));
    }

    @Override
    public void handleCancel(String tag) {
      // the broker cancelled us, for example because the queue was deleted: declare it and consume
      // again
      if (running.get()) {
        LOG.warn(
            "broker cancelled consumption of {} on {}; consuming again",
            config.queueName(),
            config.safeUrl());
        generation.incrementAndGet();
        needsSetup = true;
      }
    }
  }

  /**
   * One message as received; acknowledged on the channel it came from, whose delivery tags it
   * carries.
   */
  private record Delivery(
      Channel channel,
      long generation,
      long tag,
      String contentType,
      String contentEncoding,
      byte[] body) {}
}
