package io.stemtrace.ui;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Host} header values a dashboard without authentication answers, against DNS rebinding:
 * a page on {@code evil.example} whose name is made to resolve to 127.0.0.1 is same-origin with
 * itself, so the browser lets it read our answers, but it still sends {@code Host: evil.example}.
 *
 * <p>Allowed: {@code localhost} and {@code *.localhost} (browsers resolve those to loopback
 * themselves), any IP literal (an IPv4 dotted quad or a bracketed IPv6 address: a page can only
 * send one as its Host when it was loaded from that very address, i.e. from us), the configured
 * names (exact, or {@code *.example.com} for names under it) and a request without {@code Host}
 * (HTTP/1.0; every browser sends one). Names compare case-insensitively, ignoring the port and a
 * trailing dot. Immutable.
 */
final class AllowedHosts {

  /** No check at all: for authenticated dashboards and hosts that opt out. */
  static final AllowedHosts ANY = new AllowedHosts(Set.of(), List.of(), true);

  /** What the command line takes for {@link #ANY}. */
  static final String ANY_HOST = "*";

  private static final Pattern NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}\\]");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private final Set<String> names;

  /** {@code .example.com} for a configured {@code *.example.com} */
  private final List<String> suffixes;

  private final boolean any;

  private AllowedHosts(Set<String> names, List<String> suffixes, boolean any) {
    this.names = Set.copyOf(names);
    this.suffixes = List.copyOf(suffixes);
    this.any = any;
  }

  /** Loopback names, IP literals and {@code configured} (each as {@link #normalize} returns it). */
  static AllowedHosts of(Collection<String> configured) {
    Objects.requireNonNull(configured, "allowedHosts == null");
    Set<String> names = new LinkedHashSet<>();
    Set<String> suffixes = new LinkedHashSet<>();
    for (String host : configured) {
      String normalized = normalize(host);
      if (normalized.equals(ANY_HOST)) return ANY;
      if (normalized.startsWith("*.")) {
        suffixes.add(normalized.substring(1));
      } else {
        names.add(normalized);
      }
    }
    return new AllowedHosts(names, List.copyOf(suffixes), false);
  }

  boolean allowsAny() {
    return any;
  }

  /**
   * A configured host in the form compared: lower case without trailing dot; {@code *.example.com}
   * for every name under {@code example.com}; {@value #ANY_HOST} for any.
   *
   * @throws IllegalArgumentException with a sentence saying what is wrong (a URL, a port, not a
   *     name)
   */
  static String normalize(String host) {
    Objects.requireNonNull(host, "host == null");
    String trimmed = host.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals(ANY_HOST)) return ANY_HOST;
    if (trimmed.contains("://") || trimmed.contains("/")) {
      throw new IllegalArgumentException(
          "'"
              + host
              + "' is not a host name: give the name only, such as"
              + " dash.example.com, without scheme or path");
    }
    boolean wildcard = trimmed.startsWith("*.");
    String name = wildcard ? trimmed.substring(2) : trimmed;
    if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
    int colon = name.lastIndexOf(':');
    if (colon > 0
        && !name.startsWith("[")
        && PORT.matcher(name.substring(colon + 1)).matches()
        && name.indexOf(':') == colon) {
      throw new IllegalArgumentException(
          "'" + host + "' has a port: give the name only (ports are not compared)");
    }
    boolean literal = IPV4.matcher(name).matches() || IPV6.matcher(name).matches();
    if (!(NAME.matcher(name).matches() || (literal && !wildcard))) {
      throw new IllegalArgumentException(
          "'"
              + host
              + "' is not a host name (letters, digits, '-' and '.';"
              + " '*.example.com' for every name under example.com)");
    }
    return wildcard ? "*." + name : name;
  }

  /** Whether a request with this {@code Host} header (null when it has none) may be answered. */
  boolean allows(String hostHeader) {
    if (any || hostHeader == null) return true;
    String name = hostName(hostHeader);
    if (name == null) return false;
    if (name.equals("localhost") || name.endsWith(".localhost")) return true;
    if (IPV4.matcher(name).matches() || IPV6.matcher(name).matches()) return true;
    if (names.contains(name)) return true;
    for (String suffix : suffixes) {
      if (name.endsWith(suffix)) return true;
    }
    return false;
  }

  /**
   * The host of a {@code Host} header, lower case, without port or trailing dot (IPv6 keeps its
   * brackets); null when it is neither a name nor an IP literal, so that it is never echoed back.
   */
  static String hostName(String hostHeader) {
    String value = hostHeader.trim().toLowerCase(Locale.ROOT);
    String host;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) return null;
      host = value.substring(0, close + 1);
      String rest = value.substring(close + 1);
      if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches()))
        return null;
      return IPV6.matcher(host).matches() ? host : null;
    }
    int colon = value.indexOf(':');
    if (colon >= 0) {
      if (!PORT.matcher(value.substring(colon + 1)).matches()) return null;
      host = value.substring(0, colon);
    } else {
      host = value;
    }
    if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
    return NAME.matcher(host).matches() ? host : null;
  }

  @Override
  public String toString() {
    if (any) return "AllowedHosts{any}";
    Set<String> all = new LinkedHashSet<>(names);
    for (String suffix : suffixes) all.add("*" + suffix);
    return "AllowedHosts{localhost, IP addresses"
        + (all.isEmpty() ? "" : ", " + String.join(", ", all))
        + "}";
  }
}
