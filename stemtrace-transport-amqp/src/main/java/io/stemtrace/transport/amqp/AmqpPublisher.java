package io.stemtrace.transport.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing half of {@link RabbitMqTransport}: one long-lived connection, and one channel per
 * thread that is publishing at the moment (channels are pooled, so a single publisher thread reuses
 * one channel).
 *
 * <p>Every wait is bounded by the confirm timeout: waiting for confirms, for a broker that blocked
 * the connection (memory or disk alarm) to unblock, and for a lost connection to recover. A send
 * that cannot finish in time throws {@link IOException}; the caller, stemtrace's publisher thread,
 * counts the batch as failed. Task code never reaches this class.
 */
final class AmqpPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpPublisher.class);

  /**
   * What kombu's JSON serializer and Python stemtrace put on a message: JSON, UTF-8, persistent.
   */
  static final AMQP.BasicProperties PROPERTIES =
      new AMQP.BasicProperties.Builder()
          .contentType("application/json")
          .contentEncoding("utf-8")
          .deliveryMode(2)
          .priority(0)
          .build();

  /**
   * After a failed connection attempt, sends fail at once for this long instead of dialling again.
   */
  private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AmqpConfig config;
  private final ConnectionFactory factory;
  private final Deque<Channel> idleChannels = new ConcurrentLinkedDeque<>();
  private final Object connectLock = new Object();

  private volatile Connection connection;
  private volatile String blockedReason;
  private volatile boolean closed;
  private long nextConnectAttemptNanos;
  private IOException lastConnectFailure;

  AmqpPublisher(AmqpConfig config, ConnectionFactory base) {
    this.config = config;
    // the exchange is durable and redeclared with every new channel, so topology recovery is not
    // needed
    this.factory = Connections.factory(config, false, base);
    // opening a channel on a connection the broker blocks would otherwise wait for the default ten
    // minutes
    this.factory.setChannelRpcTimeout((int) Math.max(5_000, config.confirmTimeout().toMillis()));
  }

  void send(List<byte[]> batch) throws IOException {
    long deadline = System.nanoTime() + config.confirmTimeout().toNanos();
    while (true) {
      Channel channel = null;
      boolean confirmed;
      try {
        Connection current = connection();
        awaitUnblocked(deadline);
        channel = borrowChannel(current);
        for (byte[] payload : batch) {
          channel.basicPublish(config.exchangeName(), "", false, PROPERTIES, payload);
        }
        // like waitForConfirmsOrDie, but a failed channel is closed off this thread: closing waits
        // for the
        // broker's reply, which a broker that blocks this connection holds back for ten seconds
        confirmed =
            !config.confirms()
                || channel.waitForConfirms(
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (TimeoutException e) {
        discardLater(channel);
        throw new IOException(
            "broker did not confirm "
                + batch.size()
                + " events within "
                + config.confirmTimeout()
                + " ("
                + config.safeUrl()
                + ")",
            e);
      } catch (InterruptedException e) {
        discardLater(channel);
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException(
            "interrupted while publishing to " + config.safeUrl());
      } catch (IOException | ShutdownSignalException e) {
        discardLater(channel);
        // a lost connection recovers by itself: wait for it (bounded) and send the whole batch
        // again; the
        // broker may then hold part of it twice, which the graph absorbs, whereas a loss it could
        // not repair
        if (!closed && connectionLost(e) && awaitRecovery(deadline)) {
          LOG.debug(
              "connection to {} recovered; sending the batch of {} again",
              config.safeUrl(),
              batch.size());
          continue;
        }
        if (e instanceof IOException io) throw io;
        throw new IOException(
            "could not publish to " + config.safeUrl() + ": " + e.getMessage(), e);
      }
      if (!confirmed) {
        discardLater(channel);
        throw new IOException(
            "broker "
                + config.safeUrl()
                + " refused (nacked) events of a batch of "
                + batch.size());
      }
      idleChannels.push(channel);
      return;
    }
  }

  private boolean connectionLost(Exception failure) {
    Connection current = connection;
    if (current != null && !current.isOpen()) return true;
    Throwable cause = failure;
    while (cause != null) {
      if (cause instanceof ShutdownSignalException shutdown) {
        return shutdown.isHardError() && !shutdown.isInitiatedByApplication();
      }
      if (cause instanceof java.net.SocketException) return true;
      cause = cause.getCause();
    }
    return false;
  }

  private boolean awaitRecovery(long deadline) {
    Connection current = connection;
    if (current == null) return false;
    while (System.nanoTime() < deadline && !closed) {
      if (current.isOpen()) return true;
      if (!sleep(20)) return false;
    }
    return false;
  }

  private Connection connection() throws IOException {
    Connection current = connection;
    if (current != null) return current;
    synchronized (connectLock) {
      if (closed) throw new IllegalStateException("transport closed: " + config.safeUrl());
      if (connection != null) return connection;
      long now = System.nanoTime();
      if (lastConnectFailure != null && now < nextConnectAttemptNanos) {
        throw new IOException(
            "not connected to "
                + config.safeUrl()
                + " (last attempt failed: "
                + lastConnectFailure.getMessage()
                + ")",
            lastConnectFailure);
      }
      try {
        Connection opened = factory.newConnection("stemtrace publisher " + config.exchangeName());
        opened.addBlockedListener(
            reason -> {
              blockedReason = reason;
              LOG.warn("broker {} blocked publishing: {}", config.safeUrl(), reason);
            },
            () -> {
              blockedReason = null;
              LOG.info("broker {} unblocked publishing", config.safeUrl());
            });
        ((Recoverable) opened)
            .addRecoveryListener(
                new RecoveryListener() {
                  @Override
                  public void handleRecovery(Recoverable recoverable) {
                    // a recovered connection starts unblocked; the broker says again if it still is
                    blockedReason = null;
                    LOG.info("publisher connection to {} recovered", config.safeUrl());
                  }

                  @Override
                  public void handleRecoveryStarted(Recoverable recoverable) {
                    LOG.warn("publisher connection to {} lost; recovering", config.safeUrl());
                  }
                });
        lastConnectFailure = null;
        connection = opened;
        return opened;
      } catch (IOException | TimeoutException e) {
        lastConnectFailure =
            new IOException("cannot connect to " + config.safeUrl() + ": " + e.getMessage(), e);
        nextConnectAttemptNanos = now + RECONNECT_BACKOFF_NANOS;
        throw lastConnectFailure;
      }
    }
  }

  private void awaitUnblocked(long deadline) throws IOException {
    while (blockedReason != null) {
      if (System.nanoTime() >= deadline || !sleep(10)) {
        throw new IOException(
            "broker " + config.safeUrl() + " blocks publishing: " + blockedReason);
      }
    }
  }

  private Channel borrowChannel(Connection current) throws IOException {
    Channel channel;
    while ((channel = idleChannels.poll()) != null) {
      if (channel.isOpen()) return channel;
      discard(channel);
    }
    Channel opened = current.createChannel();
    if (opened == null)
      throw new IOException("broker " + config.safeUrl() + " has no free channel");
    try {
      if (config.confirms()) opened.confirmSelect();
      // the same declaration as Python stemtrace's, so that either side may create the exchange
      opened.exchangeDeclare(config.exchangeName(), BuiltinExchangeType.FANOUT, true);
      return opened;
    } catch (IOException | RuntimeException e) {
      discard(opened);
      throw e;
    }
  }

  /**
   * Closes a channel on a short-lived daemon thread, so that the caller does not wait for the
   * broker.
   */
  private static void discardLater(Channel channel) {
    if (channel == null) return;
    Thread closer = new Thread(() -> discard(channel), "stemtrace-amqp-channel-closer");
    closer.setDaemon(true);
    closer.start();
  }

  private static void discard(Channel channel) {
    if (channel == null) return;
    try {
      channel.abort();
    } catch (IOException | RuntimeException ignored) {
      // closing a broken channel may fail too; it is gone either way
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean isConnected() {
    Connection current = connection;
    return current != null && current.isOpen();
  }

  void close() {
    synchronized (connectLock) {
      if (closed) return;
      closed = true;
    }
    Channel channel;
    while ((channel = idleChannels.poll()) != null) {
      try {
        if (channel.isOpen()) channel.close();
      } catch (IOException | TimeoutException | RuntimeException ignored) {
        discard(channel);
      }
    }
    Connection current = connection;
    if (current != null) {
      // bounded: a broker that blocks this connection would otherwise hold close() forever
      current.abort(2_000);
    }
  }
}
