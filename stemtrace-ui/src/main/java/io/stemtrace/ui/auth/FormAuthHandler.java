package io.stemtrace.ui.auth;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Form login with a signed session cookie.
 *
 * <p>{@code GET /login} shows the form, {@code POST /login} checks it, {@code GET /logout} shows a
 * sign-out button and {@code POST /logout} ends the session; {@code GET /api/session} tells a
 * signed-in dashboard where and with which CSRF token to sign out (all under the mount prefix). The
 * session cookie is {@code base64url(user|issuedAtMillis|sessionId|expiry).base64url(HMAC-SHA256)}:
 * HttpOnly, SameSite=Lax, Secure over HTTPS, with Max-Age equal to the session lifetime; replicas
 * configured with the same secret accept each other's cookies. Signing out revokes the session id
 * in {@link SessionRevocations}, so a copy of the cookie stops working too. Both forms carry a CSRF
 * token that must equal the (signed, HttpOnly, SameSite=Strict) CSRF cookie, and a POST from
 * another origin is refused. Without a session a browser navigation is redirected to the login
 * page; API and WebSocket requests get 401.
 */
final class FormAuthHandler implements HttpHandler {

  static final String SESSION_COOKIE = "stemtrace_session";
  static final String CSRF_COOKIE = "stemtrace_csrf";
  static final String SESSION_PURPOSE = "session";
  static final String CSRF_PURPOSE = "csrf";
  static final Duration CSRF_TTL = Duration.ofHours(2);
  static final int MAX_FORM_BYTES = 8 * 1024;

  /** Answered here, not by the API: only form login has a session to describe. */
  static final String SESSION_PATH = "/api/session";

  private final HttpHandler next;
  private final String user;
  private final String password;
  private final SignedTokens tokens;
  private final Duration sessionTtl;
  private final FailedLoginThrottle throttle;
  private final SessionRevocations revocations;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  FormAuthHandler(
      HttpHandler next,
      String user,
      String password,
      SignedTokens tokens,
      Duration sessionTtl,
      Clock clock,
      SessionRevocations revocations) {
    this.next = next;
    this.revocations = revocations;
    this.user = user;
    this.password = password;
    this.tokens = tokens;
    this.sessionTtl = sessionTtl;
    this.throttle = new FailedLoginThrottle(clock);
    this.clock = clock;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String relative = Exchanges.relativePath(exchange);
    String base = Exchanges.basePath(exchange);
    if (relative.equals("/login")) {
      login(exchange, base);
      return;
    }
    if (relative.equals("/logout")) {
      logout(exchange, base);
      return;
    }
    Session session = session(exchange);
    if (session == null) {
      refuse(exchange, base, relative);
      return;
    }
    if (relative.equals(SESSION_PATH)) {
      describeSession(exchange, base);
      return;
    }
    // a WebSocket opened now must not outlive the session that opened it
    exchange.putAttachment(Authentication.ACCESS_EXPIRES, session.expiry());
    exchange.putAttachment(
        Authentication.ACCESS_VALID,
        () -> !revocations.isRevoked(session.id(), session.issuedAt()));
    next.handleRequest(exchange);
  }

  private void refuse(HttpServerExchange exchange, String base, String relative) {
    String mode = exchange.getRequestHeaders().getFirst(Exchanges.SEC_FETCH_MODE);
    boolean navigation =
        (exchange.getRequestMethod().equals(Methods.GET)
                || exchange.getRequestMethod().equals(Methods.HEAD))
            && !relative.equals("/ws")
            && !relative.equals("/api")
            && !relative.startsWith("/api/")
            && (mode == null
                || mode.equalsIgnoreCase(
                    "navigate")); // a script or image gets 401, not a login page
    if (navigation) {
      String query = exchange.getQueryString();
      String target = base + relative + (query == null || query.isEmpty() ? "" : "?" + query);
      Exchanges.found(
          exchange,
          SafeRedirect.encodePath(base)
              + "/login?next="
              + URLEncoder.encode(target, StandardCharsets.UTF_8));
    } else {
      Exchanges.json(exchange, StatusCodes.UNAUTHORIZED, "authentication required");
    }
  }

  boolean hasSession(HttpServerExchange exchange) {
    return session(exchange) != null;
  }

  /** A signed-in session as its cookie carries it. */
  record Session(String id, Instant issuedAt, Instant expiry) {}

  /** The request's valid, unrevoked session that ends last, or null without one. */
  private Session session(HttpServerExchange exchange) {
    Session latest = null;
    for (Session session : presentedSessions(exchange)) {
      if (!revocations.isRevoked(session.id(), session.issuedAt())
          && (latest == null || session.expiry().isAfter(latest.expiry()))) {
        latest = session;
      }
    }
    return latest;
  }

  /**
   * Every session cookie of the request signed by us, for our user and not expired (revoked or
   * not).
   */
  private java.util.List<Session> presentedSessions(HttpServerExchange exchange) {
    Instant now = clock.instant();
    java.util.List<Session> sessions = new java.util.ArrayList<>(1);
    for (String value : Exchanges.cookies(exchange, SESSION_COOKIE)) {
      Optional<SignedTokens.Verified> verified = tokens.verified(SESSION_PURPOSE, value, now);
      if (verified.isEmpty()) continue;
      // user|issuedAtMillis|id, read from the end: the user may contain '|'
      String content = verified.get().content();
      int idBar = content.lastIndexOf('|');
      int issuedBar = idBar <= 0 ? -1 : content.lastIndexOf('|', idBar - 1);
      if (issuedBar < 0 || !content.substring(0, issuedBar).equals(user)) continue;
      try {
        Instant issuedAt =
            Instant.ofEpochMilli(Long.parseLong(content.substring(issuedBar + 1, idBar)));
        sessions.add(new Session(content.substring(idBar + 1), issuedAt, verified.get().expiry()));
      } catch (NumberFormatException e) {
        // not a session this handler signed (an older cookie format): ignored
      }
    }
    return sessions;
  }

  private void login(HttpServerExchange exchange, String base) throws IOException {
    String method = exchange.getRequestMethod().toString();
    if (method.equals("GET") || method.equals("HEAD")) {
      String next = first(exchange.getQueryParameters().get("next"));
      if (hasSession(exchange)) {
        Exchanges.seeOther(exchange, SafeRedirect.target(next, base));
        return;
      }
      showLogin(exchange, base, StatusCodes.OK, next, null);
      return;
    }
    Map<String, String> form = postedForm(exchange);
    if (form == null) return;
    String next = form.get("next");
    if (!isValidCsrf(exchange, form.get("csrf"))) {
      showLogin(
          exchange,
          base,
          StatusCodes.FORBIDDEN,
          next,
          "The sign-in form expired. Please try again.");
      return;
    }
    Duration wait = throttle.waitBeforeAttempt(exchange);
    if (!wait.isZero()) {
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, wait.toSeconds());
      showLogin(
          exchange,
          base,
          StatusCodes.TOO_MANY_REQUESTS,
          next,
          "Too many failed sign-ins. Try again in " + wait.toSeconds() + " s.");
      return;
    }
    String givenUser = form.getOrDefault("username", "");
    String givenPassword = form.getOrDefault("password", "");
    boolean userMatches = SignedTokens.constantTimeEquals(user, givenUser);
    boolean passwordMatches = SignedTokens.constantTimeEquals(password, givenPassword);
    if (!(userMatches & passwordMatches)) {
      throttle.failed(exchange);
      showLogin(exchange, base, StatusCodes.UNAUTHORIZED, next, "Wrong user or password.");
      return;
    }
    throttle.succeeded(exchange);
    Instant issuedAt = clock.instant();
    byte[] id = new byte[16];
    random.nextBytes(id);
    String session =
        tokens.sign(
            SESSION_PURPOSE,
            user
                + "|"
                + issuedAt.toEpochMilli()
                + "|"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(id),
            issuedAt.plus(sessionTtl));
    setCookie(exchange, SESSION_COOKIE, session, base, sessionTtl.toSeconds(), "Lax");
    setCookie(exchange, CSRF_COOKIE, "", base, 0, "Strict");
    Exchanges.seeOther(exchange, SafeRedirect.target(next, base));
  }

  /**
   * The form of a POST, read on a worker thread; null when the request was answered already (405
   * for another method, or a refused form) or handed to a worker thread, which calls this handler
   * again.
   */
  private Map<String, String> postedForm(HttpServerExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().toString().equals("POST")) {
      notAllowed(exchange);
      return null;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return null;
    }
    return readForm(exchange);
  }

  private void logout(HttpServerExchange exchange, String base) throws IOException {
    String method = exchange.getRequestMethod().toString();
    if (method.equals("GET") || method.equals("HEAD")) {
      String csrf = newCsrfToken(exchange, base);
      Exchanges.html(
          exchange,
          StatusCodes.OK,
          LoginPage.logout(SafeRedirect.encodePath(base) + "/logout", csrf));
      return;
    }
    Map<String, String> form = postedForm(exchange);
    if (form == null) return;
    if (!isValidCsrf(exchange, form.get("csrf"))) {
      Exchanges.json(exchange, StatusCodes.FORBIDDEN, "invalid or missing CSRF token");
      return;
    }
    // clearing the cookie is not enough: a copy of it would stay valid until it expires
    for (Session session : presentedSessions(exchange)) {
      revocations.revoke(session.id(), session.issuedAt(), session.expiry());
    }
    setCookie(exchange, SESSION_COOKIE, "", base, 0, "Lax");
    setCookie(exchange, CSRF_COOKIE, "", base, 0, "Strict");
    Exchanges.seeOther(exchange, SafeRedirect.encodePath(base) + "/login");
  }

  /**
   * {@code GET /api/session}: who is signed in, where to sign out and the CSRF token of the
   * sign-out form, so the dashboard can offer a one-click sign-out. Readable only by same-origin
   * scripts (no CORS), like the token in the HTML form at {@code GET /logout}.
   */
  private void describeSession(HttpServerExchange exchange, String base) {
    String method = exchange.getRequestMethod().toString();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      Exchanges.json(exchange, StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed");
      return;
    }
    String csrf = newCsrfToken(exchange, base);
    JsonStringEncoder json = JsonStringEncoder.getInstance();
    String body =
        "{\"user\":\""
            + new String(json.quoteAsString(user))
            + "\",\"sign_out\":\""
            + new String(json.quoteAsString(SafeRedirect.encodePath(base) + "/logout"))
            + "\",\"csrf\":\""
            + csrf
            + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(StatusCodes.OK);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  private void showLogin(
      HttpServerExchange exchange, String base, int status, String next, String error) {
    String csrf = newCsrfToken(exchange, base);
    String safeNext = next == null || next.length() > SafeRedirect.MAX_LENGTH ? "" : next;
    Exchanges.html(
        exchange,
        status,
        LoginPage.login(SafeRedirect.encodePath(base) + "/login", csrf, safeNext, error));
  }

  /**
   * Double submit: the form field must equal a CSRF cookie, and the token must carry our signature.
   */
  private boolean isValidCsrf(HttpServerExchange exchange, String fromForm) {
    if (!Exchanges.isSameOrigin(exchange)) return false;
    if (fromForm == null || fromForm.isEmpty()) return false;
    if (tokens.verify(CSRF_PURPOSE, fromForm, clock.instant()).isEmpty()) return false;
    byte[] presented = fromForm.getBytes(StandardCharsets.US_ASCII);
    boolean matched = false;
    for (String cookie : Exchanges.cookies(exchange, CSRF_COOKIE)) {
      matched |= MessageDigest.isEqual(presented, cookie.getBytes(StandardCharsets.US_ASCII));
    }
    return matched;
  }

  /**
   * The CSRF token for a form: the browser's current one while it has at least half its life left
   * (so a second tab, or a favicon request redirected to the login page, does not invalidate a form
   * already shown), else a new one set as cookie.
   */
  private String newCsrfToken(HttpServerExchange exchange, String base) {
    Instant halfLife = clock.instant().plus(CSRF_TTL.dividedBy(2));
    for (String cookie : Exchanges.cookies(exchange, CSRF_COOKIE)) {
      if (tokens.verify(CSRF_PURPOSE, cookie, halfLife).isPresent()) return cookie;
    }
    byte[] nonce = new byte[18];
    random.nextBytes(nonce);
    String token =
        tokens.sign(
            CSRF_PURPOSE,
            Base64.getUrlEncoder().withoutPadding().encodeToString(nonce),
            clock.instant().plus(CSRF_TTL));
    setCookie(exchange, CSRF_COOKIE, token, base, CSRF_TTL.toSeconds(), "Strict");
    return token;
  }

  private static void setCookie(
      HttpServerExchange exchange,
      String name,
      String value,
      String base,
      long maxAge,
      String sameSite) {
    String path = base.isEmpty() ? "/" : SafeRedirect.encodePath(base);
    StringBuilder cookie =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=")
            .append(path)
            .append("; Max-Age=")
            .append(maxAge)
            .append("; HttpOnly; SameSite=")
            .append(sameSite);
    if (Exchanges.isHttps(exchange)) cookie.append("; Secure");
    exchange.getResponseHeaders().add(Headers.SET_COOKIE, cookie.toString());
  }

  /** The url-encoded form body, or null after answering 413/415/400 for a body we will not read. */
  private static Map<String, String> readForm(HttpServerExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      Exchanges.json(
          exchange,
          StatusCodes.UNSUPPORTED_MEDIA_TYPE,
          "expected an application/x-www-form-urlencoded form");
      return null;
    }
    if (exchange.getRequestContentLength() > MAX_FORM_BYTES) {
      Exchanges.json(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "form too large");
      return null;
    }
    byte[] body;
    exchange.startBlocking();
    try (InputStream in = exchange.getInputStream()) {
      body = in.readNBytes(MAX_FORM_BYTES + 1);
    } catch (IOException e) {
      Exchanges.json(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "form too large");
      return null;
    }
    if (body.length > MAX_FORM_BYTES) {
      Exchanges.json(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "form too large");
      return null;
    }
    Map<String, String> form = new HashMap<>();
    try {
      for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException e) {
      Exchanges.json(exchange, StatusCodes.BAD_REQUEST, "malformed form");
      return null;
    }
    return form;
  }

  private static void notAllowed(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST");
    Exchanges.json(exchange, StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed");
  }

  private static String first(java.util.Deque<String> values) {
    return values == null || values.isEmpty() ? null : values.getFirst();
  }
}
