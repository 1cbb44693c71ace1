package io.stemtrace.transport.amqp;

import io.stemtrace.api.TransportOptions;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a {@link RabbitMqTransport} needs, parsed from its URL and prefix, and the broker
 * names derived from them. Immutable.
 *
 * <p>Names and queue arguments follow the Python stemtrace library, so that both sides declare the
 * same exchange and queue with equal arguments (RabbitMQ refuses a redeclaration with different
 * arguments): exchange {@code {prefix}.events} (durable fanout), queue {@code
 * {prefix}.events.{consumer-id}} (durable, {@code x-message-ttl} = retention in milliseconds,
 * {@code x-expires} = that plus one minute).
 */
record AmqpConfig(
    boolean tls,
    String host,
    int port,
    String virtualHost,
    String username,
    String password,
    String prefix,
    String consumerId,
    Duration retention,
    boolean confirms,
    int prefetch,
    Duration confirmTimeout) {

  static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(5);
  static final int DEFAULT_PREFETCH = 1_000;
  static final Set<String> OPTIONS =
      Set.of("consumer_id", "retention", "confirms", "prefetch", "confirm_timeout");

  /** Python stemtrace keeps an abandoned queue one minute longer than its messages. */
  private static final long QUEUE_EXPIRY_SLACK_MILLIS = 60_000;

  AmqpConfig {
    if (host == null) throw new NullPointerException("host == null");
    if (virtualHost == null) throw new NullPointerException("virtualHost == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    if (consumerId == null) throw new NullPointerException("consumerId == null");
    if (retention == null) throw new NullPointerException("retention == null");
    if (confirmTimeout == null) throw new NullPointerException("confirmTimeout == null");
    if (port < 1 || port > 65_535) throw new IllegalArgumentException("port out of range: " + port);
    if (prefetch < 1 || prefetch > 65_535)
      throw new IllegalArgumentException("prefetch out of 1..65535: " + prefetch);
    if (consumerId.isBlank()) throw new IllegalArgumentException("consumer_id is blank");
    if (retention.isNegative() || retention.isZero() || retention.getNano() != 0) {
      throw new IllegalArgumentException(
          "retention must be a positive number of whole seconds: " + retention);
    }
    if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
      throw new IllegalArgumentException("confirm_timeout must be positive: " + confirmTimeout);
    }
  }

  /**
   * Parses {@code amqp[s]://user:password@host:port/vhost?option=value&...}. The vhost is
   * URL-decoded ({@code %2F} is {@code /}); an empty or missing vhost means {@code /}, as in kombu.
   * Missing credentials mean guest/guest, the RabbitMQ default.
   *
   * @throws IllegalArgumentException naming the part or option that is wrong
   */
  static AmqpConfig parse(URI url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
      throw new IllegalArgumentException("not an amqp:// or amqps:// URL: " + redact(url));
    }
    boolean tls = scheme.equals("amqps");
    String host = url.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("AMQP URL has no host: " + redact(url));
    }
    int port = url.getPort() == -1 ? (tls ? 5671 : 5672) : url.getPort();

    String rawPath = url.getRawPath();
    String virtualHost = "/";
    if (rawPath != null && rawPath.length() > 1) {
      String segment = rawPath.substring(1);
      if (segment.contains("/")) {
        throw new IllegalArgumentException(
            "AMQP URL path must be one segment, the vhost (write / as %2F): " + redact(url));
      }
      virtualHost = decode(segment);
    }

    String username = "guest";
    String password = "guest";
    String userInfo = url.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }

    TransportOptions options = TransportOptions.parse(url, "AMQP", OPTIONS);
    String consumerId = options.string("consumer_id", null);
    if (consumerId == null) consumerId = hostName();
    Duration retention = options.duration("retention", DEFAULT_RETENTION);
    boolean confirms = options.bool("confirms", true);
    int prefetch = (int) options.number("prefetch", 0, DEFAULT_PREFETCH);
    Duration confirmTimeout = options.duration("confirm_timeout", DEFAULT_CONFIRM_TIMEOUT);
    return new AmqpConfig(
        tls,
        host,
        port,
        virtualHost,
        username,
        password,
        normalizePrefix(prefix),
        consumerId,
        retention,
        confirms,
        prefetch,
        confirmTimeout);
  }

  /** The fanout exchange every producer publishes to. */
  String exchangeName() {
    return prefix + ".events";
  }

  /** This consumer's own queue, bound to the exchange. */
  String queueName() {
    return exchangeName() + "." + consumerId;
  }

  /** The queue arguments, equal to what Python stemtrace declares for the same retention. */
  Map<String, Object> queueArguments() {
    long ttlMillis = Math.max(retention.toSeconds(), 1) * 1000;
    Map<String, Object> arguments = new LinkedHashMap<>();
    arguments.put("x-message-ttl", ttlMillis);
    arguments.put("x-expires", ttlMillis + QUEUE_EXPIRY_SLACK_MILLIS);
    return Map.copyOf(arguments);
  }

  /** The broker address without credentials or options, safe for logs and thread names. */
  String safeUrl() {
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return (tls ? "amqps" : "amqp")
        + "://"
        + hostPart
        + ":"
        + port
        + "/"
        + URLEncoder.encode(virtualHost, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    // never let the password reach a log line through string concatenation
    return "AmqpConfig{"
        + safeUrl()
        + ", user="
        + username
        + ", exchange="
        + exchangeName()
        + ", queue="
        + queueName()
        + ", retention="
        + retention
        + ", confirms="
        + confirms
        + ", prefetch="
        + prefetch
        + ", confirmTimeout="
        + confirmTimeout
        + "}";
  }

  /**
   * Same as Python stemtrace: trim, drop surrounding slashes, slashes become dots, empty means
   * stemtrace.
   */
  static String normalizePrefix(String prefix) {
    String normalized = prefix.strip();
    int start = 0;
    int end = normalized.length();
    while (start < end && normalized.charAt(start) == '/') start++;
    while (end > start && normalized.charAt(end - 1) == '/') end--;
    normalized = normalized.substring(start, end).replace('/', '.');
    return normalized.isEmpty() ? "stemtrace" : normalized;
  }

  /**
   * The host name, as Python's {@code socket.gethostname()} gives it, so both sides default to one
   * queue.
   */
  static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel, StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()) return name;
      }
    } catch (java.io.IOException | RuntimeException ignored) {
      // fall through to the portable lookups
    }
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.strip();
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /**
   * The URL with its password masked, for error messages (also when the URL is too broken to
   * parse).
   */
  static String redact(URI url) {
    return TransportOptions.redact(url);
  }
}
