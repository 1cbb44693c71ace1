package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.DecodeError;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCodecTest {

  private final EventCodec codec = EventCodec.standard();
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void decode_everyCaptureLine_andEncodeGivesTheSameJsonValueBack() throws Exception {
    List<String> lines = Captures.lines(Captures.PYTHON_CANVAS);
    assertThat(lines).hasSize(59);
    for (String line : lines) {
      DecodeResult result = codec.decode(line);
      assertThat(result).as(line).isInstanceOf(DecodeResult.Decoded.class);
      byte[] encoded = codec.encode(((DecodeResult.Decoded) result).event());
      JsonNode original = mapper.readTree(line);
      JsonNode roundTripped = mapper.readTree(encoded);
      assertThat(roundTripped).as(line).isEqualTo(original);
      // byte for byte too: same field order, nulls written out, Z timestamps with microseconds
      assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(line);
    }
  }

  @Test
  void decode_captureCountsByKind() {
    long workers =
        Captures.pythonCanvas().stream()
            .map(codec::decode)
            .filter(r -> r instanceof DecodeResult.Decoded d && d.event() instanceof WorkerEvent)
            .count();
    long retries =
        Captures.pythonCanvas().stream()
            .map(codec::decode)
            .filter(
                r ->
                    r instanceof DecodeResult.Decoded d
                        && d.event() instanceof TaskEvent t
                        && t.state() == TaskState.RETRY)
            .count();
    assertThat(workers).isEqualTo(2);
    assertThat(retries).isEqualTo(2);
  }

  @Test
  void decode_workerReady_keepsRegisteredTasksAndDefinitions() {
    WorkerEvent ready =
        (WorkerEvent)
            ((DecodeResult.Decoded) codec.decode(Captures.lines(Captures.PYTHON_CANVAS).get(0)))
                .event();
    assertThat(ready.type()).isEqualTo(WorkerEvent.Type.READY);
    assertThat(ready.hostname()).isEqualTo("w1@vm");
    assertThat(ready.pid()).isEqualTo(8334);
    assertThat(ready.registeredTasks())
        .containsExactly("capp.boom", "capp.parent", "capp.add", "capp.flaky", "capp.tsum");
    assertThat(ready.taskDefinitions().get("capp.flaky").signature())
        .isEqualTo("(n, password='hunter2')");
  }

  @Test
  void decode_valuesAreUnmodifiableTrees() {
    String json =
        "{\"task_id\":\"t\",\"name\":\"n\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\","
            + "\"args\":[1,[2,3]],\"kwargs\":{\"a\":{\"b\":true}}}";
    TaskEvent event = (TaskEvent) ((DecodeResult.Decoded) codec.decode(json)).event();
    assertThat(event.args()).isEqualTo(List.of(1, List.of(2, 3)));
    assertThat(event.kwargs()).isEqualTo(Map.of("a", Map.of("b", true)));
    assertThat(event.retries()).isZero();
    assertThat(event.parentId()).isNull();
    @SuppressWarnings("unchecked")
    List<Object> args = (List<Object>) event.args();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> args.add(4))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void decode_objectsKeepKeyOrderNullsAndLastValueOfARepeatedKey() {
    String json =
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\","
            + "\"kwargs\":{\"z\":1,\"a\":null,\"m\":[null,\"x\",[]],\"z\":2,\"e\":{}}}";
    TaskEvent event = (TaskEvent) ((DecodeResult.Decoded) codec.decode(json)).event();
    @SuppressWarnings("unchecked")
    Map<String, Object> kwargs = (Map<String, Object>) event.kwargs();
    assertThat(kwargs.keySet()).containsExactly("z", "a", "m", "e");
    assertThat(kwargs.get("z")).isEqualTo(2);
    assertThat(kwargs).containsKey("a").doesNotContainKey("b");
    assertThat(kwargs.get("a")).isNull();
    assertThat(kwargs.get("m")).isEqualTo(java.util.Arrays.asList(null, "x", List.of()));
    assertThat(kwargs.get("e")).isEqualTo(Map.of());
    java.util.LinkedHashMap<String, Object> same = new java.util.LinkedHashMap<>();
    same.put("z", 2);
    same.put("a", null);
    same.put("m", java.util.Arrays.asList(null, "x", List.of()));
    same.put("e", Map.of());
    assertThat(kwargs).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(kwargs.toString()).isEqualTo(same.toString());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kwargs.put("n", 1))
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> kwargs.entrySet().iterator().next().setValue(3))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void decode_objectsWithManyKeys_keepOrderAndRoundTripByteForByte() {
    StringBuilder kwargs = new StringBuilder("{");
    for (int i = 20; i > 0; i--)
      kwargs.append(i < 20 ? "," : "").append("\"k").append(i).append("\":").append(i);
    kwargs.append(",\"k7\":\"again\"}");
    String json =
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"kwargs\":"
            + kwargs
            + "}";
    TaskEvent event = (TaskEvent) ((DecodeResult.Decoded) codec.decode(json)).event();
    @SuppressWarnings("unchecked")
    Map<String, Object> decoded = (Map<String, Object>) event.kwargs();
    assertThat(decoded).hasSize(20);
    assertThat(decoded.keySet()).first().isEqualTo("k20");
    assertThat(decoded.get("k7")).isEqualTo("again");
    String reencoded = new String(codec.encode(event), StandardCharsets.UTF_8);
    assertThat(reencoded).contains("\"k8\":8,\"k7\":\"again\",\"k6\":6");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2026-11-26T03:35:48.652721Z|2026-11-26T03:35:48.652721Z",
        "2026-11-26T03:35:48Z|2026-11-26T03:35:48Z",
        "2026-11-26T04:35:48.5+01:00|2026-11-26T03:35:48.500Z",
        "2026-11-26T03:35:48.652721|2026-11-26T03:35:48.652721Z",
        "2026-11-26 03:35:48.652721+00:00|2026-11-26T03:35:48.652721Z",
      })
  void decode_acceptsTimestampVariants(String wire, String expected) {
    String json = "{\"task_id\":\"t\",\"state\":\"STARTED\",\"timestamp\":\"" + wire + "\"}";
    TaskEvent event = (TaskEvent) ((DecodeResult.Decoded) codec.decode(json)).event();
    assertThat(event.timestamp()).isEqualTo(Instant.parse(expected));
  }

  @Test
  void encode_writesMicrosecondsAndZ() {
    TaskEvent event =
        TaskEvent.builder("t", TaskState.SUCCESS)
            .timestamp(Instant.parse("2026-01-01T00:00:00Z"))
            .build();
    String json = new String(codec.encode(event), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"timestamp\":\"2026-01-01T00:00:00.000000Z\"")
        .contains("\"parent_id\":null");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all|NOT_JSON",
        "[1,2,3]|NOT_AN_OBJECT",
        "\"text\"|NOT_AN_OBJECT",
        "{\"hello\":1}|UNKNOWN_EVENT",
        "{\"event_type\":\"worker_party\",\"hostname\":\"h\",\"timestamp\":\"2026-01-01T00:00:00Z\"}|UNKNOWN_EVENT",
        "{\"task_id\":\"t\",\"state\":\"DANCING\",\"timestamp\":\"2026-01-01T00:00:00Z\"}|UNKNOWN_STATE",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"yesterday\"}|BAD_TIMESTAMP",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"0001-01-01T00:00:00Z\"}|BAD_TIMESTAMP",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"+999999999-12-31T23:59:59Z\"}|BAD_TIMESTAMP",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":-31557014167219200}|BAD_TIMESTAMP",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":1e300}|BAD_TIMESTAMP",
        "{\"event_type\":\"worker_shutdown\",\"hostname\":\"h\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"shutdown_time\":\"0001-01-01T00:00:00Z\"}|BAD_TIMESTAMP",
        "{\"task_id\":\"t\",\"state\":\"PENDING\"}|MISSING_FIELD",
        "{\"task_id\":7,\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\"}|WRONG_TYPE",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"retries\":\"2\"}|WRONG_TYPE",
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"parent_id\":[]}|WRONG_TYPE",
        "{\"event_type\":\"worker_ready\",\"hostname\":\"h\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"registered_tasks\":\"x\"}|WRONG_TYPE",
        "{\"task_id\":\"t\"|NOT_JSON",
      })
  void decode_invalidInput_isTypedRejection(String payload, DecodeError.Kind kind) {
    DecodeResult result = codec.decode(payload);
    assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
    assertThat(((DecodeResult.Rejected) result).error().kind()).isEqualTo(kind);
  }

  @Test
  void decode_timestampRange_acceptsBothEdges_andNamesTheRangeWhenRefusing() {
    for (String at : new String[] {"1970-01-01T00:00:00Z", "2261-12-31T23:59:59.999999Z"}) {
      DecodeResult result =
          codec.decode("{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"" + at + "\"}");
      assertThat(result).as(at).isInstanceOf(DecodeResult.Decoded.class);
    }
    assertThat(codec.decode("{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":0}"))
        .isInstanceOf(DecodeResult.Decoded.class);
    DecodeResult sentinel =
        codec.decode(
            "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"0001-01-01T00:00:00Z\"}");
    assertThat(((DecodeResult.Rejected) sentinel).error().detail())
        .isEqualTo(
            "timestamp 0001-01-01T00:00:00Z is outside"
                + " 1970-01-01T00:00:00Z (inclusive) to 2262-01-01T00:00:00Z (exclusive)");
  }

  @Test
  void decode_absurdNesting_isTooDeep() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String json =
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"args\":"
            + deep
            + "}";
    DecodeResult result = codec.decode(json);
    assertThat(((DecodeResult.Rejected) result).error().kind())
        .isEqualTo(DecodeError.Kind.TOO_DEEP);
  }

  @Test
  void decode_multiMegabyteString_isTooLarge() {
    String huge = "x".repeat(3 << 20);
    String json =
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"result\":\""
            + huge
            + "\"}";
    DecodeResult result = codec.decode(json);
    assertThat(((DecodeResult.Rejected) result).error().kind())
        .isEqualTo(DecodeError.Kind.TOO_LARGE);
    DecodeResult oversized = codec.decode(new byte[EventCodec.DEFAULT_MAX_PAYLOAD_BYTES + 1]);
    assertThat(((DecodeResult.Rejected) oversized).error().kind())
        .isEqualTo(DecodeError.Kind.TOO_LARGE);
  }

  @Test
  void decode_binaryGarbage_isRejectedNotThrown() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] garbage = new byte[random.nextInt(200)];
      random.nextBytes(garbage);
      assertThat(codec.decode(garbage)).isInstanceOf(DecodeResult.Rejected.class);
    }
  }

  @Test
  void decode_unknownFieldsAreIgnored() {
    String json =
        "{\"task_id\":\"t\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"future_field\":{\"x\":[1]}}";
    assertThat(codec.decode(json)).isInstanceOf(DecodeResult.Decoded.class);
  }

  @Test
  void decode_identifiers_anyUrlCanName_areKept_otherwiseBadId() {
    String longest = "i".repeat(EventCodec.MAX_IDENTIFIER_LENGTH);
    String base = "{\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\",";
    // slashes, backslashes, percent signs and a surrogate pair (an emoji) are fine: the
    // query-parameter routes reach them
    for (String id : List.of(longest, "a/b\\\\c%2F?#", "emoji-\\ud83d\\ude00")) {
      assertThat(codec.decode(base + "\"task_id\":\"" + id + "\"}"))
          .as(id)
          .isInstanceOf(DecodeResult.Decoded.class);
    }
    for (String field :
        List.of(
            "task_id",
            "parent_id",
            "root_id",
            "group_id",
            "chord_id",
            "chord_callback_id",
            "name")) {
      String prefix = field.equals("task_id") ? base : base + "\"task_id\":\"t\",";
      for (String bad :
          List.of(longest + "i", "lone-\\ud800", "\\udc00-low-first", "end-\\ud83d")) {
        DecodeResult result = codec.decode(prefix + "\"" + field + "\":\"" + bad + "\"}");
        assertThat(result).as(field + " " + bad).isInstanceOf(DecodeResult.Rejected.class);
        assertThat(((DecodeResult.Rejected) result).error().kind())
            .isEqualTo(DecodeError.Kind.BAD_ID);
      }
    }
    String worker = "{\"event_type\":\"worker_ready\",\"timestamp\":\"2026-01-01T00:00:00Z\",";
    assertThat(
            ((DecodeResult.Rejected) codec.decode(worker + "\"hostname\":\"h\\ud800\"}"))
                .error()
                .kind())
        .isEqualTo(DecodeError.Kind.BAD_ID);
    assertThat(
            ((DecodeResult.Rejected)
                    codec.decode(
                        worker
                            + "\"hostname\":\"h\",\"registered_tasks\":[\"ok\",\""
                            + longest
                            + "x\"]}"))
                .error()
                .kind())
        .isEqualTo(DecodeError.Kind.BAD_ID);
  }

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatTimestamp_matchesAReferenceFormatter_overRandomInstants() {
    Random random = new Random(42);
    Instant[] fixed = {
      Instant.EPOCH,
      Instant.parse("2026-11-26T03:35:48.652721Z"),
      Instant.parse("1999-12-31T23:59:59.999999999Z"),
      Instant.parse("2024-02-29T00:00:00Z"),
      Instant.parse("9999-12-31T23:59:59.000001Z"),
      Instant.parse("1969-07-20T20:17:40.5Z")
    };
    for (Instant instant : fixed) {
      assertThat(EventCodec.formatTimestamp(instant)).isEqualTo(REFERENCE.format(instant));
    }
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-2_000_000_000L, 8_000_000_000L), random.nextInt(1_000_000_000));
      assertThat(EventCodec.formatTimestamp(instant)).isEqualTo(REFERENCE.format(instant));
    }
  }
}
