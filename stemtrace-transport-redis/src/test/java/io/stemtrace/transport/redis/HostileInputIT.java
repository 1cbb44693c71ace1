package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.DecodeError;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.Transports;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.testing.CaptureExpectations;
import io.stemtrace.core.testing.Captures;
import io.stemtrace.core.testing.HostilePayloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile payloads on a real Redis stream, interleaved with the capture: the consumer keeps reading, counts
 * every rejection by kind, and builds exactly the capture's graph; a flood of unique ids stays within
 * maxNodes and the capture sent after it still builds correctly.
 */
class HostileInputIT {

  private final List<String> prefixes = new ArrayList<>();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  private String freshPrefix() {
    String prefix = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
    prefixes.add(prefix);
    return prefix;
  }

  @AfterEach
  void deleteStreams() {
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      for (String prefix : prefixes) redis.commands().del(prefix + ":events");
    }
  }

  @Test
  void hostilePayloads_interleavedWithCapture_leaveTheCaptureGraphIntact() throws Exception {
    List<HostilePayloads.Payload> hostile = new HostilePayloads(20261126).generate(3_000, 2);
    List<byte[]> capture = Captures.pythonCanvas();
    List<byte[]> stream = interleave(capture, hostile, new Random(11));
    String prefix = freshPrefix();
    InMemoryGraphStore store = InMemoryGraphStore.create(100_000);
    try (Transport transport = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      send(transport, stream, 50);
      ConsumerMetrics metrics = awaitConsumed(consumer, stream.size());
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
    List<byte[]> flood = interleave(generator.uniqueIdFlood(50_000), hostile, new Random(5));
    List<byte[]> capture = Captures.pythonCanvas();
    String prefix = freshPrefix();
    InMemoryGraphStore store = InMemoryGraphStore.create(maxNodes);
    try (Transport transport = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      send(transport, flood, 500);
      awaitConsumed(consumer, flood.size());
      send(transport, capture, 10);
      ConsumerMetrics metrics = awaitConsumed(consumer, flood.size() + capture.size());
      assertThat(metrics.rejectedByKind()).isEqualTo(expected);
      assertThat(store.taskCount()).isLessThanOrEqualTo(maxNodes);

      InMemoryGraphStore baseline = InMemoryGraphStore.create(100_000);
      EventConsumer.builder(baseline).build().accept(capture);
      List<WorkflowSummary> roots = baseline.workflows(WorkflowQuery.all(100, 0)).items();
      assertThat(roots).hasSize(7);
      for (WorkflowSummary root : roots) {
        WorkflowGraph graph = baseline.workflow(root.rootId()).orElseThrow();
        assertThat(store.workflow(root.rootId())).as(root.rootId()).contains(graph);
      }
    }
  }

  static List<byte[]> interleave(List<byte[]> good, List<HostilePayloads.Payload> hostile, Random random) {
    List<byte[]> out = new ArrayList<>(good.size() + hostile.size());
    int g = 0;
    int h = 0;
    while (g < good.size() || h < hostile.size()) {
      boolean takeGood = h >= hostile.size()
          || (g < good.size() && random.nextInt(good.size() + hostile.size()) < good.size());
      out.add(takeGood ? good.get(g++) : hostile.get(h++).bytes());
    }
    return out;
  }

  static void send(Transport transport, List<byte[]> payloads, int size) throws Exception {
    for (int i = 0; i < payloads.size(); i += size) {
      transport.send(new ArrayList<>(payloads.subList(i, Math.min(payloads.size(), i + size))));
    }
  }

  static ConsumerMetrics awaitConsumed(EventConsumer consumer, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      ConsumerMetrics metrics = consumer.metrics();
      if (metrics.eventsApplied() + metrics.eventsRejected() + metrics.applyFailures() >= count) return metrics;
      assertThat(System.nanoTime()).as("consumed %d of %d in time",
          metrics.eventsApplied() + metrics.eventsRejected(), count).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
