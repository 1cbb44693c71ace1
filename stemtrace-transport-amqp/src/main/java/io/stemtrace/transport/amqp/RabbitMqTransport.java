package io.stemtrace.transport.amqp;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Carries stemtrace events over RabbitMQ, interoperable with the Python stemtrace library:
 * producers publish each event as one persistent JSON message to the durable fanout exchange {@code
 * {prefix}.events}; each consumer reads its own durable queue {@code {prefix}.events.{consumer-id}}
 * bound to it, so two dashboards with different consumer ids both get every event, and two with the
 * same id share the work.
 *
 * <p>URL: {@code
 * amqp[s]://user:password@host:port/vhost?consumer_id=dash1&retention=PT24H&confirms=true
 * &prefetch=1000&confirm_timeout=PT5S}. Defaults: consumer id = host name, retention 24 hours
 * (queue {@code x-message-ttl}; the queue itself expires a minute after that without consumers),
 * publisher confirms on, prefetch 1000, confirm timeout 5 seconds. Connections recover by
 * themselves after a loss.
 *
 * <p>Create one through {@code io.stemtrace.api.Transports.open(url, prefix)} or {@link #create}.
 */
public final class RabbitMqTransport implements Transport {

  private final AmqpConfig config;
  private final AmqpPublisher publisher;
  private final LongAdder rejected = new LongAdder();
  private final List<AmqpSubscription> subscriptions = new ArrayList<>();
  private volatile boolean closed;

  RabbitMqTransport(AmqpConfig config) {
    this.config = config;
    this.publisher = new AmqpPublisher(config);
  }

  /**
   * A transport for {@code url} ({@code amqp://} or {@code amqps://}); connects lazily, on first
   * use.
   *
   * @throws IllegalArgumentException when the URL or one of its options is invalid, naming it
   */
  public static RabbitMqTransport create(String url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    return new RabbitMqTransport(AmqpConfig.parse(URI.create(url.trim()), prefix));
  }

  /**
   * Publishes each event as one message and, with confirms on, waits (at most the confirm timeout)
   * until the broker has them all.
   *
   * @throws IOException when the broker is unreachable, blocks publishing, nacks, or does not
   *     confirm in time
   */
  @Override
  public void send(List<byte[]> batch) throws IOException {
    Objects.requireNonNull(batch, "batch == null");
    if (closed) throw new IllegalStateException("transport closed: " + describe());
    if (batch.isEmpty()) return;
    publisher.send(batch);
  }

  @Override
  public Subscription subscribe(EventSink sink) throws IOException {
    Objects.requireNonNull(sink, "sink == null");
    if (closed) throw new IllegalStateException("transport closed: " + describe());
    AmqpSubscription[] self = new AmqpSubscription[1];
    AmqpSubscription subscription =
        new AmqpSubscription(config, sink, rejected, () -> forget(self[0]));
    self[0] = subscription;
    subscription.start();
    synchronized (subscriptions) {
      subscriptions.add(subscription);
    }
    if (closed) subscription.close();
    return subscription;
  }

  private void forget(AmqpSubscription subscription) {
    synchronized (subscriptions) {
      subscriptions.remove(subscription);
    }
  }

  /**
   * Messages this transport's subscriptions rejected without requeue because they cannot hold an
   * event (empty, not JSON by content type, not UTF-8). JSON that is not a valid event is counted
   * by the consumer.
   */
  long rejectedMessages() {
    return rejected.sum();
  }

  /** The exchange producers publish to. */
  public String exchangeName() {
    return config.exchangeName();
  }

  /** The queue this transport's subscriptions read. */
  public String queueName() {
    return config.queueName();
  }

  /** The broker URL without credentials or options, such as {@code amqp://localhost:5672/%2F}. */
  @Override
  public String describe() {
    return config.safeUrl();
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    List<AmqpSubscription> toClose;
    synchronized (subscriptions) {
      toClose = new ArrayList<>(subscriptions);
    }
    for (AmqpSubscription subscription : toClose) subscription.close();
    publisher.close();
  }

  @Override
  public String toString() {
    return "RabbitMqTransport{" + config + "}";
  }
}
