package io.stemtrace.api;

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
