package io.stemtrace.ui;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds the browser security headers to every response the dashboard sends: a
 * Content-Security-Policy that allows only the dashboard's own scripts (plus the exact inline
 * scripts of index.html, by hash), styles, images and connections (including the WebSocket of the
 * same host), {@code frame-ancestors} ({@code 'none'} unless configured), {@code
 * X-Content-Type-Options: nosniff}, {@code Referrer-Policy: same-origin}, and the legacy {@code
 * X-Frame-Options} where it can express the same.
 *
 * <p>Headers are set when the response is committed, so the page renderer can attach its inline
 * script hashes ({@link #INLINE_SCRIPT_HASHES}) after this handler ran; headers a handler set
 * itself are kept.
 */
final class SecurityHeadersHandler implements HttpHandler {

  /** The CSP hash sources ({@code 'sha256-...'}) of the inline scripts in the page being served. */
  static final AttachmentKey<InlineScripts> INLINE_SCRIPT_HASHES =
      AttachmentKey.create(InlineScripts.class);

  static final HttpString CONTENT_SECURITY_POLICY = new HttpString("Content-Security-Policy");
  static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
  static final HttpString X_FRAME_OPTIONS = new HttpString("X-Frame-Options");
  static final HttpString CROSS_ORIGIN_OPENER_POLICY = new HttpString("Cross-Origin-Opener-Policy");
  static final HttpString CROSS_ORIGIN_RESOURCE_POLICY =
      new HttpString("Cross-Origin-Resource-Policy");
  static final HttpString PERMISSIONS_POLICY = new HttpString("Permissions-Policy");

  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}\\](:[0-9]{1,5})?");
  private static final Pattern INLINE_SCRIPT =
      Pattern.compile(
          "<script(?![^>]*\\ssrc=)[^>]*>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

  /** The hash sources of one page's inline scripts. */
  record InlineScripts(List<String> sources) {
    InlineScripts {
      sources = List.copyOf(sources);
    }
  }

  private final HttpHandler next;
  private final String frameAncestors;

  SecurityHeadersHandler(HttpHandler next, String frameAncestors) {
    this.next = Objects.requireNonNull(next, "next == null");
    this.frameAncestors = checkFrameAncestors(frameAncestors);
  }

  /**
   * Validates a {@code frame-ancestors} source list: no characters that could end the directive.
   */
  static String checkFrameAncestors(String frameAncestors) {
    Objects.requireNonNull(frameAncestors, "frameAncestors == null");
    String trimmed = frameAncestors.trim();
    if (trimmed.isEmpty())
      throw new IllegalArgumentException("frameAncestors is blank (use 'none')");
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c == ';' || c == ',' || c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            "frameAncestors holds a character not allowed in a CSP source list: " + trimmed);
      }
    }
    return trimmed;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    exchange.addResponseCommitListener(this::addHeaders);
    next.handleRequest(exchange);
  }

  private void addHeaders(HttpServerExchange exchange) {
    HeaderMap headers = exchange.getResponseHeaders();
    putIfAbsent(headers, Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    putIfAbsent(headers, REFERRER_POLICY, "same-origin");
    putIfAbsent(headers, CROSS_ORIGIN_OPENER_POLICY, "same-origin");
    putIfAbsent(headers, CROSS_ORIGIN_RESOURCE_POLICY, "same-origin");
    putIfAbsent(
        headers,
        PERMISSIONS_POLICY,
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    String legacyFrame =
        frameAncestors.equals("'none'")
            ? "DENY"
            : frameAncestors.equals("'self'") ? "SAMEORIGIN" : null;
    if (legacyFrame != null) putIfAbsent(headers, X_FRAME_OPTIONS, legacyFrame);
    InlineScripts scripts = exchange.getAttachment(INLINE_SCRIPT_HASHES);
    putIfAbsent(
        headers,
        CONTENT_SECURITY_POLICY,
        policy(
            scripts == null ? List.of() : scripts.sources(),
            exchange.getRequestHeaders().getFirst(Headers.HOST)));
  }

  /**
   * The policy for a response; {@code host} (the request's Host header) names the WebSocket origin.
   */
  String policy(List<String> scriptHashes, String host) {
    StringBuilder csp = new StringBuilder(320);
    csp.append("default-src 'self'; script-src 'self'");
    for (String hash : scriptHashes) csp.append(' ').append(hash);
    // React Flow and the charts position nodes with style attributes: inline styles cannot be
    // avoided
    csp.append(
        "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'");
    if (host != null && HOST.matcher(host).matches()) {
      // 'self' covers same-origin WebSockets in current browsers; older ones need the ws/wss origin
      // spelled out
      String lower = host.toLowerCase(Locale.ROOT);
      csp.append(" ws://").append(lower).append(" wss://").append(lower);
    }
    csp.append("; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors ")
        .append(frameAncestors);
    return csp.toString();
  }

  /** CSP hash sources for every inline (no {@code src}) script element of an HTML page. */
  static InlineScripts inlineScripts(String html) {
    List<String> sources = new ArrayList<>(2);
    Matcher matcher = INLINE_SCRIPT.matcher(html);
    while (matcher.find()) {
      sources.add("'sha256-" + Base64.getEncoder().encodeToString(sha256(matcher.group(1))) + "'");
    }
    return new InlineScripts(sources);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static void putIfAbsent(HeaderMap headers, HttpString name, String value) {
    if (!headers.contains(name)) headers.put(name, value);
  }
}
