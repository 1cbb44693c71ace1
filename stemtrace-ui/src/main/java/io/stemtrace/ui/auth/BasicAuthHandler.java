package io.stemtrace.ui.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * HTTP Basic authentication (RFC 7617) against one configured user. User and password are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, both always, so the time taken says nothing about
 * which part or how much of it was wrong.
 */
final class BasicAuthHandler implements HttpHandler {

  static final String CHALLENGE = "Basic realm=\"stemtrace\", charset=\"UTF-8\"";
  private static final int MAX_HEADER_LENGTH = 4096;

  private final HttpHandler next;
  private final byte[] userDigest;
  private final byte[] passwordDigest;

  BasicAuthHandler(HttpHandler next, String user, String password) {
    this.next = next;
    this.userDigest = SignedTokens.sha256(user);
    this.passwordDigest = SignedTokens.sha256(password);
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (isAuthorized(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
      next.handleRequest(exchange);
      return;
    }
    exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
    Exchanges.json(exchange, StatusCodes.UNAUTHORIZED, "authentication required");
  }

  boolean isAuthorized(String header) {
    if (header == null || header.length() > MAX_HEADER_LENGTH || header.length() < 6) return false;
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) return false;
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) return false;
    boolean userMatches = MessageDigest.isEqual(userDigest, SignedTokens.sha256(decoded.substring(0, colon)));
    boolean passwordMatches = MessageDigest.isEqual(passwordDigest, SignedTokens.sha256(decoded.substring(colon + 1)));
    return userMatches & passwordMatches;
  }
}
