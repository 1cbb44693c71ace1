package io.stemtrace.ui;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.stemtrace.core.anomaly.AnomalyType;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The body of {@code POST /api/anomalies/groups/{action}}: {@code {"type": "STUCK_STARTED", "name":
 * "orders.charge", "minutes": 60}}. {@code name} null picks the type's unnamed group; {@code
 * minutes} is read by mute only (absent: until unmuted). Anything else is a 400 that says what.
 *
 * @param minutes null when absent
 */
record TriageRequest(AnomalyType type, String name, Duration minutes) {

  /** A mute longer than a year is a typo more likely than a wish. */
  static final long MAX_MUTE_MINUTES = 366L * 24 * 60;

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  static TriageRequest parse(byte[] body) {
    if (body.length == 0)
      throw ApiException.badRequest(
          "the body must be a JSON object such as {\"type\": \"STUCK_STARTED\", \"name\": \"orders.charge\"}");
    AnomalyType type = null;
    String name = null;
    Duration minutes = null;
    boolean sawType = false;
    boolean sawName = false;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT)
        throw ApiException.badRequest("the body must be a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "type" -> {
            if (value != JsonToken.VALUE_STRING)
              throw ApiException.badRequest("'type' must be a string");
            type = type(p.getText());
            sawType = true;
          }
          case "name" -> {
            if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL)
              throw ApiException.badRequest("'name' must be a string or null");
            name = value == JsonToken.VALUE_NULL ? null : p.getText();
            sawName = true;
          }
          case "minutes" -> {
            if (value == JsonToken.VALUE_NULL) break;
            if (value != JsonToken.VALUE_NUMBER_INT)
              throw ApiException.badRequest("'minutes' must be a whole number of minutes");
            boolean fits = p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
            long count = fits ? p.getLongValue() : -1;
            if (count < 1 || count > MAX_MUTE_MINUTES)
              throw ApiException.badRequest(
                  "'minutes' must be between 1 and " + MAX_MUTE_MINUTES + ", got " + p.getText());
            minutes = Duration.ofMinutes(count);
          }
          default ->
              throw ApiException.badRequest(
                  "unknown field '"
                      + QueryParams.abbreviate(field)
                      + "' (expected type, name, minutes)");
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null)
        throw ApiException.badRequest("the body must be one JSON object");
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("the body cannot be read: " + e.getMessage());
    }
    if (!sawType) throw ApiException.badRequest("'type' is required");
    if (!sawName) throw ApiException.badRequest("'name' is required (null for the unnamed group)");
    return new TriageRequest(type, name, minutes);
  }

  private static AnomalyType type(String raw) {
    try {
      return AnomalyType.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "unknown anomaly type '"
              + QueryParams.abbreviate(raw)
              + "' (expected one of "
              + Arrays.toString(AnomalyType.values())
              + ")");
    }
  }
}
