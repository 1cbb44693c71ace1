package io.stemtrace.api;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** A running delivery of events from a {@link Transport} to an {@link EventSink}. */
public interface Subscription extends AutoCloseable {

  /**
   * How many events the broker holds that the sink has not received yet, when the transport knows
   * it.
   */
  default OptionalLong lag() {
    return OptionalLong.empty();
  }

  /** True while connected to the broker and delivering (false while reconnecting). */
  default boolean isConnected() {
    return true;
  }

  /**
   * Since when the subscription has not been connected: the instant of the failure, or of the start
   * when it never connected. Empty while connected, and from transports that do not tell (the
   * consumer then reports when it first saw {@link #isConnected()} false).
   */
  default Optional<Instant> disconnectedSince() {
    return Optional.empty();
  }

  /**
   * Why the subscription is not connected: the last connection or read failure as one line, with no
   * stack trace and no password (for example {@code "cannot connect to redis://host:6379/0:
   * Connection refused"}). Empty while connected, and from transports that do not tell.
   */
  default Optional<String> lastError() {
    return Optional.empty();
  }

  /**
   * How many times the subscription found that the broker's stream had been replaced under it
   * (recreated empty, rewound by a failover) and started again from the new stream's beginning.
   * Zero for transports without a position in a stream.
   */
  default long streamResets() {
    return 0;
  }

  /** Stops delivery; after it returns the sink is not called again. Idempotent. */
  @Override
  void close();
}
