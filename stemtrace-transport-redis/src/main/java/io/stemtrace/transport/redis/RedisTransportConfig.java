package io.stemtrace.transport.redis;

import io.stemtrace.api.TransportOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Everything a {@link RedisTransport} needs, parsed once from its URL: {@code
 * redis[s]://[[user]:password@]host[:port][/database][?option=value&...]}.
 *
 * <p>Options: {@code maxlen} (approximate stream length cap, default 100000, 0 = no length cap),
 * {@code retention} (ISO-8601 duration such as {@code PT24H}: entries older than that are trimmed),
 * {@code timeout} (connect and command timeout, ISO-8601 or seconds, default 10 s), {@code start}
 * (where a subscription begins: {@code 0-0} replays the whole stream, {@code $} only new entries,
 * an entry id resumes after that entry), {@code verifypeer} (TLS peer verification for {@code
 * rediss}, default true), {@code replies} ({@code batch}, the default: the publisher turns Redis's
 * replies off for all but the last entry of each chunk of a batch with {@code CLIENT REPLY}, when
 * the server allows it; {@code each}: a reply per entry, for proxies that mishandle {@code CLIENT
 * REPLY}). Unknown options fail fast with the option named.
 */
record RedisTransportConfig(
    boolean tls,
    String host,
    int port,
    int database,
    String username,
    char[] password,
    String streamKey,
    long maxlen,
    Duration retention,
    Duration timeout,
    String start,
    boolean verifyPeer,
    boolean quietReplies,
    long maxReadBytes) {

  static final long DEFAULT_MAXLEN = 100_000;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The most entry bytes one read holds (one entry more, when a single entry is larger). */
  static final long DEFAULT_MAX_READ_BYTES = 16L << 20;

  /**
   * The most bytes of one entry's data kept: the consumer's codec refuses payloads over 4 MiB as
   * TOO_LARGE before parsing (EventCodec.DEFAULT_MAX_PAYLOAD_BYTES, which this module cannot
   * import), so its first 4 MiB + 1 bytes are counted exactly as the whole would be, at a fraction
   * of the memory.
   */
  static final int MAX_ENTRY_BYTES = (4 << 20) + 1;

  static final String START_BEGINNING = "0-0";
  static final String START_NEW = "$";
  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,19}(-\\d{1,19})?");
  private static final List<String> KNOWN_OPTIONS =
      List.of("maxlen", "retention", "timeout", "start", "verifypeer", "replies", "maxreadbytes");

  static RedisTransportConfig parse(URI url, String prefix) {
    if (url == null) throw new NullPointerException("url == null");
    if (prefix == null) throw new NullPointerException("prefix == null");
    if (prefix.isBlank()) throw new IllegalArgumentException("prefix is blank");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException("not a redis:// or rediss:// URL: " + scheme + "://...");
    }
    String host = url.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(
          "redis URL needs a host, such as redis://localhost:6379/0");
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port = url.getPort() < 0 ? 6379 : url.getPort();

    String username = null;
    char[] password = null;
    String userInfo = url.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      // "redis://secret@host" means a password, as Lettuce and Jedis read it; "user:secret" is an
      // ACL login
      String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
      String pass = colon < 0 ? decode(userInfo) : decode(userInfo.substring(colon + 1));
      username = user.isEmpty() ? null : user;
      password = pass.isEmpty() ? null : pass.toCharArray();
    }

    int database = 0;
    String path = url.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      String db = path.startsWith("/") ? path.substring(1) : path;
      try {
        database = Integer.parseInt(db);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "redis URL path must be a database number, got '" + path + "'");
      }
      if (database < 0) throw new IllegalArgumentException("redis database < 0: " + database);
    }

    TransportOptions options = TransportOptions.parse(url, "redis", KNOWN_OPTIONS);
    long maxlen = options.number("maxlen", 0, DEFAULT_MAXLEN);
    Duration retention = options.duration("retention", null);
    if (retention != null && retention.isZero()) {
      throw new IllegalArgumentException(
          "redis option retention must be positive: " + options.string("retention", ""));
    }
    Duration timeout = options.duration("timeout", DEFAULT_TIMEOUT);
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "redis option timeout must be >= 1 ms: " + options.string("timeout", ""));
    }
    String start = options.string("start", START_BEGINNING);
    if (!start.equals(START_NEW) && !ENTRY_ID.matcher(start).matches()) {
      throw new IllegalArgumentException(
          "redis option start must be 0-0 (replay the stream), $ (only new entries) or an entry id, got '"
              + start
              + "'");
    }
    if (!start.equals(START_NEW) && !start.contains("-")) start = start + "-0";
    boolean verifyPeer = options.bool("verifypeer", true);
    boolean quietReplies =
        options.choice("replies", List.of("batch", "each"), "batch").equals("batch");
    long maxReadBytes = options.number("maxreadbytes", 1024, DEFAULT_MAX_READ_BYTES);
    return new RedisTransportConfig(
        scheme.equals("rediss"),
        host,
        port,
        database,
        username,
        password,
        prefix + ":events",
        maxlen,
        retention,
        timeout,
        start,
        verifyPeer,
        quietReplies,
        maxReadBytes);
  }

  /** The URL without credentials or options: safe for logs and thread names. */
  String safeUrl() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "rediss://" : "redis://") + shownHost + ":" + port + "/" + database;
  }

  /**
   * How long one blocking read waits for new entries: short enough to notice a dead server quickly.
   */
  Duration blockTime() {
    Duration half = timeout.dividedBy(2);
    Duration cap = Duration.ofSeconds(1);
    return half.compareTo(cap) < 0 ? half : cap;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisTransportConfig{" + safeUrl() + ", stream " + streamKey + "}";
  }
}
