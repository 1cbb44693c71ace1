package io.stemtrace.transport.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Everything a {@link RedisTransport} needs, parsed once from its URL:
 * {@code redis[s]://[[user]:password@]host[:port][/database][?option=value&...]}.
 *
 * <p>Options: {@code maxlen} (approximate stream length cap, default 100000, 0 = no length cap),
 * {@code retention} (ISO-8601 duration such as {@code PT24H}: entries older than that are trimmed),
 * {@code timeout} (connect and command timeout, ISO-8601 or seconds, default 10 s), {@code start} (where a
 * subscription begins: {@code 0-0} replays the whole stream, {@code $} only new entries, an entry id
 * resumes after that entry), {@code verifypeer} (TLS peer verification for {@code rediss}, default true),
 * {@code replies} ({@code batch}, the default: the publisher turns Redis's replies off for all but the last
 * entry of each chunk of a batch with {@code CLIENT REPLY}, when the server allows it; {@code each}: a reply
 * per entry, for proxies that mishandle {@code CLIENT REPLY}).
 * Unknown options fail fast with the option named.
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
   * The most bytes of one entry's data kept: the consumer's codec refuses payloads over 4 MiB as TOO_LARGE before
   * parsing (EventCodec.DEFAULT_MAX_PAYLOAD_BYTES, which this module cannot import), so its first 4 MiB + 1 bytes
   * are counted exactly as the whole would be, at a fraction of the memory.
   */
  static final int MAX_ENTRY_BYTES = (4 << 20) + 1;
  static final String START_BEGINNING = "0-0";
  static final String START_NEW = "$";
  private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,19}(-\\d{1,19})?");
  private static final String KNOWN_OPTIONS = "maxlen, retention, timeout, start, verifypeer, replies, maxreadbytes";

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
      throw new IllegalArgumentException("redis URL needs a host, such as redis://localhost:6379/0");
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port = url.getPort() < 0 ? 6379 : url.getPort();

    String username = null;
    char[] password = null;
    String userInfo = url.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      // "redis://secret@host" means a password, as Lettuce and Jedis read it; "user:secret" is an ACL login
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
        throw new IllegalArgumentException("redis URL path must be a database number, got '" + path + "'");
      }
      if (database < 0) throw new IllegalArgumentException("redis database < 0: " + database);
    }

    long maxlen = DEFAULT_MAXLEN;
    Duration retention = null;
    Duration timeout = DEFAULT_TIMEOUT;
    String start = START_BEGINNING;
    boolean verifyPeer = true;
    boolean quietReplies = true;
    long maxReadBytes = DEFAULT_MAX_READ_BYTES;
    String query = url.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String option : query.split("&")) {
        if (option.isEmpty()) continue;
        int eq = option.indexOf('=');
        String name = decode(eq < 0 ? option : option.substring(0, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "" : decode(option.substring(eq + 1)).trim();
        switch (name) {
          case "maxlen" -> {
            try {
              maxlen = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("redis option maxlen is not a number: '" + value + "'");
            }
            if (maxlen < 0) throw new IllegalArgumentException("redis option maxlen < 0: " + maxlen);
          }
          case "retention" -> {
            retention = duration("retention", value);
            if (retention.isZero()) throw new IllegalArgumentException("redis option retention must be positive: " + value);
          }
          case "timeout" -> {
            timeout = duration("timeout", value);
            if (timeout.toMillis() < 1) throw new IllegalArgumentException("redis option timeout must be >= 1 ms: " + value);
          }
          case "start" -> {
            if (!value.equals(START_NEW) && !ENTRY_ID.matcher(value).matches()) {
              throw new IllegalArgumentException(
                  "redis option start must be 0-0 (replay the stream), $ (only new entries) or an entry id, got '" + value + "'");
            }
            start = value.equals(START_NEW) || value.contains("-") ? value : value + "-0";
          }
          case "verifypeer" -> {
            if (!value.equals("true") && !value.equals("false")) {
              throw new IllegalArgumentException("redis option verifypeer must be true or false, got '" + value + "'");
            }
            verifyPeer = Boolean.parseBoolean(value);
          }
          case "replies" -> {
            if (!value.equals("batch") && !value.equals("each")) {
              throw new IllegalArgumentException("redis option replies must be batch or each, got '" + value + "'");
            }
            quietReplies = value.equals("batch");
          }
          case "maxreadbytes" -> {
            try {
              maxReadBytes = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("redis option maxreadbytes is not a number of bytes: '" + value + "'");
            }
            if (maxReadBytes < 1024) throw new IllegalArgumentException("redis option maxreadbytes < 1024: " + maxReadBytes);
          }
          default -> throw new IllegalArgumentException(
              "unknown redis transport option '" + name + "' (known: " + KNOWN_OPTIONS + ")");
        }
      }
    }
    return new RedisTransportConfig(scheme.equals("rediss"), host, port, database, username, password,
        prefix + ":events", maxlen, retention, timeout, start, verifyPeer, quietReplies, maxReadBytes);
  }

  /** The URL without credentials or options: safe for logs and thread names. */
  String safeUrl() {
    String shownHost = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "rediss://" : "redis://") + shownHost + ":" + port + "/" + database;
  }

  /** How long one blocking read waits for new entries: short enough to notice a dead server quickly. */
  Duration blockTime() {
    Duration half = timeout.dividedBy(2);
    Duration cap = Duration.ofSeconds(1);
    return half.compareTo(cap) < 0 ? half : cap;
  }

  private static Duration duration(String option, String value) {
    if (value.matches("\\d+(\\.\\d+)?")) {
      return Duration.ofNanos((long) (Double.parseDouble(value) * 1_000_000_000L));
    }
    try {
      Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
      if (parsed.isNegative()) throw new IllegalArgumentException("redis option " + option + " is negative: " + value);
      return parsed;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("redis option " + option
          + " must be an ISO-8601 duration such as PT5S or a number of seconds, got '" + value + "'");
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisTransportConfig{" + safeUrl() + ", stream " + streamKey + "}";
  }
}
