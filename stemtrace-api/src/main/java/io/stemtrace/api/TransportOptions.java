package io.stemtrace.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The options in a transport URL's query string ({@code redis://host?timeout=1.5&verifypeer=no}),
 * read with the one grammar every adapter and the command line share:
 *
 * <ul>
 *   <li>durations: a number of seconds ({@code 90}, {@code 1.5}), a number with a unit ({@code
 *       500ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code 2d}) or ISO-8601 ({@code PT24H}); never
 *       negative;
 *   <li>booleans: {@code true|false}, {@code yes|no}, {@code on|off}, {@code 1|0}, in any case;
 *   <li>numbers: decimal integers.
 * </ul>
 *
 * An unknown option, an option without a value and an option given twice are refused with a message
 * naming the known ones, so that a typo never silently falls back to a default. {@link #redact}
 * masks passwords.
 */
public final class TransportOptions {

  private final String kind;
  private final Map<String, String> values;

  private TransportOptions(String kind, Map<String, String> values) {
    this.kind = kind;
    this.values = values;
  }

  /**
   * The options of {@code url}'s query. Names are case-insensitive and percent-decoded; {@code
   * kind} names the adapter in messages ({@code "redis"}).
   */
  public static TransportOptions parse(URI url, String kind, Collection<String> known) {
    if (url == null) throw new NullPointerException("url == null");
    if (kind == null) throw new NullPointerException("kind == null");
    Map<String, String> values = new LinkedHashMap<>();
    String query = url.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) continue;
        int equals = pair.indexOf('=');
        String name =
            decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1)).trim();
        if (!known.contains(name)) {
          throw new IllegalArgumentException(
              "unknown "
                  + kind
                  + " transport option '"
                  + name
                  + "' (known: "
                  + String.join(", ", new TreeSet<>(known))
                  + ")");
        }
        if (value.isEmpty())
          throw new IllegalArgumentException(kind + " option " + name + " has no value");
        if (values.put(name, value) != null) {
          throw new IllegalArgumentException(kind + " option " + name + " is given twice");
        }
      }
    }
    return new TransportOptions(kind, values);
  }

  /** The option's value as given, or {@code fallback}. */
  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** The option as a duration of the shared grammar, or {@code fallback}. */
  public Duration duration(String name, Duration fallback) {
    String value = values.get(name);
    if (value == null) return fallback;
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(kind + " option " + name + " " + e.getMessage(), e);
    }
  }

  /** The option as a boolean of the shared grammar, or {@code fallback}. */
  public boolean bool(String name, boolean fallback) {
    String value = values.get(name);
    if (value == null) return fallback;
    try {
      return parseBoolean(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(kind + " option " + name + " " + e.getMessage(), e);
    }
  }

  /** The option as a whole number of at least {@code min}, or {@code fallback}. */
  public long number(String name, long min, long fallback) {
    String value = values.get(name);
    if (value == null) return fallback;
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          kind + " option " + name + " must be a whole number, got '" + value + "'");
    }
    if (number < min)
      throw new IllegalArgumentException(kind + " option " + name + " < " + min + ": " + number);
    return number;
  }

  /** The option as one of {@code choices} (compared ignoring case), or {@code fallback}. */
  public String choice(String name, List<String> choices, String fallback) {
    String value = values.get(name);
    if (value == null) return fallback;
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(value)) return choice;
    }
    throw new IllegalArgumentException(
        kind
            + " option "
            + name
            + " must be "
            + String.join(" or ", choices)
            + ", got '"
            + value
            + "'");
  }

  /**
   * A duration of the shared grammar: seconds ({@code 90}, {@code 1.5}), a number with a unit
   * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 8h}, {@code 2d}) or ISO-8601 ({@code PT24H}).
   *
   * @throws IllegalArgumentException naming the accepted forms, for anything else or a negative
   *     duration
   */
  public static Duration parseDuration(String text) {
    if (text == null) throw new NullPointerException("text == null");
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    Duration duration;
    try {
      if (trimmed.startsWith("p") || trimmed.startsWith("-p")) {
        duration = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      } else {
        int unitAt = trimmed.length();
        while (unitAt > 0 && Character.isLetter(trimmed.charAt(unitAt - 1))) unitAt--;
        String amount = trimmed.substring(0, unitAt);
        if (!amount.matches("\\d+(\\.\\d+)?")) throw new NumberFormatException(text);
        long nanosPerUnit =
            switch (trimmed.substring(unitAt)) {
              case "", "s" -> 1_000_000_000L;
              case "ms" -> 1_000_000L;
              case "m" -> 60_000_000_000L;
              case "h" -> 3_600_000_000_000L;
              case "d" -> 86_400_000_000_000L;
              default -> throw new NumberFormatException(text);
            };
        duration =
            Duration.ofNanos(
                new BigDecimal(amount)
                    .multiply(BigDecimal.valueOf(nanosPerUnit))
                    .setScale(0, RoundingMode.DOWN)
                    .longValueExact());
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "must be a duration such as 1.5 (seconds), 500ms, 30s, 5m, 8h, 2d or PT8H, got '"
              + text
              + "'");
    }
    if (duration.isNegative())
      throw new IllegalArgumentException("must not be negative, got '" + text + "'");
    return duration;
  }

  /**
   * A boolean of the shared grammar: {@code true|false}, {@code yes|no}, {@code on|off}, {@code
   * 1|0}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static boolean parseBoolean(String text) {
    if (text == null) throw new NullPointerException("text == null");
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              "must be true or false (also yes/no, on/off, 1/0), got '" + text + "'");
    };
  }

  /**
   * The URL with the password of its user info replaced by {@code ***} (a lone secret, as in {@code
   * redis://secret@host}, too), for logs, thread names and messages.
   */
  public static String redact(URI url) {
    if (url == null) return "null";
    return redact(url.toString());
  }

  /** {@link #redact(URI)} for URL text, also when it is too broken to parse as a URI. */
  public static String redact(String url) {
    if (url == null) return "null";
    return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@:]*):[^/?#@]*@", "$1$2:***@")
        .replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@:]+@", "$1***@");
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return kind + " options " + values.keySet();
  }
}
