package io.stemtrace.core;

import io.stemtrace.codec.DecodeError;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of what the consumer did since it started.
 *
 * @param running whether the consumer is subscribed
 * @param connected whether the transport subscription is connected now
 * @param eventsApplied events decoded and applied to the store
 * @param eventsRejected payloads that did not decode
 * @param rejectedByKind rejections per kind (only kinds seen)
 * @param applyFailures events the store threw on (a bug; counted, logged, skipped)
 * @param listenerFailures events a listener threw on, even when told them one at a time (once per
 *     listener)
 * @param streamResets times the transport found its stream replaced and started again from its
 *     beginning
 * @param lag events the broker holds that were not received yet, when the transport knows it
 * @param disconnectedSince while running but not connected: since when (the transport's figure, or
 *     when the consumer first saw it disconnected); empty while connected or stopped
 * @param lastError while running but not connected: the transport's last failure as one line, when
 *     it tells
 */
public record ConsumerMetrics(
    boolean running,
    boolean connected,
    long eventsApplied,
    long eventsRejected,
    Map<DecodeError.Kind, Long> rejectedByKind,
    long applyFailures,
    long listenerFailures,
    long streamResets,
    OptionalLong lag,
    Optional<Instant> disconnectedSince,
    Optional<String> lastError) {

  public ConsumerMetrics {
    rejectedByKind = Map.copyOf(rejectedByKind);
    Objects.requireNonNull(lag, "lag == null");
    Objects.requireNonNull(disconnectedSince, "disconnectedSince == null");
    Objects.requireNonNull(lastError, "lastError == null");
  }

  /** Metrics without connection details, as before they were reported. */
  public ConsumerMetrics(
      boolean running,
      boolean connected,
      long eventsApplied,
      long eventsRejected,
      Map<DecodeError.Kind, Long> rejectedByKind,
      long applyFailures,
      long listenerFailures,
      long streamResets,
      OptionalLong lag) {
    this(
        running,
        connected,
        eventsApplied,
        eventsRejected,
        rejectedByKind,
        applyFailures,
        listenerFailures,
        streamResets,
        lag,
        Optional.empty(),
        Optional.empty());
  }
}
