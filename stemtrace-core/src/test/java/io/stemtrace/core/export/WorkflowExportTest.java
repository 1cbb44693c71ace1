package io.stemtrace.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.anomaly.AnomalyDetector;
import io.stemtrace.core.anomaly.AnomalyType;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowExportTest {

  static final Instant EXPORTED = Instant.parse("2026-11-26T05:00:00.123456Z");

  static InMemoryGraphStore captureStore() {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    EventConsumer.builder(store).build().acceptEvents(CaptureExpectations.pythonCanvasEvents());
    return store;
  }

  /** What "the same graph" means: node ids with their type, name, state and children. */
  static Map<String, String> shape(WorkflowGraph graph) {
    Map<String, String> shape = new LinkedHashMap<>();
    for (GraphNode node : graph.nodes().values()) {
      shape.put(
          node.id(),
          node.type()
              + " "
              + node.name()
              + " "
              + node.state()
              + " -> "
              + node.children()
              + (node.task() == null
                  ? ""
                  : " attempts="
                      + node.task().attempts().size()
                      + " events="
                      + node.task().events().size()));
    }
    return shape;
  }

  @Test
  void exportThenImport_everyCaptureWorkflow_reproducesTheSameGraph() {
    InMemoryGraphStore source = captureStore();
    Map<String, WorkflowGraph> graphs = CaptureExpectations.assertEveryTaskExactlyOnce(source);
    assertThat(graphs).hasSize(7);

    for (WorkflowGraph graph : graphs.values()) {
      List<StemtraceEvent> events = WorkflowExport.collect(source, graph.rootId()).orElseThrow();
      byte[] document = WorkflowExport.toBytes(graph.rootId(), EXPORTED, events);

      InMemoryGraphStore target = InMemoryGraphStore.create();
      EventConsumer consumer = EventConsumer.builder(target).build();
      WorkflowExport.Document read = WorkflowExport.read(document);
      assertThat(read.rootId()).isEqualTo(graph.rootId());
      assertThat(read.exportedAt()).isEqualTo(EXPORTED);
      assertThat(read.rejected()).isZero();
      WorkflowExport.ImportResult result = WorkflowExport.importInto(consumer, read);

      assertThat(result.imported()).isEqualTo(events.size());
      assertThat(result.rejected()).isZero();
      assertThat(result.rootIds()).containsExactly(graph.rootId());
      WorkflowGraph copy = target.workflow(graph.rootId()).orElseThrow();
      assertThat(shape(copy)).as(graph.rootId()).isEqualTo(shape(graph));
      for (GraphNode node : graph.nodes().values()) {
        if (node.task() != null) {
          assertThat(copy.nodes().get(node.id()).task().events()).isEqualTo(node.task().events());
        }
      }
      assertThat(target.workers())
          .singleElement()
          .satisfies(
              worker -> {
                assertThat(worker.hostname()).isEqualTo("w1@vm");
                assertThat(worker.registeredTasks())
                    .isEqualTo(source.worker("w1@vm").orElseThrow().registeredTasks());
                assertThat(worker.status())
                    .isEqualTo(source.worker("w1@vm").orElseThrow().status());
              });
    }
  }

  @Test
  void exportThenImport_wholeCapture_intoOneStore_givesTheCaptureGraph_andItsAnomaly() {
    InMemoryGraphStore source = captureStore();
    InMemoryGraphStore target = InMemoryGraphStore.create();
    AnomalyDetector detector =
        AnomalyDetector.builder(target)
            .clock(new MutableClock(Instant.parse("2026-11-26T03:40:00Z")))
            .build();
    EventConsumer consumer = EventConsumer.builder(target).listener(detector).build();
    for (String root : CaptureExpectations.assertEveryTaskExactlyOnce(source).keySet()) {
      byte[] document =
          WorkflowExport.toBytes(
              root, EXPORTED, WorkflowExport.collect(source, root).orElseThrow());
      WorkflowExport.importInto(consumer, WorkflowExport.read(document));
    }

    CaptureExpectations.assertPythonCanvasGraph(target);
    assertThat(detector.anomaliesOf("9644dd94-f807-4048-8183-4b983e7112e8"))
        .containsExactly(AnomalyType.UNREGISTERED);
  }

  @Test
  void document_isTheDocumentedFormat_withWireEventsSortedByTime() {
    InMemoryGraphStore source = captureStore();
    String root = "f9861466-a5ee-45c7-ae27-9067d62baa5c";
    List<StemtraceEvent> events = WorkflowExport.collect(source, root).orElseThrow();
    String json =
        new String(WorkflowExport.toBytes(root, EXPORTED, events), StandardCharsets.UTF_8);

    assertThat(json)
        .startsWith(
            "{\"format\":\"stemtrace-export\",\"version\":1,\"root_id\":\""
                + root
                + "\",\"exported_at\":\"2026-11-26T05:00:00.123456Z\",\"events\":[{");
    assertThat(json)
        .contains("\"event_type\":\"worker_ready\"")
        .contains("\"event_type\":\"worker_shutdown\"")
        .contains("\"state\":\"RETRY\"");
    assertThat(events.get(0)).isInstanceOf(WorkerEvent.class);
    assertThat(events.get(events.size() - 1)).isInstanceOf(WorkerEvent.class);
    assertThat(events.stream().filter(e -> e instanceof TaskEvent)).hasSize(8);
    assertThat(
            events.stream()
                .filter(TaskEvent.class::isInstance)
                .map(e -> ((TaskEvent) e).timestamp()))
        .isSorted();
  }

  @Test
  void collect_unknownRoot_isEmpty() {
    assertThat(WorkflowExport.collect(captureStore(), "nope")).isEmpty();
  }

  @Test
  void read_badDocuments_areRejectedWithAReason() {
    assertThatThrownBy(() -> read("[1,2]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> read("{\"format\":")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> read("{\"format\":\"other\",\"version\":1,\"events\":[]}"))
        .hasMessageContaining("\"format\" must be \"stemtrace-export\"");
    assertThatThrownBy(() -> read("{\"format\":\"stemtrace-export\",\"version\":2,\"events\":[]}"))
        .hasMessageContaining("\"version\" must be 1");
    assertThatThrownBy(() -> read("{\"format\":\"stemtrace-export\",\"version\":1}"))
        .hasMessageContaining("\"events\" is missing");
    assertThatThrownBy(() -> read("{\"format\":\"stemtrace-export\",\"version\":1,\"events\":{}}"))
        .hasMessageContaining("\"events\" is not an array");
    assertThatThrownBy(
            () -> read("{\"format\":\"stemtrace-export\",\"version\":1,\"events\":[]} x"))
        .isInstanceOf(WorkflowExport.InvalidExportException.class);
  }

  @Test
  void read_malformedEvents_areCountedNotFatal() {
    WorkflowExport.Document document =
        read(
            "{\"format\":\"stemtrace-export\",\"version\":1,\"extra\":{\"a\":[1]},"
                + "\"events\":[1,{\"nope\":true},{\"task_id\":\"t1\",\"name\":\"a\",\"state\":\"PENDING\","
                + "\"timestamp\":\"2026-11-26T03:35:48Z\",\"retries\":0}]}");

    assertThat(document.rejected()).isEqualTo(2);
    assertThat(document.rootId()).isNull();
    assertThat(document.events())
        .singleElement()
        .satisfies(e -> assertThat(((TaskEvent) e).state()).isEqualTo(TaskState.PENDING));
  }

  static WorkflowExport.Document read(String json) {
    return WorkflowExport.read(json.getBytes(StandardCharsets.UTF_8));
  }
}
