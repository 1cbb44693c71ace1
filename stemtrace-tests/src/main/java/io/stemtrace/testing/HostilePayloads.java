package io.stemtrace.testing;

import io.stemtrace.codec.DecodeError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated hostile payloads for the consumer, each with the {@link DecodeError.Kind} the standard
 * codec must reject it as: non-JSON text, binary garbage, truncated JSON, non-objects, unknown
 * events, missing fields, wrong types, unknown states, bad timestamps, 10 000-deep nesting, 2 MiB
 * strings and 6 MiB payloads; and, apart from those, large-but-accepted events ({@link
 * #largeAccepted}). The same seed gives the same payloads. Transport suites interleave them with a
 * real capture and assert that the capture's graph is unchanged and the counters match {@link
 * #expectedCounts}.
 */
public final class HostilePayloads {

  /** One hostile payload and how the codec classifies it. */
  public record Payload(DecodeError.Kind kind, byte[] bytes) {}

  private static final String[] UNKNOWN_STATES = {
    "EXPLODED",
    "success",
    "",
    "SUCCESS ",
    "PENDING\u0000",
    "\u202eSSECCUS",
    "null",
    "FAILURE;DROP TABLE"
  };
  private static final String TS = "\"timestamp\":\"2026-11-26T03:35:48.652721Z\"";

  private final Random random;

  public HostilePayloads(long seed) {
    this.random = new Random(seed);
  }

  /**
   * {@code count} small hostile payloads of every small kind (none larger than a few KiB), plus
   * {@code huge} each of: a 2 MiB string, 10 000-deep nesting and a 6 MiB payload.
   */
  public List<Payload> generate(int count, int huge) {
    List<Payload> out = new ArrayList<>(count + 3 * huge);
    for (int i = 0; i < count; i++) out.add(small(i));
    for (int i = 0; i < huge; i++) {
      out.add(hugeString());
      out.add(deepNesting(10_000, random.nextBoolean()));
      out.add(oversizedPayload());
    }
    Collections.shuffle(out, random);
    return out;
  }

  /** Counts per kind, as the consumer must report them. */
  public static Map<DecodeError.Kind, Long> expectedCounts(List<Payload> payloads) {
    Map<DecodeError.Kind, Long> counts = new EnumMap<>(DecodeError.Kind.class);
    for (Payload payload : payloads) counts.merge(payload.kind(), 1L, Long::sum);
    return counts;
  }

  private Payload small(int i) {
    return switch (i % 17) {
      case 0 -> notJsonText();
      case 1 -> binaryGarbage();
      case 2 -> truncatedJson();
      case 3 -> nonObject();
      case 4 ->
          text(
              DecodeError.Kind.UNKNOWN_EVENT,
              "{\"hello\":\"world\",\"n\":" + random.nextInt() + "}");
      case 5 ->
          text(
              DecodeError.Kind.UNKNOWN_EVENT,
              "{\"event_type\":\"worker_" + word(6) + "\",\"hostname\":\"h\"," + TS + "}");
      case 6 -> text(DecodeError.Kind.MISSING_FIELD, "{\"task_id\":\"" + id() + "\"," + TS + "}");
      case 7 ->
          text(
              DecodeError.Kind.MISSING_FIELD,
              "{\"task_id\":\"\",\"state\":\"SUCCESS\"," + TS + "}");
      case 8 -> wrongTaskIdType();
      case 9 -> wrongFieldType();
      case 10 ->
          text(
              DecodeError.Kind.UNKNOWN_STATE,
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\""
                  + escape(UNKNOWN_STATES[random.nextInt(UNKNOWN_STATES.length)])
                  + "\","
                  + TS
                  + "}");
      case 11 ->
          text(
              DecodeError.Kind.BAD_TIMESTAMP,
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\"STARTED\",\"timestamp\":\""
                  + pick(
                      "yesterday",
                      "2026-13-45T99:00:00Z",
                      "0",
                      "NaN",
                      "2026-11-26T03:35:48.652721Zgarbage",
                      "x".repeat(100),
                      // parse, but outside the accepted range: a "min date" sentinel, Instant.MAX's
                      // year, either side of it
                      "0001-01-01T00:00:00Z",
                      "+999999999-12-31T23:59:59Z",
                      "1969-12-31T23:59:59.999999Z",
                      "2262-01-01T00:00:00Z")
                  + "\"}");
      case 12 ->
          text(
              DecodeError.Kind.WRONG_TYPE,
              "{\"event_type\":\"worker_ready\",\"hostname\":\"h\","
                  + TS
                  + ",\"pid\":\""
                  + word(4)
                  + "\"}");
      case 13 ->
          text(
              DecodeError.Kind.WRONG_TYPE,
              "{\"event_type\":\"worker_ready\",\"hostname\":\"h\","
                  + TS
                  + ",\"registered_tasks\":"
                  + pick("\"x\"", "[1,2]", "{\"a\":1}", "[null]")
                  + "}");
      case 14 -> deepNesting(65 + random.nextInt(40), random.nextBoolean());
      // epoch seconds no view could render: Instant.MIN's, before 1970, past 2262, beyond a long
      case 15 ->
          text(
              DecodeError.Kind.BAD_TIMESTAMP,
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\"STARTED\",\"timestamp\":"
                  + pick("-31557014167219200", "-1", "9214646400", "1e300", "-1e300")
                  + "}");
      case 16 -> badIdentifier();
      default -> nonObject();
    };
  }

  /**
   * An id, name or hostname no URL could name: a lone surrogate (as a JSON escape) or 513+
   * characters.
   */
  private Payload badIdentifier() {
    String bad =
        random.nextBoolean()
            ? pick("lone-\\ud800", "\\udfff-first", "pair-reversed-\\udc00\\ud800", "\\ud83d")
            : "x".repeat(513 + random.nextInt(10_000));
    String json =
        switch (random.nextInt(6)) {
          case 0 -> "{\"task_id\":\"" + bad + "\",\"state\":\"STARTED\"," + TS + "}";
          case 1 ->
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\"STARTED\",\"parent_id\":\""
                  + bad
                  + "\","
                  + TS
                  + "}";
          case 2 ->
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\"SUCCESS\",\"root_id\":\""
                  + bad
                  + "\","
                  + TS
                  + "}";
          case 3 ->
              "{\"task_id\":\""
                  + id()
                  + "\",\"name\":\""
                  + bad
                  + "\",\"state\":\"PENDING\","
                  + TS
                  + "}";
          case 4 ->
              "{\"task_id\":\""
                  + id()
                  + "\",\"state\":\"STARTED\",\"hostname\":\""
                  + bad
                  + "\","
                  + TS
                  + "}";
          default -> "{\"event_type\":\"worker_ready\",\"hostname\":\"" + bad + "\"," + TS + "}";
        };
    return text(DecodeError.Kind.BAD_ID, json);
  }

  private Payload notJsonText() {
    String[] texts = {
      "hello",
      "{task_id: x}",
      "{'task_id': 'x'}",
      "{\"task_id\":\"x\",}",
      "{\"a\" 1}",
      "}{",
      "{\"task_id\":\"x\"}{\"task_id\":\"y\"}",
      "NaN-ish " + word(8),
      "<xml/>",
      "{\"task_id\":\"x\"} trailing"
    };
    return text(DecodeError.Kind.NOT_JSON, texts[random.nextInt(texts.length)]);
  }

  /** Random bytes whose first byte is a UTF-8 continuation byte: never JSON, never valid UTF-8. */
  private Payload binaryGarbage() {
    byte[] bytes = new byte[16 + random.nextInt(2048)];
    random.nextBytes(bytes);
    bytes[0] = (byte) (0x80 | random.nextInt(0x40));
    bytes[1] = (byte) (0x80 | random.nextInt(0x40));
    return new Payload(DecodeError.Kind.NOT_JSON, bytes);
  }

  private Payload truncatedJson() {
    String full =
        "{\"task_id\":\""
            + id()
            + "\",\"name\":\"t\",\"state\":\"SUCCESS\","
            + TS
            + ",\"args\":[1,2,{\"k\":\"v\"}],\"kwargs\":{}}";
    return text(
        DecodeError.Kind.NOT_JSON, full.substring(0, 1 + random.nextInt(full.length() - 2)));
  }

  private Payload nonObject() {
    return text(
        DecodeError.Kind.NOT_AN_OBJECT,
        pick(
            "[]",
            "[{\"task_id\":\"x\"}]",
            "42",
            "-1.5e300",
            "\"task\"",
            "true",
            "null",
            "[" + "1,".repeat(50) + "1]"));
  }

  private Payload wrongTaskIdType() {
    return text(
        DecodeError.Kind.WRONG_TYPE,
        "{\"task_id\":"
            + pick("12345", "{\"id\":\"x\"}", "[\"x\"]", "true", "1e400")
            + ",\"state\":\"SUCCESS\","
            + TS
            + "}");
  }

  private Payload wrongFieldType() {
    String field =
        pick(
            "\"retries\":\"3\"",
            "\"retries\":-1",
            "\"retries\":1.5",
            "\"parent_id\":7",
            "\"name\":[\"n\"]",
            "\"root_id\":{}",
            "\"group_id\":false",
            "\"exception\":{\"e\":1}",
            "\"timestamp\":[2026]");
    String timestamp = field.startsWith("\"timestamp\"") ? "" : TS + ",";
    return text(
        DecodeError.Kind.WRONG_TYPE,
        "{\"task_id\":\"" + id() + "\",\"state\":\"STARTED\"," + timestamp + field + "}");
  }

  /** A task event whose args nest {@code depth} arrays or objects deep. */
  private Payload deepNesting(int depth, boolean arrays) {
    StringBuilder json = new StringBuilder(depth * 8 + 200);
    json.append("{\"task_id\":\"")
        .append(id())
        .append("\",\"state\":\"STARTED\",")
        .append(TS)
        .append(",\"args\":");
    for (int i = 0; i < depth; i++) json.append(arrays ? "[" : "{\"a\":");
    json.append("1");
    for (int i = 0; i < depth; i++) json.append(arrays ? "]" : "}");
    json.append('}');
    return text(DecodeError.Kind.TOO_DEEP, json.toString());
  }

  /** A task event carrying a 2 MiB string: within the payload limit, beyond the string limit. */
  private Payload hugeString() {
    char[] filler = new char[2 << 20];
    java.util.Arrays.fill(filler, (char) ('a' + random.nextInt(26)));
    return text(
        DecodeError.Kind.TOO_LARGE,
        "{\"task_id\":\""
            + id()
            + "\",\"state\":\"SUCCESS\","
            + TS
            + ",\"result\":\""
            + new String(filler)
            + "\"}");
  }

  /** 6 MiB of an otherwise harmless event: refused before parsing. */
  private Payload oversizedPayload() {
    return text(DecodeError.Kind.TOO_LARGE, paddedEvent(id(), 6 << 20));
  }

  /**
   * {@code count} valid task events of about {@code bytes} each (args of many short strings), each
   * a task of its own: large but accepted when {@code bytes} is under the payload cap, such as 3 MB
   * under 4 MiB. They must all apply; a consumer or transport that holds whole batches of them in
   * memory runs out of it.
   */
  public List<byte[]> largeAccepted(int count, int bytes) {
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++)
      out.add(
          paddedEvent("large-" + i + "-" + Long.toHexString(random.nextLong()), bytes)
              .getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private String paddedEvent(String taskId, int bytes) {
    StringBuilder json = new StringBuilder(bytes + 200);
    json.append("{\"task_id\":\"")
        .append(taskId)
        .append("\",\"state\":\"SUCCESS\",")
        .append(TS)
        .append(",\"args\":[");
    while (json.length() < bytes) json.append("\"").append(word(60)).append("\",");
    json.append("0]}");
    return json.toString();
  }

  /** Valid task events with fresh ids: a flood that only {@code maxNodes} keeps in check. */
  public List<byte[]> uniqueIdFlood(int count) {
    List<byte[]> out = new ArrayList<>(count);
    String[] states = {"PENDING", "STARTED", "SUCCESS", "FAILURE", "RETRY", "REVOKED"};
    for (int i = 0; i < count; i++) {
      String parent =
          i % 3 == 0 ? "" : ",\"parent_id\":\"flood-" + Long.toHexString(random.nextLong()) + "\"";
      out.add(
          ("{\"task_id\":\"flood-"
                  + i
                  + "-"
                  + Long.toHexString(random.nextLong())
                  + "\",\"name\":\"flood.task"
                  + (i % 50)
                  + "\",\"state\":\""
                  + states[random.nextInt(states.length)]
                  + "\","
                  + "\"timestamp\":\"2026-11-26T0"
                  + (i % 10)
                  + ":00:00.000000Z\""
                  + parent
                  + ",\"args\":["
                  + i
                  + "]}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private Payload text(DecodeError.Kind kind, String json) {
    return new Payload(kind, json.getBytes(StandardCharsets.UTF_8));
  }

  private String id() {
    return "hostile-" + Long.toHexString(random.nextLong());
  }

  private String word(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) out.append((char) ('a' + random.nextInt(26)));
    return out.toString();
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else if (c == '"' || c == '\\') out.append('\\').append(c);
      else out.append(c);
    }
    return out.toString();
  }
}
