package io.stemtrace.transport.amqp;

import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportProvider;
import java.net.URI;
import java.util.Set;

/**
 * Provides {@link RabbitMqTransport}s for {@code amqp://} and {@code amqps://} URLs; found with
 * {@link java.util.ServiceLoader}.
 */
public final class RabbitMqTransportProvider implements TransportProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps");
  }

  @Override
  public Transport create(URI url, String prefix) {
    return new RabbitMqTransport(AmqpConfig.parse(url, prefix));
  }
}
