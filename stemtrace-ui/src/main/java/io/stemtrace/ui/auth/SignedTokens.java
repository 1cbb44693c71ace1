package io.stemtrace.ui.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies short values with HMAC-SHA256: {@code base64url(content|expiry) + "." +
 * base64url(HMAC(key, purpose + "." + that))}. The purpose keeps a CSRF token from ever passing as
 * a session and the other way round. MACs are compared with {@link MessageDigest#isEqual} (constant
 * time). Thread-safe: a {@link Mac} is created per call (cheap next to an HTTP request).
 */
final class SignedTokens {

  static final int MAX_TOKEN_LENGTH = 1024;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  SignedTokens(byte[] secret) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
  }

  /** A token carrying {@code content} (no '|' needed at its end) until {@code expiry}. */
  String sign(String purpose, String content, Instant expiry) {
    String body =
        ENCODER.encodeToString(
            (content + "|" + expiry.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
    return body + "." + ENCODER.encodeToString(mac(purpose, body));
  }

  /**
   * The content of a token signed for {@code purpose} with this key and not expired at {@code now}.
   */
  Optional<String> verify(String purpose, String token, Instant now) {
    return verified(purpose, token, now).map(Verified::content);
  }

  /** What a valid token carries, and until when it is valid. */
  record Verified(String content, Instant expiry) {}

  /** As {@link #verify}, with the token's expiry. */
  Optional<Verified> verified(String purpose, String token, Instant now) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH)
      return Optional.empty();
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) return Optional.empty();
    String body = token.substring(0, dot);
    byte[] presented;
    byte[] decodedBody;
    try {
      presented = DECODER.decode(token.substring(dot + 1));
      decodedBody = DECODER.decode(body);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(mac(purpose, body), presented)) return Optional.empty();
    String payload = new String(decodedBody, StandardCharsets.UTF_8);
    int bar = payload.lastIndexOf('|');
    if (bar < 0) return Optional.empty();
    long expiry;
    try {
      expiry = Long.parseLong(payload.substring(bar + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (now.getEpochSecond() >= expiry) return Optional.empty();
    return Optional.of(new Verified(payload.substring(0, bar), Instant.ofEpochSecond(expiry)));
  }

  private byte[] mac(String purpose, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(purpose.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "HmacSHA256 unavailable", e); // required of every Java platform
    }
  }

  /** Equal strings compared in time independent of where they differ or their lengths. */
  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(sha256(a), sha256(b));
  }

  static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
