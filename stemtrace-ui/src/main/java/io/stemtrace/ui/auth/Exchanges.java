package io.stemtrace.ui.auth;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small request and response helpers shared by the authentication handlers. */
final class Exchanges {

  static final HttpString ORIGIN = new HttpString("Origin");
  static final HttpString SEC_FETCH_SITE = new HttpString("Sec-Fetch-Site");
  static final HttpString SEC_FETCH_MODE = new HttpString("Sec-Fetch-Mode");
  static final HttpString X_FORWARDED_HOST = new HttpString("X-Forwarded-Host");
  static final HttpString X_FORWARDED_PROTO = new HttpString("X-Forwarded-Proto");

  private Exchanges() {}

  /** The prefix the dashboard is mounted at, without trailing slash: "" at the root. */
  static String basePath(HttpServerExchange exchange) {
    String resolved = exchange.getResolvedPath();
    if (resolved == null || resolved.isEmpty() || resolved.equals("/")) return "";
    return resolved.endsWith("/") ? resolved.substring(0, resolved.length() - 1) : resolved;
  }

  /** The path under the mount prefix, starting with '/'. */
  static String relativePath(HttpServerExchange exchange) {
    String relative = exchange.getRelativePath();
    return relative == null || relative.isEmpty() ? "/" : relative;
  }

  /**
   * Every value of cookie {@code name} in the request (a browser may send several for different
   * paths).
   */
  static List<String> cookies(HttpServerExchange exchange, String name) {
    List<String> values = new ArrayList<>(1);
    HeaderValues headers = exchange.getRequestHeaders().get(Headers.COOKIE);
    if (headers == null) return values;
    for (String header : headers) {
      if (header.length() > 16_384) continue;
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq < 0) continue;
        if (pair.substring(0, eq).trim().equals(name)) {
          String value = pair.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (values.size() < 8) values.add(value);
        }
      }
    }
    return values;
  }

  /**
   * True when the browser reached us over HTTPS, directly or (as a proxy says) through a TLS
   * terminator.
   */
  static boolean isHttps(HttpServerExchange exchange) {
    if ("https".equalsIgnoreCase(exchange.getRequestScheme())) return true;
    String forwarded = exchange.getRequestHeaders().getFirst(X_FORWARDED_PROTO);
    // only ever makes the cookie stricter, so trusting the header cannot weaken anything
    return forwarded != null && forwarded.trim().toLowerCase(Locale.ROOT).startsWith("https");
  }

  /**
   * False when a browser says the request comes from another site: an {@code Origin} whose host and
   * port differ from this request's {@code Host} (or {@code X-Forwarded-Host}), or {@code
   * Sec-Fetch-Site: cross-site}. Clients that send neither (curl, other servers) pass.
   */
  static boolean isSameOrigin(HttpServerExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst(SEC_FETCH_SITE);
    // fetch metadata cannot be set by a page's script: a browser saying same-origin is believed
    if (site != null && site.equalsIgnoreCase("same-origin")) return true;
    if (site != null && site.equalsIgnoreCase("cross-site")) return false;
    String origin = exchange.getRequestHeaders().getFirst(ORIGIN);
    if (origin == null) return true;
    String originHost = authority(origin);
    if (originHost == null) return false; // "null" origins (sandboxed frames, file:) are never ours
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host != null && originHost.equalsIgnoreCase(withDefaultPort(host.trim(), origin)))
      return true;
    String forwarded = exchange.getRequestHeaders().getFirst(X_FORWARDED_HOST);
    if (forwarded != null) {
      String first = forwarded.split(",")[0].trim();
      return originHost.equalsIgnoreCase(withDefaultPort(first, origin));
    }
    return false;
  }

  /** host:port of an origin such as {@code https://example.com}, the port made explicit. */
  private static String authority(String origin) {
    try {
      URI uri = new URI(origin.trim());
      if (uri.getHost() == null || uri.getScheme() == null) return null;
      int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri.getScheme());
      String host = uri.getHost();
      return host + ":" + port;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String withDefaultPort(String host, String origin) {
    boolean ipv6 = host.startsWith("[");
    int colon = host.lastIndexOf(':');
    boolean hasPort = ipv6 ? host.lastIndexOf(']') < colon : colon >= 0;
    if (hasPort) return host;
    String scheme = origin.trim().toLowerCase(Locale.ROOT).startsWith("https:") ? "https" : "http";
    return host + ":" + defaultPort(scheme);
  }

  private static int defaultPort(String scheme) {
    return scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("wss") ? 443 : 80;
  }

  /** A JSON {@code {"detail": ...}} response (the detail is a fixed ASCII text of ours). */
  static void json(HttpServerExchange exchange, int status, String detail) {
    byte[] body = ("{\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  static void html(HttpServerExchange exchange, int status, String page) {
    byte[] body = page.getBytes(StandardCharsets.UTF_8);
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /** 303 See Other to a same-origin path (already checked by {@link SafeRedirect}). */
  static void seeOther(HttpServerExchange exchange, String location) {
    exchange.setStatusCode(303);
    exchange.getResponseHeaders().put(Headers.LOCATION, location);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
    exchange.endExchange();
  }

  static void found(HttpServerExchange exchange, String location) {
    exchange.setStatusCode(302);
    exchange.getResponseHeaders().put(Headers.LOCATION, location);
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
    exchange.endExchange();
  }
}
