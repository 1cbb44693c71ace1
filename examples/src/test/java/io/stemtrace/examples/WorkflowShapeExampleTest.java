package io.stemtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.Stemtrace;
import io.stemtrace.TaskCall;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphNode.NodeType;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How to test the shape of a workflow in a unit test: run it through a wrapped executor on the
 * memory transport, let a consumer build the graph in an in-memory store, and assert the graph.
 */
class WorkflowShapeExampleTest {

  @Test
  void checkout_reservesStockAsAChord_thenMailsAsAChain() throws Exception {
    String url = "memory://workflow-shape-example";
    InMemoryGraphStore store = InMemoryGraphStore.create();
    try (Transport transport = Transports.open(url, "stemtrace");
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();

      try (Stemtrace stemtrace =
          Stemtrace.builder()
              .transportUrl(url)
              .hostname("shop@example")
              .registeredTasks(
                  "order.checkout", "stock.reserve", "order.confirm", "mail.render", "mail.send")
              .build()) {
        TracingExecutorService workers = stemtrace.wrap(Executors.newFixedThreadPool(4));

        String outcome =
            workers
                .submit(
                    "order.checkout",
                    () -> {
                      int reserved =
                          workers
                              .chord(
                                  List.of(
                                      TaskCall.of("stock.reserve", () -> 1),
                                      TaskCall.of("stock.reserve", () -> 2),
                                      TaskCall.of("stock.reserve", () -> 3)),
                                  "order.confirm",
                                  counts -> counts.stream().mapToInt(Integer::intValue).sum())
                              .get();
                      return workers
                          .chain("mail.render", () -> "confirmed " + reserved)
                          .then("mail.send", body -> "sent: " + body)
                          .start()
                          .get();
                    })
                .get(10, TimeUnit.SECONDS);

        assertThat(outcome).isEqualTo("sent: confirmed 6");
        workers.shutdown();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      } // close() flushes what is queued and sends worker_shutdown

      awaitWorkerOffline(store, "shop@example");
    }

    // one workflow: checkout -> [CHORD of 3 reservations -> confirm], checkout -> render -> send
    assertThat(store.workflowCount()).isEqualTo(1);
    String root = store.workflows(WorkflowQuery.all(10, 0)).items().get(0).rootId();
    WorkflowGraph graph = store.workflow(root).orElseThrow();
    GraphNode checkout = graph.nodes().get(root);
    assertThat(checkout.name()).isEqualTo("order.checkout");
    assertThat(checkout.state()).isEqualTo(TaskState.SUCCESS);

    GraphNode chord = childOfType(graph, checkout, NodeType.CHORD);
    List<String> chordChildren =
        chord.children().stream().map(id -> graph.nodes().get(id).name()).toList();
    assertThat(chordChildren)
        .containsExactlyInAnyOrder(
            "stock.reserve", "stock.reserve", "stock.reserve", "order.confirm");

    GraphNode render =
        checkout.children().stream()
            .map(graph.nodes()::get)
            .filter(n -> "mail.render".equals(n.name()))
            .findFirst()
            .orElseThrow();
    assertThat(render.children()).hasSize(1);
    assertThat(graph.nodes().get(render.children().get(0)).name()).isEqualTo("mail.send");
    assertThat(graph.nodes().values())
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(TaskState.SUCCESS));
  }

  private static GraphNode childOfType(WorkflowGraph graph, GraphNode parent, NodeType type) {
    return parent.children().stream()
        .map(graph.nodes()::get)
        .filter(n -> n.type() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError(parent.id() + " has no " + type + " child"));
  }

  /**
   * worker_shutdown is the last event the producer sends: once it is applied, everything before it
   * is.
   */
  private static void awaitWorkerOffline(InMemoryGraphStore store, String hostname)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store
        .worker(hostname)
        .map(w -> w.status() != io.stemtrace.api.WorkerInfo.Status.OFFLINE)
        .orElse(true)) {
      assertThat(System.nanoTime()).as("worker_shutdown applied in time").isLessThan(deadline);
      Thread.sleep(5); // delivery happens on the memory transport's own thread
    }
  }
}
