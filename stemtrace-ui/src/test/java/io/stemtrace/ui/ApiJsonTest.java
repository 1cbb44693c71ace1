package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

  @Test
  void millisText_isMillisecondsWithMicroseconds() {
    assertThat(ApiJson.millisText(Duration.ofNanos(56_146_999))).isEqualTo("56.146");
    assertThat(ApiJson.millisText(Duration.ZERO)).isEqualTo("0.000");
    assertThat(ApiJson.millisText(Duration.ofMillis(60))).isEqualTo("60.000");
    assertThat(ApiJson.millisText(Duration.ofNanos(7_000))).isEqualTo("0.007");
    assertThat(ApiJson.millisText(Duration.ofMillis(-1_500))).isEqualTo("-1500.000");
    assertThat(ApiJson.millisText(Duration.ofHours(30))).isEqualTo("108000000.000");
    // beyond nanoseconds in a long (292 years): saturates instead of failing the page
    assertThat(ApiJson.millisText(Duration.ofDays(365L * 2025))).isEqualTo("9223372036854775.807");
    assertThat(ApiJson.millisText(Duration.ofDays(-365L * 2025)))
        .isEqualTo("-9223372036854775.807");
  }

  @Test
  void chunkedOutput_keepsEveryByteInOrder() {
    ChunkedOutput out = new ChunkedOutput();
    byte[] expected = new byte[300_000];
    new Random(7).nextBytes(expected);
    out.write(expected, 0, 1000);
    out.write(expected[1000]);
    out.write(expected, 1001, expected.length - 1001);
    assertThat(out.size()).isEqualTo(expected.length);
    assertThat(out.toByteArray()).isEqualTo(expected);
    int total = 0;
    for (var buffer : out.toBuffers()) total += buffer.remaining();
    assertThat(total).isEqualTo(expected.length);
  }
}
