package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Feeds the output the callbacks Lettuce makes for real XREAD replies (recorded against Redis 7.0).
 */
class StreamBatchOutputTest {

  private static void set(StreamBatchOutput output, String value) {
    output.set(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** One stream, entries given as {id, field, value, field, value...}. */
  private static StreamBatchOutput reply(String[]... entries) {
    StreamBatchOutput output = new StreamBatchOutput();
    output.multi(1);
    output.multi(2);
    set(output, "p:events");
    output.multi(entries.length);
    for (String[] entry : entries) {
      output.multi(2);
      set(output, entry[0]);
      output.multi(entry.length - 1);
      for (int i = 1; i < entry.length; i++) set(output, entry[i]);
    }
    return output;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void get_entriesWithData_givesPayloadsInOrderAndTheLastId() {
    StreamBatchOutput.Batch batch =
        reply(
                new String[] {"1-0", "data", "{\"task_id\":\"a\"}"},
                new String[] {"1-1", "data", "{\"task_id\":\"ü\"}", "other", "x"},
                new String[] {"2-0", "other", "y", "data", "{\"task_id\":\"c\"}"})
            .get();
    assertThat(batch.payloads())
        .extracting(StreamBatchOutputTest::text)
        .containsExactly("{\"task_id\":\"a\"}", "{\"task_id\":\"ü\"}", "{\"task_id\":\"c\"}");
    assertThat(batch.lastId()).isEqualTo("2-0");
    assertThat(batch.entries()).isEqualTo(3);
    assertThat(batch.malformed()).isZero();
  }

  @Test
  void get_entriesWithoutData_areCountedNotDelivered_evenAsTheLastEntry() {
    StreamBatchOutput.Batch batch =
        reply(
                new String[] {"5-0", "payload", "{}"},
                new String[] {"5-1", "data", "{\"task_id\":\"b\"}"},
                new String[] {"6-0", "value", "data"})
            .get();
    assertThat(batch.payloads())
        .extracting(StreamBatchOutputTest::text)
        .containsExactly("{\"task_id\":\"b\"}");
    assertThat(batch.malformed()).isEqualTo(2);
    assertThat(batch.firstMalformedId()).isEqualTo("5-0");
    assertThat(batch.lastId()).isEqualTo("6-0");
    assertThat(batch.entries()).isEqualTo(3);
  }

  @Test
  void get_blockTimedOut_isEmpty() {
    StreamBatchOutput output = new StreamBatchOutput();
    output.multi(-1); // nil reply
    StreamBatchOutput.Batch batch = output.get();
    assertThat(batch.isEmpty()).isTrue();
    assertThat(batch.lastId()).isNull();
    assertThat(batch.payloads()).isEmpty();
  }

  @Test
  void get_dataValueIsEmpty_isStillAPayload() {
    StreamBatchOutput.Batch batch = reply(new String[] {"7-0", "data", ""}).get();
    assertThat(batch.payloads()).hasSize(1);
    assertThat(batch.payloads().get(0)).isEmpty();
    assertThat(batch.malformed()).isZero();
  }
}
