package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.DecodeError;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.hostile.HostileInputRun;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.HostilePayloads;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile payloads on a real Redis stream, interleaved with the capture: the consumer keeps
 * reading, counts every rejection by kind, and builds exactly the capture's graph; a flood of
 * unique ids stays within maxNodes and the capture sent after it still builds correctly.
 */
class HostileInputIT {

  private final RedisTestSupport.StreamPrefixes streams = new RedisTestSupport.StreamPrefixes();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  private String freshPrefix() {
    return streams.fresh("hostile");
  }

  @AfterEach
  void deleteStreams() {
    streams.deleteAll();
  }

  @Test
  void largeAcceptedEvents_mixedWithCapture_allApply() throws Exception {
    List<byte[]> large = new HostilePayloads(3).largeAccepted(24, 3_000_000);
    try (Transport transport = Transports.open(RedisTestSupport.URL, freshPrefix())) {
      HostileInputRun.assertLargeAcceptedEventsApply(transport, large);
    }
  }

  @Test
  void hostilePayloads_interleavedWithCapture_leaveTheCaptureGraphIntact() throws Exception {
    List<HostilePayloads.Payload> hostile = new HostilePayloads(20261126).generate(3_000, 2);
    List<byte[]> capture = Captures.pythonCanvas();
    List<byte[]> stream = HostileInputRun.interleave(capture, hostile, new Random(11));
    String prefix = freshPrefix();
    InMemoryGraphStore store = InMemoryGraphStore.create(100_000);
    try (Transport transport = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      HostileInputRun.sendInBatches(transport, stream, 50);
      ConsumerMetrics metrics = HostileInputRun.awaitConsumed(consumer, stream.size());
      assertThat(metrics.eventsApplied()).isEqualTo(capture.size());
      assertThat(metrics.rejectedByKind()).isEqualTo(HostilePayloads.expectedCounts(hostile));
      assertThat(metrics.applyFailures()).isZero();
      assertThat(consumer.isRunning()).isTrue();
      CaptureExpectations.assertPythonCanvasGraph(store);
    }
  }

  @Test
  void uniqueIdFlood_staysWithinMaxNodes_andCaptureAfterItBuildsCorrectly() throws Exception {
    int maxNodes = 5_000;
    HostilePayloads generator = new HostilePayloads(5);
    List<HostilePayloads.Payload> hostile = generator.generate(500, 0);
    Map<DecodeError.Kind, Long> expected = HostilePayloads.expectedCounts(hostile);
    List<byte[]> flood =
        HostileInputRun.interleave(generator.uniqueIdFlood(50_000), hostile, new Random(5));
    List<byte[]> capture = Captures.pythonCanvas();
    String prefix = freshPrefix();
    InMemoryGraphStore store = InMemoryGraphStore.create(maxNodes);
    try (Transport transport = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      HostileInputRun.sendInBatches(transport, flood, 500);
      HostileInputRun.awaitConsumed(consumer, flood.size());
      HostileInputRun.sendInBatches(transport, capture, 10);
      ConsumerMetrics metrics =
          HostileInputRun.awaitConsumed(consumer, flood.size() + capture.size());
      assertThat(metrics.rejectedByKind()).isEqualTo(expected);
      assertThat(store.taskCount()).isLessThanOrEqualTo(maxNodes);

      HostileInputRun.assertCaptureWorkflowsUnchanged(store);
    }
  }
}
