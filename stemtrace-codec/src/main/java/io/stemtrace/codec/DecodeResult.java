package io.stemtrace.codec;

import io.stemtrace.api.StemtraceEvent;

/**
 * The outcome of decoding one payload: an event, or the reason it was rejected. Never an exception.
 */
public sealed interface DecodeResult {

  /** A payload that decoded into an event. */
  record Decoded(StemtraceEvent event) implements DecodeResult {}

  /** A payload that was rejected. */
  record Rejected(DecodeError error) implements DecodeResult {}
}
