package io.stemtrace.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format: one UTF-8 JSON object per event, compatible with Python stemtrace 0.3.x.
 *
 * <p>Decoding never throws: every payload yields a {@link DecodeResult}. Unknown fields are
 * ignored; a field of the wrong type, an unknown state, excessive nesting or size reject the event.
 * JSON values ({@code args}, {@code kwargs}, {@code result}) decode to unmodifiable {@link
 * Map}/{@link List} trees. Encoding writes every field, nulls included, and timestamps in UTC with
 * microseconds and {@code Z}. Instances are immutable and thread-safe.
 */
public final class EventCodec {

  /**
   * The earliest event time the codec accepts; earlier ones are rejected as {@code BAD_TIMESTAMP}.
   * With {@link #LATEST_TIMESTAMP} it bounds every time the store keeps, so that any two are less
   * than 292 years apart: every duration fits a {@link java.time.Duration} in nanoseconds and every
   * time fits epoch nanoseconds in a long, so no page can fail on a time. A sentinel such as {@code
   * 0001-01-01} is refused (counted) rather than clamped: a clamped time would be a made-up fact
   * shown as real.
   */
  public static final Instant EARLIEST_TIMESTAMP = Instant.EPOCH;

  /** The first event time the codec no longer accepts: 2262-01-01T00:00:00Z. */
  public static final Instant LATEST_TIMESTAMP = Instant.parse("2262-01-01T00:00:00Z");

  /** Default largest accepted payload: 4 MiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 << 20;

  /**
   * The longest id, task name or hostname accepted (in UTF-16 characters). Celery's ids are 36
   * characters and its task names rarely pass 200; 512 characters percent-encode to at most 4.5
   * KiB, so every accepted id can be named in a URL. Longer ones are rejected as {@link
   * DecodeError.Kind#BAD_ID}.
   */
  public static final int MAX_IDENTIFIER_LENGTH = 512;

  /** Default deepest accepted nesting of JSON containers. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  /** Default longest accepted string: 1 MiB of characters. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 1 << 20;

  private static final EventCodec DEFAULT =
      new EventCodec(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_LENGTH);

  private static final DateTimeFormatter MICROS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final JsonFactory factory;
  private final int maxPayloadBytes;
  private final int maxDepth;

  private EventCodec(int maxPayloadBytes, int maxDepth, int maxStringLength) {
    if (maxPayloadBytes < 1)
      throw new IllegalArgumentException("maxPayloadBytes < 1: " + maxPayloadBytes);
    if (maxDepth < 2) throw new IllegalArgumentException("maxDepth < 2: " + maxDepth);
    if (maxStringLength < 1)
      throw new IllegalArgumentException("maxStringLength < 1: " + maxStringLength);
    this.maxPayloadBytes = maxPayloadBytes;
    this.maxDepth = maxDepth;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxDepth)
                    .maxStringLength(maxStringLength)
                    .maxNumberLength(1000)
                    .build())
            .build();
  }

  /** The codec with default limits. */
  public static EventCodec standard() {
    return DEFAULT;
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes one payload. Never throws. */
  public DecodeResult decode(byte[] payload) {
    if (payload == null) return rejected(DecodeError.Kind.NOT_JSON, "payload is null");
    if (payload.length > maxPayloadBytes) {
      return rejected(
          DecodeError.Kind.TOO_LARGE,
          "payload of " + payload.length + " bytes exceeds " + maxPayloadBytes);
    }
    try (JsonParser parser = factory.createParser(payload)) {
      JsonToken first = parser.nextToken();
      if (first == null) return rejected(DecodeError.Kind.NOT_JSON, "empty payload");
      if (first != JsonToken.START_OBJECT) {
        return rejected(DecodeError.Kind.NOT_AN_OBJECT, "top-level JSON is " + describe(first));
      }
      TopLevel fields = readTopLevel(parser);
      if (parser.nextToken() != null) {
        return rejected(DecodeError.Kind.NOT_JSON, "trailing content after the JSON object");
      }
      return toEvent(fields);
    } catch (StreamConstraintsException e) {
      String message = String.valueOf(e.getOriginalMessage());
      DecodeError.Kind kind =
          message.contains("depth") ? DecodeError.Kind.TOO_DEEP : DecodeError.Kind.TOO_LARGE;
      return rejected(kind, firstLine(message));
    } catch (TooDeepException e) {
      return rejected(DecodeError.Kind.TOO_DEEP, "nesting deeper than " + maxDepth);
    } catch (IOException | RuntimeException e) {
      // Jackson reports malformed input and bad UTF-8 as IOExceptions; anything else is a bug in
      // the input too
      return rejected(DecodeError.Kind.NOT_JSON, firstLine(String.valueOf(e.getMessage())));
    }
  }

  /** Decodes one payload given as a string. Never throws. */
  public DecodeResult decode(String payload) {
    return decode(payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
  }

  private static DecodeResult toEvent(TopLevel fields) {
    try {
      if (fields.get("event_type") != null) return new DecodeResult.Decoded(toWorkerEvent(fields));
      if (fields.has(TopLevel.TASK_ID)) return new DecodeResult.Decoded(toTaskEvent(fields));
      return rejected(DecodeError.Kind.UNKNOWN_EVENT, "neither event_type nor task_id");
    } catch (FieldException e) {
      return new DecodeResult.Rejected(e.error);
    } catch (IllegalArgumentException | NullPointerException e) {
      return rejected(DecodeError.Kind.WRONG_TYPE, String.valueOf(e.getMessage()));
    }
  }

  private static TaskEvent toTaskEvent(TopLevel f) {
    String taskId = identifier(requiredString(f, TopLevel.TASK_ID), TopLevel.TASK_ID);
    if (taskId.isEmpty())
      throw new FieldException(DecodeError.Kind.MISSING_FIELD, "task_id is empty");
    String stateName = requiredString(f, TopLevel.STATE);
    TaskState state = TopLevel.stateNamed(stateName);
    if (state == null)
      throw new FieldException(
          DecodeError.Kind.UNKNOWN_STATE, "unknown state " + abbreviate(stateName));
    return new TaskEvent(
        taskId,
        identifier(optionalString(f, TopLevel.NAME), TopLevel.NAME),
        state,
        requiredTimestamp(f, "timestamp"),
        identifier(optionalString(f, TopLevel.PARENT_ID), TopLevel.PARENT_ID),
        identifier(optionalString(f, TopLevel.ROOT_ID), TopLevel.ROOT_ID),
        identifier(optionalString(f, TopLevel.GROUP_ID), TopLevel.GROUP_ID),
        identifier(optionalString(f, TopLevel.CHORD_ID), TopLevel.CHORD_ID),
        identifier(optionalString(f, TopLevel.CHORD_CALLBACK_ID), TopLevel.CHORD_CALLBACK_ID),
        identifier(optionalString(f, TopLevel.TRACE_ID), TopLevel.TRACE_ID),
        optionalRetries(f),
        f.value(TopLevel.ARGS),
        f.value(TopLevel.KWARGS),
        f.value(TopLevel.RESULT),
        optionalString(f, TopLevel.EXCEPTION),
        optionalString(f, TopLevel.TRACEBACK),
        identifier(optionalString(f, TopLevel.HOSTNAME), TopLevel.HOSTNAME));
  }

  /**
   * The value itself when it can name a page: at most {@link #MAX_IDENTIFIER_LENGTH} characters (so
   * any id fits in a URL, percent-encoded, far below common 8 KiB request-line limits) and
   * well-formed UTF-16 (a lone surrogate has no UTF-8 form, so no URL can carry it).
   */
  private static String identifier(String value, int slot) {
    return identifier(value, TopLevel.NAMES[slot]);
  }

  private static String identifier(String value, String field) {
    if (value == null) return null;
    if (value.length() > MAX_IDENTIFIER_LENGTH) {
      throw new FieldException(
          DecodeError.Kind.BAD_ID,
          field
              + " is longer than "
              + MAX_IDENTIFIER_LENGTH
              + " characters ("
              + value.length()
              + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new FieldException(
          DecodeError.Kind.BAD_ID, field + " holds a lone UTF-16 surrogate at " + i);
    }
    return value;
  }

  private static String requiredString(TopLevel f, int slot) {
    String value = optionalString(f, slot);
    if (value == null)
      throw new FieldException(
          DecodeError.Kind.MISSING_FIELD, TopLevel.NAMES[slot] + " is missing");
    return value;
  }

  private static String optionalString(TopLevel f, int slot) {
    Object value = f.value(slot);
    if (value == null || value instanceof String) return (String) value;
    throw new FieldException(
        DecodeError.Kind.WRONG_TYPE, TopLevel.NAMES[slot] + " is not a string");
  }

  private static WorkerEvent toWorkerEvent(Fields f) {
    Object rawType = f.get("event_type");
    if (!(rawType instanceof String typeName)) {
      throw new FieldException(DecodeError.Kind.WRONG_TYPE, "event_type is not a string");
    }
    WorkerEvent.Type type = WorkerEvent.Type.fromWireName(typeName);
    if (type == null) {
      throw new FieldException(
          DecodeError.Kind.UNKNOWN_EVENT, "unknown event_type " + abbreviate(typeName));
    }
    Object pid = f.get("pid");
    if (pid != null && !(pid instanceof Integer || pid instanceof Long)) {
      throw new FieldException(DecodeError.Kind.WRONG_TYPE, "pid is not an integer");
    }
    List<String> registered = new ArrayList<>();
    Object rawRegistered = f.get("registered_tasks");
    if (rawRegistered != null) {
      if (!(rawRegistered instanceof List<?> list)) {
        throw new FieldException(DecodeError.Kind.WRONG_TYPE, "registered_tasks is not a list");
      }
      for (Object name : list) {
        if (!(name instanceof String s)) {
          throw new FieldException(
              DecodeError.Kind.WRONG_TYPE, "registered_tasks holds a non-string");
        }
        registered.add(identifier(s, "registered_tasks"));
      }
    }
    Map<String, RegisteredTaskDefinition> definitions = new LinkedHashMap<>();
    Object rawDefinitions = f.get("task_definitions");
    if (rawDefinitions != null) {
      if (!(rawDefinitions instanceof Map<?, ?> map)) {
        throw new FieldException(DecodeError.Kind.WRONG_TYPE, "task_definitions is not an object");
      }
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getValue() instanceof Map<?, ?> definition)) {
          throw new FieldException(
              DecodeError.Kind.WRONG_TYPE, "task_definitions entry is not an object");
        }
        Fields d = name -> definition.get(name);
        String name = optionalString(d, "name");
        Object bound = d.get("bound");
        if (bound != null && !(bound instanceof Boolean)) {
          throw new FieldException(DecodeError.Kind.WRONG_TYPE, "bound is not a boolean");
        }
        String key = identifier((String) entry.getKey(), "task_definitions");
        definitions.put(
            key,
            new RegisteredTaskDefinition(
                name != null ? identifier(name, "task_definitions name") : key,
                optionalString(d, "module"),
                optionalString(d, "signature"),
                optionalString(d, "docstring"),
                Boolean.TRUE.equals(bound)));
      }
    }
    return new WorkerEvent(
        type,
        identifier(requiredString(f, "hostname"), "hostname"),
        pid == null ? 0L : ((Number) pid).longValue(),
        requiredTimestamp(f, "timestamp"),
        registered,
        definitions,
        optionalTimestamp(f, "shutdown_time"));
  }

  private static String requiredString(Fields f, String field) {
    String value = optionalString(f, field);
    if (value == null)
      throw new FieldException(DecodeError.Kind.MISSING_FIELD, field + " is missing");
    return value;
  }

  private static String optionalString(Fields f, String field) {
    Object value = f.get(field);
    if (value == null || value instanceof String) return (String) value;
    throw new FieldException(DecodeError.Kind.WRONG_TYPE, field + " is not a string");
  }

  private static int optionalRetries(Fields f) {
    Object value = f.get("retries");
    if (value == null) return 0;
    if (value instanceof Integer i && i >= 0) return i;
    throw new FieldException(DecodeError.Kind.WRONG_TYPE, "retries is not a non-negative integer");
  }

  private static Instant requiredTimestamp(Fields f, String field) {
    Instant value = optionalTimestamp(f, field);
    if (value == null)
      throw new FieldException(DecodeError.Kind.MISSING_FIELD, field + " is missing");
    return value;
  }

  private static Instant optionalTimestamp(Fields f, String field) {
    Object value = f.get(field);
    if (value == null) return null;
    Instant parsed;
    if (value instanceof Number number) {
      // seconds since the epoch, as some producers send
      double seconds = number.doubleValue();
      if (!Double.isFinite(seconds))
        throw new FieldException(DecodeError.Kind.BAD_TIMESTAMP, field + " is not finite");
      if (seconds < EARLIEST_TIMESTAMP.getEpochSecond()
          || seconds >= LATEST_TIMESTAMP.getEpochSecond()) {
        throw outOfRange(field, number.toString());
      }
      long whole = (long) Math.floor(seconds);
      parsed = Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1_000_000) * 1_000L);
    } else if (value instanceof String text) {
      parsed = parseTimestamp(text);
      if (parsed == null) {
        throw new FieldException(
            DecodeError.Kind.BAD_TIMESTAMP, field + " is not ISO-8601: " + abbreviate(text));
      }
    } else {
      throw new FieldException(DecodeError.Kind.WRONG_TYPE, field + " is not a string");
    }
    if (parsed.isBefore(EARLIEST_TIMESTAMP) || !parsed.isBefore(LATEST_TIMESTAMP)) {
      throw outOfRange(field, parsed.toString());
    }
    return parsed;
  }

  private static FieldException outOfRange(String field, String value) {
    return new FieldException(
        DecodeError.Kind.BAD_TIMESTAMP,
        field
            + " "
            + abbreviate(value)
            + " is outside "
            + EARLIEST_TIMESTAMP
            + " (inclusive) to "
            + LATEST_TIMESTAMP
            + " (exclusive)");
  }

  /**
   * Parses ISO-8601 with {@code Z}, with an offset, or naive (taken as UTC); null when it is none
   * of them.
   */
  static Instant parseTimestamp(String text) {
    Instant fast = parseUtcFast(text);
    if (fast != null) return fast;
    String trimmed = text.trim();
    if (trimmed.length() > 64) return null;
    // Python's isoformat() may use a space between date and time
    if (trimmed.length() > 10 && trimmed.charAt(10) == ' ') {
      trimmed = trimmed.substring(0, 10) + 'T' + trimmed.substring(11);
    }
    try {
      return OffsetDateTime.parse(trimmed, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(trimmed, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        return null;
      }
    }
  }

  /**
   * The common wire shape, {@code 2026-11-26T03:35:48.652721Z} (0 to 9 fraction digits, {@code Z}
   * or {@code +00:00}), parsed without a formatter: several times cheaper, and timestamps are on
   * every event. Returns null for anything else, which the general parser then handles.
   */
  private static Instant parseUtcFast(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int end;
    if (s.charAt(n - 1) == 'Z') {
      end = n - 1;
    } else if (s.endsWith("+00:00")) {
      end = n - 6;
    } else {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (end > 19) {
      if (s.charAt(19) != '.' || end - 20 < 1 || end - 20 > 9) return null;
      int fraction = digits(s, 20, end);
      if (fraction < 0) return null;
      nanos = fraction;
      for (int i = end - 20; i < 9; i++) nanos *= 10;
    } else if (end != 19) {
      return null;
    }
    if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) return null;
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code s[from, to)}, or -1 when any of it is not a digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * Reads the top-level object (its START_OBJECT was just consumed) into slots, skipping unknown
   * fields.
   */
  private TopLevel readTopLevel(JsonParser parser) throws IOException {
    TopLevel fields = new TopLevel();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      int slot = TopLevel.slotOf(parser.currentName());
      JsonToken value = parser.nextToken();
      if (slot < 0) {
        // forward compatibility: unknown fields are ignored without building their values
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)
          parser.skipChildren();
      } else {
        fields.set(slot, readValue(parser, 1));
      }
    }
    if (token != JsonToken.END_OBJECT) throw new IOException("unterminated object");
    return fields;
  }

  /** Reads the fields of an object whose START_OBJECT was just consumed. */
  private Map<String, Object> readObjectFields(JsonParser parser, int depth) throws IOException {
    JsonTrees.ObjectBuilder fields = new JsonTrees.ObjectBuilder();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      fields.put(name, readValue(parser, depth));
    }
    if (token != JsonToken.END_OBJECT) throw new IOException("unterminated object");
    return fields.build();
  }

  /** Reads the items of an array whose START_ARRAY was just consumed. */
  private List<Object> readArrayItems(JsonParser parser, int depth) throws IOException {
    Object[] items = new Object[4];
    int size = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token == null) throw new IOException("unterminated array");
      if (size == items.length) items = java.util.Arrays.copyOf(items, size * 2);
      items[size++] = readValue(parser, depth);
    }
    return JsonTrees.array(items, size);
  }

  private Object readValue(JsonParser parser, int depth) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) throw new IOException("unexpected end of input");
    switch (token) {
      case START_OBJECT:
        if (depth + 1 > maxDepth) throw new TooDeepException();
        return readObjectFields(parser, depth + 1);
      case START_ARRAY:
        if (depth + 1 > maxDepth) throw new TooDeepException();
        return readArrayItems(parser, depth + 1);
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> parser.getIntValue();
          case LONG -> parser.getLongValue();
          default -> parser.getBigIntegerValue();
        };
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected token " + token);
    }
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes an event as UTF-8 JSON. Values in {@code args}, {@code kwargs} and {@code result} that
   * are not JSON trees (maps with string keys, collections, arrays of them, strings, numbers,
   * booleans) are written as their {@code toString()} so an event is never lost for its payload;
   * the producer converts values before they get here, this is the last line of defence.
   */
  public byte[] encode(StemtraceEvent event) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
      write(generator, event);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + event.getClass().getSimpleName(), e);
    }
    return out.toByteArray();
  }

  /**
   * Writes an event as one JSON object to an open generator (used for streams of events, such as
   * export).
   */
  public void write(JsonGenerator generator, StemtraceEvent event) throws IOException {
    if (event instanceof TaskEvent task) {
      writeTask(generator, task);
    } else if (event instanceof WorkerEvent worker) {
      writeWorker(generator, worker);
    } else {
      throw new IllegalArgumentException("unknown event type " + event);
    }
  }

  private void writeTask(JsonGenerator g, TaskEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("task_id", e.taskId());
    writeNullableString(g, "name", e.name());
    g.writeStringField("state", e.state().name());
    g.writeStringField("timestamp", formatTimestamp(e.timestamp()));
    writeNullableString(g, "parent_id", e.parentId());
    writeNullableString(g, "root_id", e.rootId());
    writeNullableString(g, "group_id", e.groupId());
    writeNullableString(g, "chord_id", e.chordId());
    writeNullableString(g, "chord_callback_id", e.chordCallbackId());
    writeNullableString(g, "trace_id", e.traceId());
    g.writeNumberField("retries", e.retries());
    g.writeFieldName("args");
    writeJsonValue(g, e.args(), 1);
    g.writeFieldName("kwargs");
    writeJsonValue(g, e.kwargs(), 1);
    g.writeFieldName("result");
    writeJsonValue(g, e.result(), 1);
    writeNullableString(g, "exception", e.exception());
    writeNullableString(g, "traceback", e.traceback());
    // written only when known: events without it stay byte-identical to Python stemtrace's
    if (e.hostname() != null) g.writeStringField("hostname", e.hostname());
    g.writeEndObject();
  }

  private static void writeWorker(JsonGenerator g, WorkerEvent e) throws IOException {
    g.writeStartObject();
    g.writeStringField("event_type", e.type().wireName());
    g.writeStringField("hostname", e.hostname());
    g.writeNumberField("pid", e.pid());
    g.writeStringField("timestamp", formatTimestamp(e.timestamp()));
    g.writeArrayFieldStart("registered_tasks");
    for (String name : e.registeredTasks()) g.writeString(name);
    g.writeEndArray();
    g.writeObjectFieldStart("task_definitions");
    for (Map.Entry<String, RegisteredTaskDefinition> entry : e.taskDefinitions().entrySet()) {
      RegisteredTaskDefinition d = entry.getValue();
      g.writeObjectFieldStart(entry.getKey());
      g.writeStringField("name", d.name());
      writeNullableString(g, "module", d.module());
      writeNullableString(g, "signature", d.signature());
      writeNullableString(g, "docstring", d.docstring());
      g.writeBooleanField("bound", d.bound());
      g.writeEndObject();
    }
    g.writeEndObject();
    if (e.shutdownTime() == null) {
      g.writeNullField("shutdown_time");
    } else {
      g.writeStringField("shutdown_time", formatTimestamp(e.shutdownTime()));
    }
    g.writeEndObject();
  }

  private static void writeNullableString(JsonGenerator g, String field, String value)
      throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }

  /**
   * Writes a JSON value tree ({@code args}, {@code kwargs}, {@code result}) the way events are
   * encoded: maps, collections and arrays as JSON, numbers, strings and booleans as themselves,
   * anything else, and anything nested deeper than the codec decodes, as its string form.
   */
  public void writeValue(JsonGenerator g, Object value) throws IOException {
    writeJsonValue(g, value, 1);
  }

  private void writeJsonValue(JsonGenerator g, Object value, int depth) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) g.writeString(d.toString());
      else g.writeNumber(d);
    } else if (value instanceof Float f) {
      if (f.isNaN() || f.isInfinite()) g.writeString(f.toString());
      else g.writeNumber(f);
    } else if (value instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (value instanceof BigDecimal bd) {
      g.writeNumber(bd);
    } else if (depth >= maxDepth) {
      // deeper than any decoder would accept: keep the event, flatten the rest
      g.writeString(String.valueOf(value));
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        g.writeFieldName(String.valueOf(entry.getKey()));
        writeJsonValue(g, entry.getValue(), depth + 1);
      }
      g.writeEndObject();
    } else if (value instanceof Collection<?> items) {
      g.writeStartArray();
      for (Object item : items) writeJsonValue(g, item, depth + 1);
      g.writeEndArray();
    } else if (value instanceof Object[] items) {
      g.writeStartArray();
      for (Object item : items) writeJsonValue(g, item, depth + 1);
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(value));
    }
  }

  /**
   * Formats an instant the way the wire wants it ({@code 2026-11-26T03:35:48.652721Z}: UTC,
   * microseconds, {@code Z}), the one formatter of events, exports and API responses. Written by
   * hand: every event the producer sends and some 40 000 timestamps of a 10 000-task graph go
   * through it, and DateTimeFormatter costs about a microsecond each.
   */
  public static String formatTimestamp(Instant instant) {
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(days);
    int year = date.getYear();
    if (year < 0 || year > 9999) return MICROS_UTC.format(instant);
    char[] c = new char[27];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, date.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, date.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, (secondOfDay / 60) % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    c[19] = '.';
    digits(c, 20, instant.getNano() / 1000, 6);
    c[26] = 'Z';
    return new String(c);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static DecodeResult rejected(DecodeError.Kind kind, String detail) {
    return new DecodeResult.Rejected(new DecodeError(kind, detail));
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return abbreviate(newline < 0 ? message : message.substring(0, newline));
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }

  /** Field look-up by wire name, over the top-level slots or over a nested object. */
  @FunctionalInterface
  private interface Fields {
    Object get(String name);
  }

  /** The top-level fields the wire format knows, in fixed slots: no map per event. */
  private static final class TopLevel implements Fields {
    private static final String[] NAMES = {
      "task_id", "name", "state", "timestamp", "parent_id", "root_id", "group_id", "chord_id",
      "chord_callback_id", "trace_id", "retries", "args", "kwargs", "result", "exception",
          "traceback",
      "event_type", "hostname", "pid", "registered_tasks", "task_definitions", "shutdown_time"
    };
    private static final Map<String, Integer> SLOTS = new java.util.HashMap<>();
    static final int TASK_ID = 0;
    static final int NAME = 1;
    static final int STATE = 2;
    static final int PARENT_ID = 4;
    static final int ROOT_ID = 5;
    static final int GROUP_ID = 6;
    static final int CHORD_ID = 7;
    static final int CHORD_CALLBACK_ID = 8;
    static final int TRACE_ID = 9;
    static final int ARGS = 11;
    static final int KWARGS = 12;
    static final int RESULT = 13;
    static final int EXCEPTION = 14;
    static final int TRACEBACK = 15;
    static final int HOSTNAME = 17;
    private static final Map<String, TaskState> STATES = new java.util.HashMap<>();

    static {
      for (int i = 0; i < NAMES.length; i++) SLOTS.put(NAMES[i], i);
      for (TaskState state : TaskState.values()) STATES.put(state.name(), state);
    }

    /**
     * The state of that exact name, or null: unlike {@code valueOf}, no exception for unknown ones.
     */
    static TaskState stateNamed(String name) {
      return STATES.get(name);
    }

    Object value(int slot) {
      return values[slot];
    }

    private final Object[] values = new Object[NAMES.length];
    private int present;

    static int slotOf(String name) {
      Integer slot = SLOTS.get(name);
      return slot == null ? -1 : slot;
    }

    void set(int slot, Object value) {
      values[slot] = value;
      present |= 1 << slot;
    }

    boolean has(int slot) {
      return (present & (1 << slot)) != 0;
    }

    @Override
    public Object get(String name) {
      return values[SLOTS.get(name)];
    }
  }

  /**
   * A field problem, carried out of the field helpers as a typed error. Never escapes the codec.
   */
  private static final class FieldException extends RuntimeException {
    final DecodeError error;

    FieldException(DecodeError.Kind kind, String detail) {
      super(detail, null, false, false);
      this.error = new DecodeError(kind, detail);
    }
  }

  private static final class TooDeepException extends IOException {
    TooDeepException() {
      super("too deep", null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
