package io.stemtrace.ui.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * HTTP Basic authentication (RFC 7617) against one configured user. User and password are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual}, both always, so the time taken says
 * nothing about which part or how much of it was wrong. Wrong credentials are throttled per client
 * address ({@link FailedLoginThrottle}): 429 with {@code Retry-After} while an address must wait.
 */
final class BasicAuthHandler implements HttpHandler {

  static final String CHALLENGE = "Basic realm=\"stemtrace\", charset=\"UTF-8\"";
  private static final int MAX_HEADER_LENGTH = 4096;

  private final HttpHandler next;
  private final byte[] userDigest;
  private final byte[] passwordDigest;
  private final FailedLoginThrottle throttle;

  BasicAuthHandler(HttpHandler next, String user, String password, Clock clock) {
    this.next = next;
    this.throttle = new FailedLoginThrottle(clock);
    this.userDigest = SignedTokens.sha256(user);
    this.passwordDigest = SignedTokens.sha256(password);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header != null) {
      Duration wait = throttle.waitBeforeAttempt(exchange);
      if (!wait.isZero()) {
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, wait.toSeconds());
        Exchanges.json(
            exchange,
            StatusCodes.TOO_MANY_REQUESTS,
            "too many failed sign-ins from this address; try again in " + wait.toSeconds() + " s");
        return;
      }
      if (isAuthorized(header)) {
        throttle.succeeded(exchange);
        next.handleRequest(exchange);
        return;
      }
      throttle.failed(
          exchange); // credentials given and wrong; a request without any is not a guess
    }
    exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
    Exchanges.json(exchange, StatusCodes.UNAUTHORIZED, "authentication required");
  }

  boolean isAuthorized(String header) {
    if (header == null || header.length() > MAX_HEADER_LENGTH || header.length() < 6) return false;
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) return false;
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) return false;
    boolean userMatches =
        MessageDigest.isEqual(userDigest, SignedTokens.sha256(decoded.substring(0, colon)));
    boolean passwordMatches =
        MessageDigest.isEqual(passwordDigest, SignedTokens.sha256(decoded.substring(colon + 1)));
    return userMatches & passwordMatches;
  }
}
