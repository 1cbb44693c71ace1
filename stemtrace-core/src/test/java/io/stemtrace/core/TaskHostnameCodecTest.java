package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.DecodeError;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The optional worker host name on task events: written when known, read when present. */
class TaskHostnameCodecTest {

  private final EventCodec codec = EventCodec.standard();
  private final Instant at = Instant.parse("2026-12-04T04:00:00.123456Z");

  @Test
  void encodeThenDecode_withHostname_keepsIt() {
    TaskEvent event =
        TaskEvent.builder("t1", TaskState.STARTED)
            .name("app.add")
            .timestamp(at)
            .hostname("jvm-1@host-a")
            .build();
    byte[] wire = codec.encode(event);
    assertThat(new String(wire, StandardCharsets.UTF_8))
        .endsWith(",\"traceback\":null,\"hostname\":\"jvm-1@host-a\"}");
    assertThat(decodeTask(wire)).isEqualTo(event);
  }

  @Test
  void encodeThenDecode_withoutHostname_writesNoField_andDecodesNull() {
    TaskEvent event = TaskEvent.builder("t1", TaskState.SUCCESS).timestamp(at).build();
    byte[] wire = codec.encode(event);
    assertThat(new String(wire, StandardCharsets.UTF_8)).doesNotContain("hostname");
    TaskEvent decoded = decodeTask(wire);
    assertThat(decoded.hostname()).isNull();
    assertThat(decoded).isEqualTo(event);
  }

  @Test
  void decode_pythonCapture_taskEventsHaveNoHostname_andReencodeByteForByte() {
    int tasks = 0;
    for (String line : Captures.lines(Captures.PYTHON_CANVAS)) {
      DecodeResult result = codec.decode(line);
      assertThat(result).as(line).isInstanceOf(DecodeResult.Decoded.class);
      if (((DecodeResult.Decoded) result).event() instanceof TaskEvent task) {
        tasks++;
        assertThat(task.hostname()).isNull();
        assertThat(new String(codec.encode(task), StandardCharsets.UTF_8)).isEqualTo(line);
      }
    }
    assertThat(tasks).isEqualTo(57);
  }

  @Test
  void decode_hostnameOfWrongTypeOrTooLong_rejectsTheEvent() {
    String wrongType =
        "{\"task_id\":\"t\",\"state\":\"STARTED\",\"timestamp\":\"2026-12-04T04:00:00Z\","
            + "\"hostname\":42}";
    assertThat(((DecodeResult.Rejected) codec.decode(wrongType)).error().kind())
        .isEqualTo(DecodeError.Kind.WRONG_TYPE);
    String tooLong =
        "{\"task_id\":\"t\",\"state\":\"STARTED\",\"timestamp\":\"2026-12-04T04:00:00Z\","
            + "\"hostname\":\""
            + "h".repeat(EventCodec.MAX_IDENTIFIER_LENGTH + 1)
            + "\"}";
    assertThat(((DecodeResult.Rejected) codec.decode(tooLong)).error().kind())
        .isEqualTo(DecodeError.Kind.BAD_ID);
  }

  private TaskEvent decodeTask(byte[] wire) {
    DecodeResult result = codec.decode(wire);
    assertThat(result).isInstanceOf(DecodeResult.Decoded.class);
    return (TaskEvent) ((DecodeResult.Decoded) result).event();
  }
}
