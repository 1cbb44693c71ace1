package io.stemtrace.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CanvasCaptures;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real capture, sent through the memory transport and consumed into the in-memory store. */
class CaptureReplayTest {

  @Test
  void capture_sentThroughMemoryTransport_buildsTheExpectedGraph() throws Exception {
    assertReplay(Captures.pythonCanvas(), "capture-replay");
  }

  @Test
  void capture_sentInReverse_buildsTheSameGraph() throws Exception {
    List<byte[]> reversed = new ArrayList<>(Captures.pythonCanvas());
    Collections.reverse(reversed);
    assertReplay(reversed, "capture-replay-reversed");
  }

  @Test
  void nestedCeleryCanvases_sentThroughMemoryTransport_areDrawnAsWritten() throws Exception {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    List<byte[]> payloads = CanvasCaptures.allPayloads();
    try (Transport transport = Transports.open("memory://canvas-replay", "stemtrace");
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      transport.send(payloads);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (consumer.metrics().eventsApplied() < payloads.size() && System.nanoTime() < deadline)
        Thread.sleep(5);
      assertThat(consumer.metrics().eventsApplied()).isEqualTo(payloads.size());
      assertThat(consumer.metrics().eventsRejected()).isZero();
      CaptureExpectations.assertEveryTaskExactlyOnce(store);
      CanvasCaptures.assertAllDrawnAsWritten(store);
    }
  }

  private static void assertReplay(List<byte[]> payloads, String channel) throws Exception {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    List<Thread> consumerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Transport transport = Transports.open("memory://" + channel, "stemtrace");
        EventConsumer consumer =
            EventConsumer.builder(store)
                .transport(transport)
                .listener(events -> consumerThreads.add(Thread.currentThread()))
                .build()) {
      consumer.start();
      assertThat(consumer.isRunning()).isTrue();
      for (int i = 0; i < payloads.size(); i += 10) {
        transport.send(payloads.subList(i, Math.min(payloads.size(), i + 10)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (consumer.metrics().eventsApplied() < payloads.size() && System.nanoTime() < deadline) {
        Thread.sleep(5); // delivery runs on the subscription's own thread
      }
      assertThat(consumer.metrics().eventsApplied()).isEqualTo(payloads.size());
      assertThat(consumer.metrics().eventsRejected()).isZero();
      CaptureExpectations.assertPythonCanvasGraph(store);
      assertThat(consumerThreads)
          .isNotEmpty()
          .allSatisfy(
              thread -> {
                assertThat(thread.isDaemon()).as("consumer thread is a daemon").isTrue();
                assertThat(thread.getName())
                    .startsWith("stemtrace-memory-subscriber{memory://" + channel);
              });
    }
  }
}
