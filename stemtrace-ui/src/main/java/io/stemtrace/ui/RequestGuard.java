package io.stemtrace.ui;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's first line: bounds what a request may carry and refuses what a browser sends on
 * another site's behalf, before authentication or any route sees it.
 *
 * <ul>
 *   <li>Without authentication, a request whose {@code Host} is not one of {@link AllowedHosts}
 *       gets 421 (DNS rebinding: a foreign page whose name resolves to us would otherwise read the
 *       API).
 *   <li>Request URI (path and query) at most {@value #MAX_URI_LENGTH} characters (414), at most
 *       {@value #MAX_QUERY_PARAMETERS} query parameters of at most {@value #MAX_PARAMETER_LENGTH}
 *       characters each (400).
 *   <li>Request bodies at most {@value #MAX_IMPORT_BYTES} bytes for {@code POST /api/import} and
 *       {@value #MAX_BODY_BYTES} bytes for anything else (413); a body without a declared length
 *       (chunked) is refused with 411.
 *   <li>The WebSocket upgrade and every method other than GET, HEAD and OPTIONS are refused (403)
 *       when the browser says they come from another origin ({@code Origin} not this host, or
 *       {@code Sec-Fetch-Site: cross-site}): WebSockets are not covered by the same-origin policy,
 *       and a browser attaches Basic credentials and cookies to cross-site requests.
 *   <li>Anything thrown below becomes a JSON 500 without details; the stack trace goes to the log
 *       only.
 * </ul>
 */
final class RequestGuard implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);

  static final int MAX_URI_LENGTH = 8192;
  static final int MAX_QUERY_PARAMETERS = 64;
  static final int MAX_PARAMETER_LENGTH = 2048;
  static final long MAX_IMPORT_BYTES = 16L << 20;
  static final long MAX_BODY_BYTES = 64L << 10;

  private static final HttpString ORIGIN = new HttpString("Origin");
  private static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
  private static final HttpString X_FORWARDED_HOST = new HttpString("X-Forwarded-Host");
  private static final Set<HttpString> SAFE_METHODS =
      Set.of(Methods.GET, Methods.HEAD, Methods.OPTIONS);

  /** At most one WARN per this many nanoseconds about refused hosts; the rest go to DEBUG. */
  private static final long HOST_WARNING_INTERVAL_NANOS =
      java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private final HttpHandler next;
  private final Set<String> allowedOrigins;
  private final AllowedHosts allowedHosts;
  private final java.util.concurrent.atomic.AtomicLong refusedHosts =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong nextHostWarning =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

  /**
   * @param allowedOrigins further origins (such as {@code https://dash.example.com}) that may open
   *     the WebSocket and send writes: for a reverse proxy that rewrites the Host header
   * @param allowedHosts the Host headers answered; {@link AllowedHosts#ANY} when authentication is
   *     on
   */
  RequestGuard(HttpHandler next, Set<String> allowedOrigins, AllowedHosts allowedHosts) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.allowedHosts = Objects.requireNonNull(allowedHosts, "allowedHosts == null");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    try {
      if (!admit(exchange)) return;
      next.handleRequest(exchange);
    } catch (Exception e) {
      LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      if (!exchange.isResponseStarted())
        json(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
    }
  }

  private boolean admit(HttpServerExchange exchange) {
    if (!allowedHostsOnly(exchange)) return false;
    String query = exchange.getQueryString();
    if (exchange.getRequestURI().length() + (query == null ? 0 : query.length()) > MAX_URI_LENGTH) {
      json(exchange, 414, "request URI longer than " + MAX_URI_LENGTH + " characters");
      return false;
    }
    Map<String, Deque<String>> parameters = exchange.getQueryParameters();
    int count = 0;
    for (Deque<String> values : parameters.values()) {
      count += values.size();
      for (String value : values) {
        if (value.length() > MAX_PARAMETER_LENGTH) {
          json(
              exchange,
              StatusCodes.BAD_REQUEST,
              "query parameter longer than " + MAX_PARAMETER_LENGTH + " characters");
          return false;
        }
      }
    }
    if (count > MAX_QUERY_PARAMETERS) {
      json(
          exchange,
          StatusCodes.BAD_REQUEST,
          "more than " + MAX_QUERY_PARAMETERS + " query parameters");
      return false;
    }
    String relative = exchange.getRelativePath();
    boolean isImport =
        exchange.getRequestMethod().equals(Methods.POST) && "/api/import".equals(relative);
    long limit = isImport ? MAX_IMPORT_BYTES : MAX_BODY_BYTES;
    if (exchange.getRequestContentLength() > limit) {
      exchange.setPersistent(false); // the unread body must not be taken for the next request
      json(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "the body exceeds " + size(limit));
      return false;
    }
    if (exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)) {
      // a chunked body's size is only known once read, and Undertow fixes a chunked request's limit
      // before
      // any handler runs: ask for a declared length instead (browsers and curl send one anyway)
      exchange.setPersistent(false);
      json(exchange, StatusCodes.LENGTH_REQUIRED, "request bodies need a Content-Length");
      return false;
    }
    exchange.setMaxEntitySize(limit);
    boolean guarded = "/ws".equals(relative) || !SAFE_METHODS.contains(exchange.getRequestMethod());
    if (guarded && !isSameOrigin(exchange)) {
      json(exchange, StatusCodes.FORBIDDEN, "cross-origin request refused");
      return false;
    }
    return true;
  }

  /**
   * Answers 421 for a Host no unauthenticated dashboard should serve; every Host header must pass.
   */
  private boolean allowedHostsOnly(HttpServerExchange exchange) {
    if (allowedHosts.allowsAny()) return true;
    io.undertow.util.HeaderValues hosts = exchange.getRequestHeaders().get(Headers.HOST);
    String refused = null;
    if (hosts != null) { // none: HTTP/1.0 without Host, which no browser sends
      for (String host : hosts) {
        if (!allowedHosts.allows(host)) refused = host;
      }
    }
    if (refused == null) return true;
    String name = AllowedHosts.hostName(refused); // null: not echoed
    logRefusedHost(exchange, name);
    exchange.setPersistent(false);
    json(
        exchange,
        MISDIRECTED_REQUEST,
        "host "
            + (name == null ? "(malformed)" : "'" + name + "'")
            + " is not served without authentication (DNS rebinding); allow it with --allowed-host "
            + (name == null ? "NAME" : name)
            + " (STEMTRACE_ALLOWED_HOSTS, or allowedHosts(...) when embedding)"
            + " or turn on authentication");
    return false;
  }

  /** 421 Misdirected Request: this server does not answer for that authority. */
  static final int MISDIRECTED_REQUEST = 421;

  private void logRefusedHost(HttpServerExchange exchange, String name) {
    long refused = refusedHosts.incrementAndGet();
    long now = System.nanoTime();
    long due = nextHostWarning.get();
    if (now - due >= 0 && nextHostWarning.compareAndSet(due, now + HOST_WARNING_INTERVAL_NANOS)) {
      LOG.warn(
          "refused a request for host '{}' from {} with 421 ({} so far; at most one such warning a minute):"
              + " without authentication only localhost, IP addresses and --allowed-host names are served",
          name == null ? "(malformed)" : name,
          exchange.getSourceAddress(),
          refused);
    } else {
      LOG.debug(
          "refused a request for host '{}' from {} with 421", name, exchange.getSourceAddress());
    }
  }

  /**
   * Clients that send neither Origin nor Sec-Fetch-Site (curl, servers) are not browsers acting for
   * a site.
   */
  boolean isSameOrigin(HttpServerExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
    String origin = exchange.getRequestHeaders().getFirst(ORIGIN);
    if (origin != null && allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT)))
      return true;
    // fetch metadata cannot be set by a page's script: a browser saying same-origin is believed
    if (site != null && site.equalsIgnoreCase("same-origin")) return true;
    if (site != null && site.equalsIgnoreCase("cross-site")) return false;
    if (origin == null) return true;
    String authority = authority(origin);
    if (authority == null) return false;
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host != null && authority.equalsIgnoreCase(withPort(host.trim(), origin))) return true;
    String forwarded = exchange.getRequestHeaders().getFirst(X_FORWARDED_HOST);
    return forwarded != null
        && authority.equalsIgnoreCase(withPort(forwarded.split(",")[0].trim(), origin));
  }

  private static String authority(String origin) {
    try {
      URI uri = new URI(origin.trim());
      if (uri.getHost() == null || uri.getScheme() == null) return null;
      return uri.getHost()
          + ":"
          + (uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme()));
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String withPort(String host, String origin) {
    int colon = host.lastIndexOf(':');
    boolean hasPort = host.startsWith("[") ? host.lastIndexOf(']') < colon : colon >= 0;
    return hasPort
        ? host
        : host
            + ":"
            + defaultPort(
                origin.trim().toLowerCase(Locale.ROOT).startsWith("https:") ? "https" : "http");
  }

  private static int defaultPort(String scheme) {
    return scheme.equalsIgnoreCase("https") ? 443 : 80;
  }

  /**
   * Normalises an allowed origin given by configuration: scheme://host[:port], lower case, no path.
   */
  static String normalizeOrigin(String origin) {
    Objects.requireNonNull(origin, "origin == null");
    String trimmed = origin.trim().toLowerCase(Locale.ROOT);
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + origin);
    }
    if (uri.getScheme() == null
        || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + origin);
    }
    return trimmed;
  }

  private static String size(long bytes) {
    return bytes >= (1L << 20) ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }

  private static void json(HttpServerExchange exchange, int status, String detail) {
    Responses.json(exchange, status, ApiJson.error(detail));
  }
}
