package io.stemtrace.ui;

/**
 * The rules {@link StemtraceHandler.Builder} applies to its security settings, for a launcher that
 * checks a command line before it builds a handler (the standalone server turns each failure into a
 * one-line usage error naming the flag).
 */
public final class SecuritySettings {

  /**
   * In an allowed-host list: any Host is answered ({@link
   * StemtraceHandler.Builder#allowAnyHost()}).
   */
  public static final String ANY_HOST = AllowedHosts.ANY_HOST;

  /** WebSockets served at once to one client address unless told otherwise. */
  public static final int DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS =
      LiveFeed.ClientLimits.DEFAULTS.maxClientsPerAddress();

  private SecuritySettings() {}

  /** An origin as the handler compares it ({@code https://dash.example.com}). */
  public static String normalizeOrigin(String origin) {
    return RequestGuard.normalizeOrigin(origin);
  }

  /** A host name as the handler compares it, or {@link #ANY_HOST}. */
  public static String normalizeHost(String host) {
    return AllowedHosts.normalize(host);
  }

  /** The Content-Security-Policy {@code frame-ancestors} sources, checked. */
  public static String checkFrameAncestors(String frameAncestors) {
    return SecurityHeadersHandler.checkFrameAncestors(frameAncestors);
  }
}
