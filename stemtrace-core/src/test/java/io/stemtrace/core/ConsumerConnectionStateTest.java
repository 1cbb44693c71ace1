package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the consumer's metrics say about the transport's connection, whatever the transport. */
class ConsumerConnectionStateTest {

  /** A subscription the test connects and disconnects, telling as much as the test says. */
  private static final class SwitchableTransport implements Transport {
    volatile boolean connected = true;
    volatile Instant since;
    volatile String error;
    volatile boolean throwing;

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
          if (throwing) throw new IllegalStateException("broken getter");
          return Optional.ofNullable(since);
        }

        @Override
        public Optional<String> lastError() {
          if (throwing) throw new IllegalStateException("broken getter");
          return Optional.ofNullable(error);
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public String describe() {
      return "switch://test";
    }

    @Override
    public void close() {}
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:03:10Z"));
  private final SwitchableTransport transport = new SwitchableTransport();

  private EventConsumer started() throws Exception {
    EventConsumer consumer =
        EventConsumer.builder(InMemoryGraphStore.builder().build())
            .transport(transport)
            .clock(clock)
            .build();
    consumer.start();
    return consumer;
  }

  @Test
  void metrics_connected_reportNeitherSinceNorError() throws Exception {
    try (EventConsumer consumer = started()) {
      ConsumerMetrics metrics = consumer.metrics();
      assertThat(metrics.connected()).isTrue();
      assertThat(metrics.disconnectedSince()).isEmpty();
      assertThat(metrics.lastError()).isEmpty();
    }
  }

  @Test
  void metrics_disconnected_reportTheTransportsSinceAndError() throws Exception {
    try (EventConsumer consumer = started()) {
      transport.connected = false;
      transport.since = Instant.parse("2026-11-26T12:00:00Z");
      transport.error = "cannot connect to redis://127.0.0.1:1/0: Connection refused";

      ConsumerMetrics metrics = consumer.metrics();
      assertThat(metrics.connected()).isFalse();
      assertThat(metrics.disconnectedSince()).contains(Instant.parse("2026-11-26T12:00:00Z"));
      assertThat(metrics.lastError()).contains(transport.error);
    }
  }

  @Test
  void metrics_transportWithoutSince_reportWhenFirstSeenDisconnected_untilConnectedAgain()
      throws Exception {
    try (EventConsumer consumer = started()) {
      transport.connected = false;
      Instant firstSeen = clock.instant();
      assertThat(consumer.metrics().disconnectedSince()).contains(firstSeen);
      clock.advance(Duration.ofMinutes(1));
      assertThat(consumer.metrics().disconnectedSince()).contains(firstSeen);

      transport.connected = true;
      assertThat(consumer.metrics().disconnectedSince()).isEmpty();
      transport.connected = false;
      assertThat(consumer.metrics().disconnectedSince()).contains(clock.instant());
    }
  }

  @Test
  void metrics_multiLineOrHugeError_reportOneBoundedLine() throws Exception {
    try (EventConsumer consumer = started()) {
      transport.connected = false;
      transport.error = "refused\n\tat io.example.Broker.connect(Broker.java:1)";
      assertThat(consumer.metrics().lastError()).contains("refused");

      transport.error = "x".repeat(10_000);
      assertThat(consumer.metrics().lastError().orElseThrow())
          .hasSize(EventConsumer.MAX_ERROR_CHARS + 1);
    }
  }

  @Test
  void metrics_gettersThrow_stillReportDisconnected() throws Exception {
    try (EventConsumer consumer = started()) {
      transport.connected = false;
      transport.throwing = true;
      ConsumerMetrics metrics = consumer.metrics();
      assertThat(metrics.connected()).isFalse();
      assertThat(metrics.lastError()).isEmpty();
      assertThat(metrics.disconnectedSince()).contains(clock.instant());
    }
  }

  @Test
  void metrics_closed_reportNotRunningWithoutConnectionDetails() throws Exception {
    EventConsumer consumer = started();
    transport.connected = false;
    consumer.close();
    ConsumerMetrics metrics = consumer.metrics();
    assertThat(metrics.running()).isFalse();
    assertThat(metrics.disconnectedSince()).isEmpty();
  }
}
