package io.stemtrace.core;

import io.stemtrace.api.StemtraceEvent;
import java.util.List;

/**
 * Told about events after the consumer applied them to the store (the WebSocket feed listens here).
 * Called on the consumer's thread: implementations must be quick and must not block. An exception
 * never stops consumption: the consumer tells the listener that batch's events again one at a time,
 * so that a bad event costs only itself, and counts each event the listener still throws on ({@code
 * listener_failures}). A listener must therefore accept being told an event twice.
 */
@FunctionalInterface
public interface EventListener {
  /** The events of one batch that the store accepted, in the order they were applied. */
  void onApplied(List<StemtraceEvent> events);
}
