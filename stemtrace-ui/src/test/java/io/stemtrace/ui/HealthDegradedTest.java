package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/health} while the transport is not connected: {@code degraded} with since when and
 * why, answered with 200 or with the status the builder was given.
 */
class HealthDegradedTest {

  /** A transport whose one subscription the test connects and disconnects. */
  private static final class SwitchableTransport implements Transport {
    volatile boolean connected;
    final Instant since = Instant.parse("2026-11-26T12:03:10Z");

    @Override
    public void send(List<byte[]> batch) {}

    @Override
    public Subscription subscribe(EventSink sink) {
      return new Subscription() {
        @Override
        public boolean isConnected() {
          return connected;
        }

        @Override
        public Optional<Instant> disconnectedSince() {
          return connected ? Optional.empty() : Optional.of(since);
        }

        @Override
        public Optional<String> lastError() {
          return connected
              ? Optional.empty()
              : Optional.of("cannot connect to switch://broker:1: Connection refused");
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public String describe() {
      return "switch://broker:1";
    }

    @Override
    public void close() {}
  }

  private static Http.Response health(StemtraceHandler.Builder builder, boolean connected) {
    SwitchableTransport transport = new SwitchableTransport();
    transport.connected = connected;
    StemtraceHandler handler = builder.transport(transport).build();
    Undertow undertow =
        Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      return Http.get("http://127.0.0.1:" + port + "/api/health");
    } finally {
      undertow.stop();
      handler.close();
    }
  }

  @Test
  void disconnected_byDefault_answers200_degradedWithSinceAndError() {
    Http.Response response = health(StemtraceHandler.builder(), false);
    assertThat(response.status()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.get("status").asText()).isEqualTo("degraded");
    assertThat(body.get("consumer_connected").asBoolean()).isFalse();
    assertThat(body.get("transport").asText()).isEqualTo("switch://broker:1");
    assertThat(body.get("disconnected_since").asText()).isEqualTo("2026-11-26T12:03:10.000000Z");
    assertThat(body.get("last_error").asText())
        .isEqualTo("cannot connect to switch://broker:1: Connection refused");
  }

  @Test
  void disconnected_withDegradedStatus503_answers503() {
    Http.Response response = health(StemtraceHandler.builder().healthDegradedStatus(503), false);
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.json().get("status").asText()).isEqualTo("degraded");
  }

  @Test
  void connected_withDegradedStatus503_answers200Ok_withoutSinceOrError() {
    Http.Response response = health(StemtraceHandler.builder().healthDegradedStatus(503), true);
    assertThat(response.status()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.get("disconnected_since").isNull()).isTrue();
    assertThat(body.get("last_error").isNull()).isTrue();
  }

  @Test
  void healthDegradedStatus_neither200Nor5xx_isRefused() {
    assertThatThrownBy(() -> StemtraceHandler.builder().healthDegradedStatus(404))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("healthDegradedStatus must be 200 or 500..599: 404");
  }
}
