package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageCheckTest {

  private static final byte[] JSON = "{\"task_id\":\"ü-✓-😀\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void problem_kombuJsonMessage_isFine() {
    assertThat(MessageCheck.problem("application/json", "utf-8", JSON)).isNull();
    assertThat(MessageCheck.problem(null, null, JSON)).isNull();
    assertThat(MessageCheck.problem("application/json; charset=utf-8", "UTF8", JSON)).isNull();
  }

  @Test
  void problem_structurallyUnusable_isNamed() {
    assertThat(MessageCheck.problem("application/json", "utf-8", new byte[0]))
        .isEqualTo("empty body");
    assertThat(MessageCheck.problem("application/x-python-serialize", "binary", JSON))
        .contains("not JSON");
    assertThat(MessageCheck.problem("application/json", "latin-1", JSON)).contains("not UTF-8");
    assertThat(
            MessageCheck.problem("application/json", "utf-8", new byte[] {'{', (byte) 0xFF, '}'}))
        .isEqualTo("body is not valid UTF-8");
  }

  @Test
  void isValidUtf8_rejectsOverlongsSurrogatesAndTruncation() {
    assertThat(MessageCheck.isValidUtf8(JSON)).isTrue();
    assertThat(MessageCheck.isValidUtf8(new byte[] {(byte) 0xC0, (byte) 0xAF}))
        .isFalse(); // overlong '/'
    assertThat(MessageCheck.isValidUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}))
        .isFalse(); // surrogate
    assertThat(MessageCheck.isValidUtf8(new byte[] {(byte) 0xE2, (byte) 0x9C}))
        .isFalse(); // truncated
    assertThat(
            MessageCheck.isValidUtf8(
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}))
        .isFalse();
    assertThat(
            MessageCheck.isValidUtf8(
                new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}))
        .isTrue();
  }
}
