package io.stemtrace.server;

import io.stemtrace.api.TransportOptions;
import io.stemtrace.ui.SecuritySettings;
import io.stemtrace.ui.auth.Authentication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The security part of the standalone server's command line: authentication, the open health
 * endpoint, frame-ancestors and extra allowed origins. {@link #toString()} never shows the password
 * or the secret.
 *
 * @param mode none, basic or form
 * @param user the one user for basic and form
 * @param password that user's password (prefer {@code STEMTRACE_AUTH_PASSWORD}: flags show in
 *     {@code ps})
 * @param secret signs form-login sessions; null for a random one per process
 * @param sessionTtl how long a form-login session lasts
 * @param openHealth true to leave {@code /api/health} open for load balancers
 * @param frameAncestors the CSP frame-ancestors sources
 * @param allowedOrigins further origins that may open the WebSocket and send writes
 * @param allowedHosts further Host names served without authentication (normalized; {@code *} for
 *     any)
 * @param maxWebSocketsPerAddress WebSockets served at once to one client address
 */
record SecurityOptions(
    Mode mode,
    String user,
    String password,
    String secret,
    Duration sessionTtl,
    boolean openHealth,
    String frameAncestors,
    List<String> allowedOrigins,
    List<String> allowedHosts,
    int maxWebSocketsPerAddress) {

  static final int DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS =
      SecuritySettings.DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS;

  static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(12);
  static final String DEFAULT_USER = "admin";
  static final SecurityOptions DEFAULTS =
      new SecurityOptions(
          Mode.NONE,
          DEFAULT_USER,
          null,
          null,
          DEFAULT_SESSION_TTL,
          false,
          "'none'",
          List.of(),
          List.of(),
          DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS);

  /** The flags this record reads, all taking a value except {@code --open-health}. */
  static final List<String> FLAGS =
      List.of(
          "--auth",
          "--auth-user",
          "--auth-password",
          "--auth-secret",
          "--session-ttl",
          "--open-health",
          "--frame-ancestors",
          "--allowed-origin",
          "--allowed-host",
          "--max-websockets-per-address");

  /** The flags that may repeat, their values joined with ','. */
  static final List<String> REPEATABLE =
      List.of("--allowed-origin", "--allowed-host", "--max-websockets-per-address");

  /** How requests are authenticated. */
  enum Mode {
    NONE,
    BASIC,
    FORM
  }

  SecurityOptions {
    Objects.requireNonNull(mode, "mode == null");
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedHosts = List.copyOf(allowedHosts);
  }

  /** Options without further allowed hosts. */
  SecurityOptions(
      Mode mode,
      String user,
      String password,
      String secret,
      Duration sessionTtl,
      boolean openHealth,
      String frameAncestors,
      List<String> allowedOrigins) {
    this(
        mode,
        user,
        password,
        secret,
        sessionTtl,
        openHealth,
        frameAncestors,
        allowedOrigins,
        List.of(),
        DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS);
  }

  /**
   * Reads the security flags ({@code flags}: name to the last value given; {@code --allowed-origin}
   * and {@code --allowed-host} may repeat, their values joined with ',') with {@code env} as
   * defaults.
   */
  static SecurityOptions parse(Map<String, String> flags, Map<String, String> env)
      throws CliOptions.UsageException {
    String modeText = pick(flags, "--auth", env, "STEMTRACE_AUTH", "none");
    Mode mode =
        switch (modeText.trim().toLowerCase(Locale.ROOT)) {
          case "none", "" -> Mode.NONE;
          case "basic" -> Mode.BASIC;
          case "form" -> Mode.FORM;
          default ->
              throw new CliOptions.UsageException(
                  "--auth must be none, basic or form, got '" + modeText + "'");
        };
    String user = pick(flags, "--auth-user", env, "STEMTRACE_AUTH_USER", DEFAULT_USER);
    String password = pick(flags, "--auth-password", env, "STEMTRACE_AUTH_PASSWORD", null);
    String secret = pick(flags, "--auth-secret", env, "STEMTRACE_AUTH_SECRET", null);
    String ttlText = pick(flags, "--session-ttl", env, "STEMTRACE_AUTH_SESSION_TTL", null);
    String healthText = pick(flags, "--open-health", env, "STEMTRACE_OPEN_HEALTH", "false");
    String frameAncestors =
        pick(flags, "--frame-ancestors", env, "STEMTRACE_FRAME_ANCESTORS", "'none'");
    String originsText = pick(flags, "--allowed-origin", env, "STEMTRACE_ALLOWED_ORIGINS", "");
    String hostsText = pick(flags, "--allowed-host", env, "STEMTRACE_ALLOWED_HOSTS", "");
    String perAddressText =
        pick(
            flags,
            "--max-websockets-per-address",
            env,
            "STEMTRACE_MAX_WEBSOCKETS_PER_ADDRESS",
            String.valueOf(DEFAULT_MAX_WEBSOCKETS_PER_ADDRESS));
    int perAddress;
    try {
      perAddress = Integer.parseInt(perAddressText.trim());
    } catch (NumberFormatException e) {
      perAddress = -1;
    }
    if (perAddress < 1) {
      throw new CliOptions.UsageException(
          "--max-websockets-per-address must be a number of at least 1, got '"
              + perAddressText
              + "'");
    }

    Duration ttl = ttlText == null ? DEFAULT_SESSION_TTL : duration("--session-ttl", ttlText);
    boolean openHealth;
    try {
      openHealth = healthText.isBlank() || TransportOptions.parseBoolean(healthText);
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--open-health " + e.getMessage());
    }
    if (mode != Mode.NONE) {
      if (user.isBlank()) throw new CliOptions.UsageException("--auth-user is blank");
      if (password == null || password.isEmpty()) {
        throw new CliOptions.UsageException(
            "--auth "
                + mode.name().toLowerCase(Locale.ROOT)
                + " needs a password: set STEMTRACE_AUTH_PASSWORD (or --auth-password, visible to other users in ps)");
      }
      if (mode == Mode.BASIC && user.indexOf(':') >= 0)
        throw new CliOptions.UsageException("--auth-user contains ':'");
    }
    if (secret != null
        && mode == Mode.FORM
        && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            < Authentication.MIN_SECRET_BYTES) {
      throw new CliOptions.UsageException(
          "--auth-secret must be at least "
              + Authentication.MIN_SECRET_BYTES
              + " bytes (for example: openssl rand -base64 32)");
    }
    try {
      SecuritySettings.checkFrameAncestors(frameAncestors);
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException("--frame-ancestors: " + e.getMessage());
    }
    List<String> origins = new ArrayList<>();
    for (String origin : originsText.split(",")) {
      if (origin.isBlank()) continue;
      try {
        origins.add(SecuritySettings.normalizeOrigin(origin));
      } catch (IllegalArgumentException e) {
        throw new CliOptions.UsageException("--allowed-origin: " + e.getMessage());
      }
    }
    List<String> hosts = new ArrayList<>();
    for (String host : hostsText.split(",")) {
      if (host.isBlank()) continue;
      try {
        hosts.add(SecuritySettings.normalizeHost(host));
      } catch (IllegalArgumentException e) {
        throw new CliOptions.UsageException("--allowed-host: " + e.getMessage());
      }
    }
    return new SecurityOptions(
        mode,
        user,
        password,
        secret == null || secret.isEmpty() ? null : secret,
        ttl,
        openHealth,
        frameAncestors.trim(),
        origins,
        hosts,
        perAddress);
  }

  /** The authentication these options describe. */
  Authentication authentication() {
    return switch (mode) {
      case NONE -> Authentication.none();
      case BASIC -> Authentication.basic(user, password);
      case FORM ->
          secret == null
              ? Authentication.form(user, password, sessionTtl)
              : Authentication.form(user, password, secret, sessionTtl);
    };
  }

  /**
   * A duration of the grammar transport URLs use too ({@link TransportOptions#parseDuration}:
   * {@code 8h}, {@code 30m}, {@code 3600s}, {@code 1.5}, {@code 2d} or ISO-8601 {@code PT8H}); at
   * least one second.
   */
  static Duration duration(String source, String text) throws CliOptions.UsageException {
    Duration duration;
    try {
      duration = TransportOptions.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new CliOptions.UsageException(source + " " + e.getMessage());
    }
    if (duration.toSeconds() < 1)
      throw new CliOptions.UsageException(source + " must be at least 1s, got '" + text + "'");
    return duration;
  }

  private static String pick(
      Map<String, String> flags,
      String flag,
      Map<String, String> env,
      String variable,
      String fallback) {
    String fromFlag = flags.get(flag);
    if (fromFlag != null) return fromFlag;
    String fromEnv = env.get(variable);
    return fromEnv != null && !fromEnv.isBlank() ? fromEnv : fallback;
  }

  @Override
  public String toString() {
    return "SecurityOptions[mode="
        + mode
        + ", user="
        + user
        + ", password="
        + (password == null ? "unset" : "***")
        + ", secret="
        + (secret == null ? "random" : "***")
        + ", sessionTtl="
        + sessionTtl
        + ", openHealth="
        + openHealth
        + ", frameAncestors="
        + frameAncestors
        + ", allowedOrigins="
        + allowedOrigins
        + ", allowedHosts="
        + allowedHosts
        + ", maxWebSocketsPerAddress="
        + maxWebSocketsPerAddress
        + "]";
  }
}
