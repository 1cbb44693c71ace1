package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.codec.DecodeError;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.HostilePayloads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each generated hostile payload is rejected by the standard codec as the kind it was generated
 * for.
 */
class HostilePayloadsTest {

  @Test
  void decode_everyHostilePayload_isRejectedAsItsKind() {
    EventCodec codec = EventCodec.standard();
    List<HostilePayloads.Payload> payloads = new HostilePayloads(42).generate(3_000, 2);
    for (HostilePayloads.Payload payload : payloads) {
      DecodeResult result = codec.decode(payload.bytes());
      String shown =
          new String(
              payload.bytes(), 0, Math.min(200, payload.bytes().length), StandardCharsets.UTF_8);
      assertThat(result).as(shown).isInstanceOf(DecodeResult.Rejected.class);
      assertThat(((DecodeResult.Rejected) result).error().kind())
          .as(shown)
          .isEqualTo(payload.kind());
      assertThat(((DecodeResult.Rejected) result).error().detail().length())
          .as("detail stays short")
          .isLessThan(400);
    }
    assertThat(HostilePayloads.expectedCounts(payloads)).hasSize(DecodeError.Kind.values().length);
  }

  @Test
  void uniqueIdFlood_isValidEvents() {
    EventCodec codec = EventCodec.standard();
    for (byte[] payload : new HostilePayloads(1).uniqueIdFlood(1_000)) {
      assertThat(codec.decode(payload)).isInstanceOf(DecodeResult.Decoded.class);
    }
  }
}
