package io.stemtrace.api;

import java.io.IOException;
import java.util.List;

/**
 * Moves encoded events (UTF-8 JSON, one event per element) between producers and consumers over a
 * broker. A transport never parses the events it carries.
 *
 * <p>Implementations are thread-safe. {@link #send} may block on I/O: stemtrace only calls it from
 * its own publisher thread, never from task code. Write your own by implementing this and {@link
 * TransportProvider}, then listing the provider in {@code
 * META-INF/services/io.stemtrace.api.TransportProvider}.
 */
public interface Transport extends AutoCloseable {

  /**
   * Publishes a batch of encoded events, keeping their order, in as few round trips as the broker
   * allows.
   *
   * @throws IOException when the batch could not be handed to the broker; the caller counts it as
   *     failed
   */
  void send(List<byte[]> batch) throws IOException;

  /**
   * Starts delivering events to {@code sink} on a thread the transport owns, in the order the
   * broker holds them, until the returned subscription is closed. A transport acknowledges or
   * advances its position only after {@link EventSink#accept} returned, so an event is applied
   * before it counts as consumed.
   *
   * @throws IOException when the subscription could not be set up at all (bad address, refused
   *     login)
   */
  Subscription subscribe(EventSink sink) throws IOException;

  /** A description safe to log and to name threads with: the URL without its password. */
  String describe();

  /** Stops sending and every subscription; releases connections. Idempotent. */
  @Override
  void close();
}
