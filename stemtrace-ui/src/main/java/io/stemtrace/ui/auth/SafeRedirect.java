package io.stemtrace.ui.auth;

import java.nio.charset.StandardCharsets;

/**
 * Decides where a login may send the browser: only a path on this origin under the dashboard's
 * mount prefix. Anything else (a scheme, {@code //host}, a backslash that browsers read as a slash,
 * control characters, dot segments that climb out of the prefix) falls back to the dashboard's
 * home.
 */
final class SafeRedirect {

  static final int MAX_LENGTH = 2048;

  private SafeRedirect() {}

  /**
   * The location to redirect to after login.
   *
   * @param next the requested target: a path (URL-decoded) with an optional raw query, or null
   * @param basePath the mount prefix without trailing slash ("" at the root)
   */
  static String target(String next, String basePath) {
    String home = basePath + "/";
    if (next == null || next.isEmpty() || next.length() > MAX_LENGTH) return home;
    int question = next.indexOf('?');
    String path = question < 0 ? next : next.substring(0, question);
    String query = question < 0 ? null : next.substring(question + 1);
    if (!isSafePath(path, basePath) || (query != null && !isSafeText(query))) return home;
    return encodePath(path) + (query == null ? "" : "?" + encodeQuery(query));
  }

  /** True for a decoded path under the prefix that a browser resolves on this origin. */
  static boolean isSafePath(String path, String basePath) {
    if (!path.startsWith("/") || path.startsWith("//")) return false;
    if (!isSafeText(path)) return false;
    if (!(path.equals(basePath) || path.startsWith(basePath + "/"))) return false;
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) return false;
      String lower = segment.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) return false;
    }
    return true;
  }

  private static boolean isSafeText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c < 0x20 || c == 0x7f || c == '\uFFFD' || Character.isISOControl(c))
        return false;
    }
    return true;
  }

  /** Percent-encodes a decoded path for a Location header; '/' stays, '%' is encoded. */
  static String encodePath(String path) {
    return encode(path, "/-._~!$&'()*+,;=:@");
  }

  /** Keeps an already encoded query as it is, encoding only what may not appear raw. */
  private static String encodeQuery(String query) {
    return encode(query, "/-._~!$&'()*+,;=:@?%");
  }

  private static String encode(String text, String keep) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || (c < 0x80 && keep.indexOf(c) >= 0)) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
