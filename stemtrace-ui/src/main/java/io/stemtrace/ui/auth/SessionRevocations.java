package io.stemtrace.ui.auth;

import java.time.Instant;

/**
 * Where form-login sessions that were signed out are remembered, so a copied session cookie stops
 * working at logout rather than at its expiry. Every authenticated request asks {@link #isRevoked};
 * an implementation over a store the replicas share ends a session on all of them, the in-memory
 * one ({@link InMemorySessionRevocations}) on this process only.
 *
 * <p>Implementations must be thread-safe, answer {@link #isRevoked} quickly (it runs per request)
 * and may forget a revocation once the session has expired. When one cannot remember another
 * revocation it must revoke more, never less: for example every session issued until then.
 */
interface SessionRevocations {

  /**
   * Ends the session {@code id}, issued at {@code issuedAt} and otherwise valid until {@code
   * expiry}.
   */
  void revoke(String id, Instant issuedAt, Instant expiry);

  /** Whether the session {@code id} issued at {@code issuedAt} has been revoked. */
  boolean isRevoked(String id, Instant issuedAt);
}
