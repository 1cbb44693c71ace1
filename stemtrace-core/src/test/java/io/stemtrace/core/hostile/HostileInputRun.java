package io.stemtrace.core.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.HostilePayloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The steps every transport's hostile-input test shares: mix hostile payloads into good ones, push
 * them through a transport, wait for the consumer, and compare the capture's workflows with a clean
 * baseline.
 */
public final class HostileInputRun {

  private HostileInputRun() {}

  /** {@code good} and {@code hostile} mixed at random, each list keeping its own order. */
  public static List<byte[]> interleave(
      List<byte[]> good, List<HostilePayloads.Payload> hostile, Random random) {
    return mix(good, hostile.stream().map(HostilePayloads.Payload::bytes).toList(), random);
  }

  /** {@code first} and {@code second} mixed at random, each list keeping its own order. */
  public static List<byte[]> mix(List<byte[]> first, List<byte[]> second, Random random) {
    List<byte[]> out = new ArrayList<>(first.size() + second.size());
    int f = 0;
    int s = 0;
    while (f < first.size() || s < second.size()) {
      boolean takeFirst =
          s >= second.size()
              || (f < first.size() && random.nextInt(first.size() + second.size()) < first.size());
      out.add(takeFirst ? first.get(f++) : second.get(s++));
    }
    return out;
  }

  /**
   * Sends the capture mixed with {@code large} accepted events through {@code transport} into a
   * fresh store and asserts that every event applied and the capture's workflows came out as
   * without them.
   */
  public static void assertLargeAcceptedEventsApply(Transport transport, List<byte[]> large)
      throws Exception {
    List<byte[]> stream = mix(Captures.pythonCanvas(), large, new Random(17));
    InMemoryGraphStore store = InMemoryGraphStore.create(100_000);
    try (EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      sendInBatches(transport, stream, 4);
      ConsumerMetrics metrics = awaitConsumed(consumer, stream.size());
      assertThat(metrics.eventsRejected()).as("rejected").isZero();
      assertThat(metrics.applyFailures()).as("apply failures").isZero();
      assertThat(metrics.eventsApplied()).as("applied").isEqualTo(stream.size());
      assertCaptureWorkflowsUnchanged(store);
    }
  }

  /** Sends {@code payloads} in batches of {@code size}, as a publisher would. */
  public static void sendInBatches(Transport transport, List<byte[]> payloads, int size)
      throws Exception {
    for (int i = 0; i < payloads.size(); i += size) {
      transport.send(new ArrayList<>(payloads.subList(i, Math.min(payloads.size(), i + size))));
    }
  }

  /**
   * Waits (up to two minutes) until the consumer has applied, rejected or failed {@code count}
   * payloads.
   */
  public static ConsumerMetrics awaitConsumed(EventConsumer consumer, long count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      ConsumerMetrics metrics = consumer.metrics();
      long consumed = metrics.eventsApplied() + metrics.eventsRejected() + metrics.applyFailures();
      if (consumed >= count) return metrics;
      assertThat(System.nanoTime())
          .as("consumed %d of %d in time", consumed, count)
          .isLessThan(deadline);
      Thread.sleep(5); // delivery runs on the subscription's own thread
    }
  }

  /**
   * Asserts that {@code store} holds each of the Python capture's 7 workflows exactly as a store
   * fed only the capture builds them: hostile input around the real events changed nothing.
   */
  public static void assertCaptureWorkflowsUnchanged(GraphStore store) {
    InMemoryGraphStore baseline = InMemoryGraphStore.create(100_000);
    EventConsumer.builder(baseline).build().accept(Captures.pythonCanvas());
    CaptureExpectations.assertPythonCanvasGraph(baseline);
    List<WorkflowSummary> roots = baseline.workflows(WorkflowQuery.all(100, 0)).items();
    assertThat(roots).hasSize(7);
    for (WorkflowSummary root : roots) {
      WorkflowGraph expected = baseline.workflow(root.rootId()).orElseThrow();
      assertThat(store.workflow(root.rootId())).as(root.rootId()).contains(expected);
    }
  }
}
