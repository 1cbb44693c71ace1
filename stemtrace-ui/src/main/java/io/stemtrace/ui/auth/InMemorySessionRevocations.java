package io.stemtrace.ui.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Revoked sessions of this process: at most {@code capacity} ids, each kept until its session would
 * have expired. When a revocation finds the list full of unexpired sessions, every session issued
 * until now is revoked instead (everyone signs in again once) and the list starts empty: a full
 * list never lets a signed-out cookie back in. Filling it takes that many sign-outs of valid
 * sessions within one session lifetime, i.e. the password. Thread-safe.
 */
final class InMemorySessionRevocations implements SessionRevocations {

  /** Revoked sessions remembered by default: about 1 MB. */
  static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final Clock clock;
  // guarded by 'this'
  private final Map<String, Instant> expiryById = new HashMap<>();

  /** sessions issued at or before this are revoked, all of them */
  private volatile Instant revokedUntil = Instant.MIN;

  InMemorySessionRevocations(int capacity, Clock clock) {
    if (capacity < 1) throw new IllegalArgumentException("capacity < 1: " + capacity);
    this.capacity = capacity;
    this.clock = Objects.requireNonNull(clock, "clock == null");
  }

  @Override
  public synchronized void revoke(String id, Instant issuedAt, Instant expiry) {
    Objects.requireNonNull(id, "id == null");
    Instant now = clock.instant();
    if (!expiry.isAfter(now) || isRevoked(id, issuedAt)) return;
    if (expiryById.size() >= capacity) expiryById.values().removeIf(end -> !end.isAfter(now));
    if (expiryById.size() >= capacity) {
      revokedUntil = now.isAfter(issuedAt) ? now : issuedAt;
      expiryById.clear();
      return;
    }
    expiryById.put(id, expiry);
  }

  @Override
  public boolean isRevoked(String id, Instant issuedAt) {
    if (!issuedAt.isAfter(revokedUntil)) return true;
    synchronized (this) {
      return expiryById.containsKey(id);
    }
  }

  /** Ids remembered now (tests). */
  synchronized int size() {
    return expiryById.size();
  }
}
