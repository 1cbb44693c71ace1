package io.stemtrace.transport.amqp;

import java.util.Locale;

/**
 * Decides whether an AMQP message can carry a stemtrace event at all, without parsing its JSON: the
 * transport never parses events. A message that fails here is rejected without requeue (it would
 * fail forever); JSON that is well-formed UTF-8 but not a valid event is the consumer's to count.
 */
final class MessageCheck {

  private MessageCheck() {}

  /** Why the message is unusable, or null when it may carry an event. */
  static String problem(String contentType, String contentEncoding, byte[] body) {
    if (body == null || body.length == 0) return "empty body";
    if (contentType != null && !isJson(contentType))
      return "content type is not JSON: " + contentType;
    if (contentEncoding != null && !isUtf8(contentEncoding))
      return "content encoding is not UTF-8: " + contentEncoding;
    if (!isValidUtf8(body)) return "body is not valid UTF-8";
    return null;
  }

  /**
   * kombu's JSON serializer says {@code application/json}; accept any JSON media type and empty.
   */
  private static boolean isJson(String contentType) {
    String type = contentType.strip().toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) type = type.substring(0, semicolon).strip();
    return type.isEmpty()
        || type.equals("application/json")
        || type.endsWith("+json")
        || type.equals("text/json");
  }

  private static boolean isUtf8(String contentEncoding) {
    String encoding = contentEncoding.strip().toLowerCase(Locale.ROOT);
    return encoding.isEmpty() || encoding.equals("utf-8") || encoding.equals("utf8");
  }

  /**
   * Strict UTF-8 well-formedness (no overlongs, no surrogates, nothing above U+10FFFF), ASCII fast
   * path.
   */
  static boolean isValidUtf8(byte[] bytes) {
    int i = 0;
    int length = bytes.length;
    while (i < length) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int lead = b & 0xFF;
      int continuation;
      int min;
      if (lead >= 0xC2 && lead <= 0xDF) {
        continuation = 1;
        min = 0x80;
      } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation = 2;
        min = 0x800;
      } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + continuation >= length) return false; // truncated sequence
      int codePoint = lead & (0x3F >> continuation);
      for (int k = 1; k <= continuation; k++) {
        int next = bytes[i + k] & 0xFF;
        if ((next & 0xC0) != 0x80) return false;
        codePoint = (codePoint << 6) | (next & 0x3F);
      }
      if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return false;
      i += continuation + 1;
    }
    return true;
  }
}
