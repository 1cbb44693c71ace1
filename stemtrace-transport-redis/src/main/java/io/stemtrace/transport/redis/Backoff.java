package io.stemtrace.transport.redis;

/** Exponential reconnect delays: 100 ms doubling up to 5 s, back to the start after a success. */
final class Backoff {

  static final long INITIAL_MILLIS = 100;
  static final long MAX_MILLIS = 5_000;

  private long nextDelay = INITIAL_MILLIS;

  /**
   * The delay to wait before the next attempt; each call doubles the following one, up to the cap.
   */
  long nextDelayMillis() {
    long delay = nextDelay;
    nextDelay = Math.min(MAX_MILLIS, nextDelay * 2);
    return delay;
  }

  void reset() {
    nextDelay = INITIAL_MILLIS;
  }
}
