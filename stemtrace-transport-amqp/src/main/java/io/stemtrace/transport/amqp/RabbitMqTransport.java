package io.stemtrace.transport.amqp;

import com.rabbitmq.client.ConnectionFactory;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportChoice;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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

  /** the caller's connection factory, cloned for each connection; null to build one from the URL */
  private final ConnectionFactory base;

  RabbitMqTransport(AmqpConfig config) {
    this(config, null);
  }

  private RabbitMqTransport(AmqpConfig config, ConnectionFactory base) {
    this.config = config;
    this.base = base;
    this.publisher = new AmqpPublisher(config, base);
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
        new AmqpSubscription(config, base, sink, rejected, () -> forget(self[0]));
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

  /**
   * A typed builder: the endpoint from a URL (as {@link io.stemtrace.api.Transports#open}) or from
   * the caller's own {@link ConnectionFactory}, and the options in code.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link RabbitMqTransport}; each setter overrides what a URL option said. */
  public static final class Builder {
    private String url;
    private ConnectionFactory connectionFactory;
    private String prefix = TransportChoice.DEFAULT_PREFIX;
    private String consumerId;
    private Duration retention;
    private Boolean confirms;
    private Integer prefetch;
    private Duration confirmTimeout;

    Builder() {}

    /**
     * Broker and options as a URL, {@code amqp[s]://user:password@host:port/vhost?option=value}.
     */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url == null");
      return this;
    }

    /**
     * The caller's factory: its host, port, virtual host, credentials, TLS, timeouts, heartbeat and
     * thread factory are used; the transport connects with a clone of it, with automatic recovery
     * on, and never changes the caller's. Instead of {@link #url}.
     */
    public Builder connectionFactory(ConnectionFactory connectionFactory) {
      this.connectionFactory =
          Objects.requireNonNull(connectionFactory, "connectionFactory == null");
      return this;
    }

    /** The exchange prefix: exchange {@code {prefix}.events}; default {@code stemtrace}. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix == null");
      if (prefix.isBlank()) throw new IllegalArgumentException("prefix is blank");
      this.prefix = prefix;
      return this;
    }

    /** Names this consumer's queue; default the host name. */
    public Builder consumerId(String consumerId) {
      this.consumerId = Objects.requireNonNull(consumerId, "consumerId == null");
      return this;
    }

    /** How long the queue keeps events nobody consumed; default 24 hours. */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention == null");
      return this;
    }

    /** Publisher confirms: {@code send} returns when the broker has the batch; default true. */
    public Builder confirms(boolean confirms) {
      this.confirms = confirms;
      return this;
    }

    /** Unacknowledged deliveries per subscription at most; default 1000. */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** The bound on every wait inside {@code send}; default 5 seconds. */
    public Builder confirmTimeout(Duration confirmTimeout) {
      this.confirmTimeout = Objects.requireNonNull(confirmTimeout, "confirmTimeout == null");
      return this;
    }

    /**
     * @throws IllegalStateException when neither or both of a URL and a connection factory are set
     * @throws IllegalArgumentException for a bad URL, option or value, naming it
     */
    public RabbitMqTransport build() {
      if ((url == null) == (connectionFactory == null)) {
        throw new IllegalStateException("set url(...) or connectionFactory(...), exactly one");
      }
      AmqpConfig parsed = url != null ? AmqpConfig.parse(URI.create(url.trim()), prefix) : null;
      ConnectionFactory f = connectionFactory;
      AmqpConfig config =
          new AmqpConfig(
              parsed != null ? parsed.tls() : f.isSSL(),
              parsed != null ? parsed.host() : f.getHost(),
              parsed != null ? parsed.port() : f.getPort(),
              parsed != null ? parsed.virtualHost() : f.getVirtualHost(),
              parsed != null ? parsed.username() : f.getUsername(),
              parsed != null ? parsed.password() : "",
              AmqpConfig.normalizePrefix(prefix),
              consumerId != null
                  ? consumerId
                  : parsed != null ? parsed.consumerId() : AmqpConfig.hostName(),
              retention != null
                  ? retention
                  : parsed != null ? parsed.retention() : AmqpConfig.DEFAULT_RETENTION,
              confirms != null ? confirms : parsed == null || parsed.confirms(),
              prefetch != null
                  ? prefetch
                  : parsed != null ? parsed.prefetch() : AmqpConfig.DEFAULT_PREFETCH,
              confirmTimeout != null
                  ? confirmTimeout
                  : parsed != null ? parsed.confirmTimeout() : AmqpConfig.DEFAULT_CONFIRM_TIMEOUT);
      return new RabbitMqTransport(config, connectionFactory);
    }
  }
}
