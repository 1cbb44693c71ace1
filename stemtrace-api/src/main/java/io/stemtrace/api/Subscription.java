package io.stemtrace.api;

import java.util.OptionalLong;

/** A running delivery of events from a {@link Transport} to an {@link EventSink}. */
public interface Subscription extends AutoCloseable {

  /** How many events the broker holds that the sink has not received yet, when the transport knows it. */
  default OptionalLong lag() {
    return OptionalLong.empty();
  }

  /** True while connected to the broker and delivering (false while reconnecting). */
  default boolean isConnected() {
    return true;
  }

  /** Stops delivery; after it returns the sink is not called again. Idempotent. */
  @Override
  void close();
}
