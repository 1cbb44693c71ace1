package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.codec.DecodeError;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.hostile.HostileInputRun;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.HostilePayloads;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-payload kit over a real RabbitMQ queue: every class is rejected and counted (bodies
 * that are not UTF-8 by the transport before decoding, the rest by the codec), and the capture
 * among them builds exactly its graph; large accepted events all apply.
 */
class HostileInputIT {

  @BeforeEach
  void brokerIsThere() {
    RabbitMqBroker.require();
  }

  @AfterAll
  static void deleteDeclarations() throws Exception {
    RabbitMqBroker.deleteRegistered();
  }

  private static RabbitMqTransport open(String name) {
    RabbitMqTransport transport =
        RabbitMqTransport.create(
            RabbitMqBroker.URL + "?consumer_id=dash&retention=PT120S",
            name + "-" + UUID.randomUUID().toString().substring(0, 8));
    RabbitMqBroker.deleteLater(transport.exchangeName(), transport.queueName());
    return transport;
  }

  @Test
  void hostilePayloads_interleavedWithCapture_rejectedByKind_captureGraphIntact() throws Exception {
    List<HostilePayloads.Payload> hostile = new HostilePayloads(20261203).generate(1_500, 1);
    List<byte[]> capture = Captures.pythonCanvas();
    List<byte[]> stream = HostileInputRun.interleave(capture, hostile, new Random(12));
    InMemoryGraphStore store = InMemoryGraphStore.create(100_000);
    try (RabbitMqTransport transport = open("hostile");
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      HostileInputRun.sendInBatches(transport, stream, 50);
      long beforeDecoding = 0;
      for (HostilePayloads.Payload payload : hostile) {
        if (!MessageCheck.isValidUtf8(payload.bytes())) beforeDecoding++;
      }
      ConsumerMetrics metrics =
          HostileInputRun.awaitConsumed(consumer, stream.size() - beforeDecoding);
      assertThat(transport.rejectedMessages())
          .as("refused before decoding: not UTF-8")
          .isEqualTo(beforeDecoding);
      Map<DecodeError.Kind, Long> expected = new EnumMap<>(HostilePayloads.expectedCounts(hostile));
      expected.merge(DecodeError.Kind.NOT_JSON, -beforeDecoding, Long::sum);
      expected.values().removeIf(count -> count == 0);
      assertThat(metrics.rejectedByKind()).isEqualTo(expected);
      assertThat(metrics.eventsApplied()).isEqualTo(capture.size());
      assertThat(metrics.applyFailures()).isZero();
      CaptureExpectations.assertPythonCanvasGraph(store);
    }
  }

  @Test
  void largeAcceptedEvents_mixedWithCapture_allApply() throws Exception {
    List<byte[]> large = new HostilePayloads(3).largeAccepted(24, 3_000_000);
    try (RabbitMqTransport transport = open("large")) {
      HostileInputRun.assertLargeAcceptedEventsApply(transport, large);
    }
  }
}
