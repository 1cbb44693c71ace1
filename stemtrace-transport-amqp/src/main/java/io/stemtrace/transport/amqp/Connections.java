package io.stemtrace.transport.amqp;

import com.rabbitmq.client.ConnectionFactory;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/** Builds the RabbitMQ client's connection factories from an {@link AmqpConfig}. */
final class Connections {

  /** How often a lost connection retries; short, because a dashboard or a publisher waits on it. */
  static final long RECOVERY_INTERVAL_MILLIS = 1_000;

  private Connections() {}

  /**
   * A factory with automatic recovery: a lost connection, its channels and (when {@code
   * topologyRecovery}) its queues, bindings and consumers come back by themselves once the broker
   * is reachable again.
   */
  static ConnectionFactory factory(AmqpConfig config, boolean topologyRecovery) {
    return factory(config, topologyRecovery, null);
  }

  /**
   * The same from the caller's factory ({@code base}, when not null): a clone of it keeps its host,
   * credentials, TLS, timeouts, heartbeat and thread factory; only the recovery this transport
   * relies on is set on the clone, so the caller's own factory is left as it was.
   */
  static ConnectionFactory factory(
      AmqpConfig config, boolean topologyRecovery, ConnectionFactory base) {
    if (base != null) {
      ConnectionFactory factory = base.clone();
      recovery(factory, topologyRecovery);
      return factory;
    }
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.host());
    factory.setPort(config.port());
    factory.setVirtualHost(config.virtualHost());
    factory.setUsername(config.username());
    factory.setPassword(config.password());
    if (config.tls()) {
      // the JVM's trust store and a host name check, unlike ConnectionFactory.setUri's
      // trust-everything default
      try {
        factory.useSslProtocol(SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default TLS context in this JVM", e);
      }
      factory.enableHostnameVerification();
    }
    recovery(factory, topologyRecovery);
    factory.setConnectionTimeout(5_000);
    factory.setHandshakeTimeout(5_000);
    // a dead peer behind a silent network is noticed in about half a minute instead of three
    factory.setRequestedHeartbeat(15);
    return factory;
  }

  private static void recovery(ConnectionFactory factory, boolean topologyRecovery) {
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(topologyRecovery);
    factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MILLIS);
  }
}
