package io.stemtrace.api;

import java.util.List;

/** Receives batches of encoded events from a {@link Transport} subscription. */
@FunctionalInterface
public interface EventSink {
  /**
   * Takes one batch, in broker order. Called from the transport's thread, one batch at a time. When
   * it returns, the events count as applied; it must not throw (stemtrace's consumer never does).
   */
  void accept(List<byte[]> batch);
}
