package io.stemtrace.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.hostile.HostileInputRun;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.HostilePayloads;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile input through the memory transport into the consumer and the in-memory store: the real
 * capture's graph comes out unchanged, every rejection is counted by kind, and the store's memory
 * stays bounded.
 */
class HostileInputTest {

  static final int HOSTILE = 5_000;
  static final int HUGE = 3;

  @Test
  void hostilePayloads_interleavedWithCapture_leaveTheCaptureGraphIntact() throws Exception {
    List<HostilePayloads.Payload> hostile = new HostilePayloads(20261126).generate(HOSTILE, HUGE);
    List<byte[]> capture = Captures.pythonCanvas();
    List<byte[]> stream = HostileInputRun.interleave(capture, hostile, new Random(7));

    InMemoryGraphStore store = InMemoryGraphStore.create(100_000);
    try (Transport transport =
            Transports.open("memory://hostile-" + UUID.randomUUID(), "stemtrace");
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      HostileInputRun.sendInBatches(transport, stream, 50);
      ConsumerMetrics metrics = HostileInputRun.awaitConsumed(consumer, stream.size());

      assertThat(metrics.eventsApplied())
          .as("every capture line applied")
          .isEqualTo(capture.size());
      assertThat(metrics.eventsRejected()).isEqualTo(hostile.size());
      assertThat(metrics.rejectedByKind()).isEqualTo(HostilePayloads.expectedCounts(hostile));
      assertThat(metrics.applyFailures()).isZero();
      assertThat(consumer.isRunning()).isTrue();
      CaptureExpectations.assertPythonCanvasGraph(store);
    }
  }

  /**
   * 200 000 valid events with unique ids (and hostile payloads among them) into a store of 10 000
   * nodes, then the capture. The flood evicts whatever came before it, so the capture is replayed
   * after the flood: being the newest workflows, its graphs must equal those of a store fed the
   * capture alone.
   */
  @Test
  void uniqueIdFlood_staysWithinMaxNodesAndMemory_andCaptureStillBuildsCorrectly()
      throws Exception {
    int maxNodes = 10_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory); // before generating: the payloads themselves must not count
    HostilePayloads generator = new HostilePayloads(99);
    List<HostilePayloads.Payload> hostile = generator.generate(2_000, 1);
    List<byte[]> flood =
        HostileInputRun.interleave(generator.uniqueIdFlood(200_000), hostile, new Random(3));
    List<byte[]> capture = Captures.pythonCanvas();
    long floodSize = flood.size();
    Map<io.stemtrace.codec.DecodeError.Kind, Long> expectedRejections =
        HostilePayloads.expectedCounts(hostile);
    hostile = null;

    InMemoryGraphStore store = InMemoryGraphStore.create(maxNodes);
    try (Transport transport = Transports.open("memory://flood-" + UUID.randomUUID(), "stemtrace");
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      HostileInputRun.sendInBatches(transport, flood, 500);
      flood = null;
      HostileInputRun.awaitConsumed(consumer, floodSize);
      assertThat(store.taskCount()).isLessThanOrEqualTo(maxNodes);

      HostileInputRun.sendInBatches(transport, capture, 10);
      ConsumerMetrics metrics = HostileInputRun.awaitConsumed(consumer, floodSize + capture.size());
      assertThat(metrics.rejectedByKind()).isEqualTo(expectedRejections);
      assertThat(metrics.eventsApplied()).isEqualTo(200_000 + capture.size());
      assertThat(store.taskCount()).isLessThanOrEqualTo(maxNodes);

      long retained = usedAfterGc(memory) - before;
      // Bound: maxNodes tasks of one small event each. A task record with its id, index entries and
      // one
      // compact event is well under 1 KiB; 4 KiB per node (40 MiB) leaves room for the JVM's own
      // noise
      // while still failing if anything (ids of evicted tasks, waiting-parent entries, rejected
      // payloads)
      // were kept per event: 200 000 events would need far more.
      long bound = maxNodes * 4096L;
      System.out.printf(
          "retained after %d flood events + capture: %.1f MiB (bound %.1f MiB)%n",
          floodSize, retained / 1048576.0, bound / 1048576.0);
      assertThat(retained).as("retained heap in bytes").isLessThan(bound);

      HostileInputRun.assertCaptureWorkflowsUnchanged(store);
      assertThat(consumer.isRunning()).isTrue();
    }
  }

  @Test
  void largeAcceptedEvents_mixedWithCapture_allApply() throws Exception {
    List<byte[]> large = new HostilePayloads(3).largeAccepted(24, 3_000_000);
    try (Transport transport =
        Transports.open("memory://large-" + UUID.randomUUID(), "stemtrace")) {
      HostileInputRun.assertLargeAcceptedEventsApply(transport, large);
    }
  }

  static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
