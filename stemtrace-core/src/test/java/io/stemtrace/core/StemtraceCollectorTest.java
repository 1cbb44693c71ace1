package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.core.anomaly.AnomalyChange;
import io.stemtrace.core.anomaly.AnomalyType;
import io.stemtrace.core.export.WorkflowExport;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The collector runs without any HTTP: transport, store, anomalies, statistics, listeners and
 * import.
 */
class StemtraceCollectorTest {

  /** A transport whose subscription is handed the events the test pushes. */
  private static final class PushTransport implements Transport {
    volatile EventSink sink;
    boolean closed;

    @Override
    public void send(List<byte[]> payloads) {}

    @Override
    public Subscription subscribe(EventSink sink) {
      this.sink = sink;
      return () -> this.sink = null;
    }

    @Override
    public String describe() {
      return "push://test";
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void headlessCollector_consumesTheCaptureIntoItsStore_andTellsListenersAndDetectors() {
    PushTransport transport = new PushTransport();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T04:00:00Z"));
    List<StemtraceEvent> told = new CopyOnWriteArrayList<>();
    List<AnomalyChange> anomalyChanges = new CopyOnWriteArrayList<>();
    try (StemtraceCollector collector =
        StemtraceCollector.builder().transport(transport).clock(clock).build()) {
      collector.addListener(told::addAll);
      collector.addAnomalyListener(anomalyChanges::addAll);
      collector.start().start(); // idempotent
      transport.sink.accept(Captures.pythonCanvasEndingAt(clock.instant()));

      CaptureExpectations.assertPythonCanvasGraph(collector.store());
      assertThat(collector.metrics().eventsApplied()).isEqualTo(59);
      assertThat(told).hasSize(59);
      assertThat(collector.statistics().snapshot(60).tasks()).isNotEmpty();
      assertThat(anomalyChanges)
          .anySatisfy(change -> assertThat(change.type()).isEqualTo(AnomalyType.UNREGISTERED));
      assertThat(collector.transportDescription()).contains("push://test");
      assertThat(collector.hasTransport()).isTrue();
    }
    assertThat(transport.closed).as("a transport the caller gave stays open").isFalse();
  }

  @Test
  void withoutATransport_importsStillReachTheStoreAndTheListeners() throws Exception {
    InMemoryGraphStore source = InMemoryGraphStore.create();
    CaptureExpectations.pythonCanvasEvents().forEach(source::apply);
    String root =
        source.workflows(io.stemtrace.api.WorkflowQuery.all(1, 0)).items().get(0).rootId();
    ByteArrayOutputStream document = new ByteArrayOutputStream();
    WorkflowExport.write(
        document, root, Instant.EPOCH, WorkflowExport.collect(source, root).orElseThrow());

    List<StemtraceEvent> told = new ArrayList<>();
    try (StemtraceCollector collector = StemtraceCollector.builder().build().start()) {
      collector.addListener(told::addAll);
      WorkflowExport.ImportResult result = collector.importDocument(document.toByteArray());
      assertThat(result.rootIds()).containsExactly(root);
      assertThat(collector.store().workflowOf(root)).contains(root);
      assertThat(told).hasSize(result.imported());
      assertThat(collector.transportDescription()).isEqualTo(Optional.empty());
      assertThat(collector.metrics().eventsApplied()).isEqualTo(result.imported());
    }
  }

  @Test
  void build_refusesConflictingSettings_andUnknownSchemes() {
    assertThatThrownBy(
            () ->
                StemtraceCollector.builder()
                    .transportUrl("memory://x")
                    .transport(new PushTransport())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set either transportUrl(...) or transport(...), not both");
    assertThatThrownBy(
            () ->
                StemtraceCollector.builder()
                    .storeUrl("memory://")
                    .store(InMemoryGraphStore.create())
                    .storeUrl("other://")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set storeUrl or store, not both");
    assertThatThrownBy(() -> StemtraceCollector.builder().storeUrl("nosuch://h").build())
        .hasMessageContaining("unknown store scheme 'nosuch'");
    assertThatThrownBy(
            () -> StemtraceCollector.builder().stuckPendingAfter(java.time.Duration.ZERO))
        .hasMessage("stuckPendingAfter <= 0: PT0S");
    StemtraceCollector closed = StemtraceCollector.builder().build();
    closed.close();
    assertThatThrownBy(closed::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("collector closed");
  }

  @Test
  void maxNodesAndMaxBytes_reachTheStoreOpenedFromTheUrl() {
    try (StemtraceCollector collector =
        StemtraceCollector.builder().maxNodes(1234).maxBytes(64L << 20).build()) {
      InMemoryGraphStore store = (InMemoryGraphStore) collector.store();
      assertThat(store.maxNodes()).isEqualTo(1234);
      assertThat(store.maxBytes()).isEqualTo(64L << 20);
    }
  }
}
