package io.stemtrace.ui.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * How the dashboard checks who is asking. Every request the protected handler sees (the UI page,
 * its assets, the API of any method and the WebSocket upgrade) passes the check first; only the
 * health endpoint can be left open, and only when the host asks for it.
 *
 * <ul>
 *   <li>{@link #none()}: no check (the default; bind to localhost or put the dashboard behind your
 *       own gateway).
 *   <li>{@link #basic}: HTTP Basic against one user, compared in constant time.
 *   <li>{@link #form}: a login page and an HMAC-signed session cookie, CSRF-protected login and
 *       logout.
 *   <li>{@link #custom}: the host's own check over the exchange, or {@link #wrapping} the host's
 *       own authenticating handler, so an application reuses the sign-in it already has.
 * </ul>
 *
 * Immutable; {@link #toString()} never shows a password or secret.
 */
public final class Authentication {

  /** The shortest secret accepted for signing session cookies, in UTF-8 bytes. */
  public static final int MIN_SECRET_BYTES = 16;

  /**
   * When the access granted to a request ends, if it does: form login records its session's expiry
   * here, and the dashboard closes a WebSocket opened by that request at that moment. A custom
   * authentication (see {@link #wrapping}) may set it too.
   */
  public static final AttachmentKey<Instant> ACCESS_EXPIRES = AttachmentKey.create(Instant.class);

  /**
   * Set by the form login: whether the session a request came with is still signed in (not revoked
   * by a sign-out since). The dashboard checks it every second for the WebSockets that request
   * opened and closes them once it turns false.
   */
  public static final AttachmentKey<java.util.function.BooleanSupplier> ACCESS_VALID =
      AttachmentKey.create(java.util.function.BooleanSupplier.class);

  private static final Authentication NONE = new Authentication("none", null);

  private final String description;
  private final UnaryOperator<HttpHandler> wrapper;

  private Authentication(String description, UnaryOperator<HttpHandler> wrapper) {
    this.description = description;
    this.wrapper = wrapper;
  }

  /** No authentication: everything is open. */
  public static Authentication none() {
    return NONE;
  }

  /**
   * HTTP Basic authentication with one user (realm {@code stemtrace}). Use it over HTTPS: Basic
   * sends the password with every request. After 5 wrong credentials in a row from one address, its
   * attempts are answered 429 (with {@code Retry-After}) until a delay doubling from 1 s to 1 min
   * has passed.
   */
  public static Authentication basic(String user, String password) {
    return basic(user, password, Clock.systemUTC());
  }

  static Authentication basic(String user, String password, Clock clock) {
    checkUser(user);
    checkPassword(password);
    Objects.requireNonNull(clock, "clock == null");
    if (user.indexOf(':') >= 0)
      throw new IllegalArgumentException("user contains ':' (not allowed by HTTP Basic)");
    return new Authentication(
        "basic(user=" + user + ")", next -> new BasicAuthHandler(next, user, password, clock));
  }

  /**
   * A login form and a signed session cookie. After 5 wrong sign-ins in a row from one address, its
   * attempts are refused (429) until a delay doubling from 1 s to 1 min has passed.
   *
   * @param secret signs the session cookies (HMAC-SHA256); give every replica the same secret so a
   *     session opened on one is accepted by the others; at least {@link #MIN_SECRET_BYTES} bytes.
   *     Changing it signs everyone out.
   * @param sessionTtl how long a session lasts after login, unless it signs out: signing out ends
   *     that session (its cookie and any copy of it) on this process; other sessions of the user
   *     stay
   */
  public static Authentication form(
      String user, String password, String secret, Duration sessionTtl) {
    Objects.requireNonNull(secret, "secret == null");
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret shorter than " + MIN_SECRET_BYTES + " bytes: " + bytes.length);
    }
    return form(user, password, bytes, sessionTtl, Clock.systemUTC());
  }

  /**
   * A login form with a random secret made for this process: sessions end when it restarts and
   * replicas do not share them. Pass a secret to {@link #form(String, String, String, Duration)}
   * for either.
   */
  public static Authentication form(String user, String password, Duration sessionTtl) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return form(user, password, secret, sessionTtl, Clock.systemUTC());
  }

  static Authentication form(
      String user, String password, byte[] secret, Duration sessionTtl, Clock clock) {
    return form(
        user,
        password,
        secret,
        sessionTtl,
        clock,
        new InMemorySessionRevocations(InMemorySessionRevocations.DEFAULT_CAPACITY, clock));
  }

  static Authentication form(
      String user,
      String password,
      byte[] secret,
      Duration sessionTtl,
      Clock clock,
      SessionRevocations revocations) {
    checkUser(user);
    checkPassword(password);
    Objects.requireNonNull(sessionTtl, "sessionTtl == null");
    Objects.requireNonNull(clock, "clock == null");
    if (sessionTtl.isNegative() || sessionTtl.toSeconds() < 1) {
      throw new IllegalArgumentException("sessionTtl < 1s: " + sessionTtl);
    }
    SignedTokens tokens = new SignedTokens(secret);
    return new Authentication(
        "form(user=" + user + ", sessionTtl=" + sessionTtl + ")",
        next -> new FormAuthHandler(next, user, password, tokens, sessionTtl, clock, revocations));
  }

  /**
   * The host's own check: a request passes when {@code check} returns true, else it gets 401. The
   * check runs on a worker thread, so it may block briefly (a session lookup); one that throws
   * refuses.
   */
  public static Authentication custom(Predicate<HttpServerExchange> check) {
    Objects.requireNonNull(check, "check == null");
    return new Authentication("custom", next -> new PredicateAuthHandler(next, check));
  }

  /**
   * The host's own authenticating handler around the dashboard: {@code wrapper} receives the
   * dashboard's handler and returns one that calls it only for requests it accepts (for example an
   * Undertow {@code SecurityInitialHandler} chain the application already uses).
   */
  public static Authentication wrapping(UnaryOperator<HttpHandler> wrapper) {
    Objects.requireNonNull(wrapper, "wrapper == null");
    return new Authentication(
        "wrapping",
        next ->
            Objects.requireNonNull(
                wrapper.apply(next), "the authentication wrapper returned null"));
  }

  /** False only for {@link #none()}. */
  public boolean isEnabled() {
    return wrapper != null;
  }

  /** {@code next} behind this check ({@code next} itself for {@link #none()}). */
  public HttpHandler protect(HttpHandler next) {
    Objects.requireNonNull(next, "next == null");
    return wrapper == null ? next : wrapper.apply(next);
  }

  @Override
  public String toString() {
    return "Authentication{" + description + "}";
  }

  private static void checkUser(String user) {
    Objects.requireNonNull(user, "user == null");
    if (user.isBlank()) throw new IllegalArgumentException("user is blank");
  }

  private static void checkPassword(String password) {
    Objects.requireNonNull(password, "password == null");
    if (password.isEmpty()) throw new IllegalArgumentException("password is empty");
  }
}
