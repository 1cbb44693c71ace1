package io.stemtrace.core;

import io.stemtrace.api.StemtraceEvent;
import java.util.List;

/**
 * Told about events after the consumer applied them to the store (the WebSocket feed listens here).
 * Called on the consumer's thread: implementations must be quick and must not block; an exception is caught,
 * counted and logged, and never stops consumption.
 */
@FunctionalInterface
public interface EventListener {
  /** The events of one batch that the store accepted, in the order they were applied. */
  void onApplied(List<StemtraceEvent> events);
}
