package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.XAddArgs;
import io.stemtrace.Stemtrace;
import io.stemtrace.TaskCall;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphNode.NodeType;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CanvasCaptures;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Producer -> Redis -> consumer -> graph, for the real Python capture and for workflows run on the
 * JVM.
 */
class RedisRoundTripIT {

  private final RedisTestSupport.StreamPrefixes streams = new RedisTestSupport.StreamPrefixes();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  private String freshPrefix() {
    return streams.fresh("roundtrip");
  }

  @AfterEach
  void deleteStreams() {
    streams.deleteAll();
  }

  @Test
  void nestedCeleryCanvases_writtenAsPythonStemtraceWritesThem_areDrawnAsWritten()
      throws Exception {
    InMemoryGraphStore store = writtenAsPythonStemtraceWritesThem(CanvasCaptures.allPayloads());
    CaptureExpectations.assertEveryTaskExactlyOnce(store);
    CanvasCaptures.assertAllDrawnAsWritten(store);
  }

  @Test
  void capture_writtenAsPythonStemtraceWritesIt_buildsTheExpectedGraph() throws Exception {
    CaptureExpectations.assertPythonCanvasGraph(
        writtenAsPythonStemtraceWritesThem(Captures.pythonCanvas()));
  }

  /**
   * XADDs each payload as the Python library does, then consumes the stream into a new store until
   * every event applied and the lag reads zero.
   */
  private InMemoryGraphStore writtenAsPythonStemtraceWritesThem(List<byte[]> payloads)
      throws Exception {
    String prefix = freshPrefix();
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      for (byte[] payload : payloads) {
        redis
            .commands()
            .xadd(
                prefix + ":events",
                new XAddArgs().maxlen(10_000).approximateTrimming(),
                "data",
                new String(payload, StandardCharsets.UTF_8));
      }
    }
    InMemoryGraphStore store = InMemoryGraphStore.create();
    try (Transport transport = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build()) {
      consumer.start();
      await(() -> consumer.metrics().eventsApplied() == payloads.size(), "capture applied");
      assertThat(consumer.metrics().eventsRejected()).isZero();
      assertThat(consumer.metrics().connected()).isTrue();
      await(() -> consumer.metrics().lag().orElse(-1) == 0, "lag reported as zero");
    }
    return store;
  }

  @Test
  void capture_sentThroughTheTransport_buildsTheExpectedGraph_andARestartedServerRebuildsIt()
      throws Exception {
    String prefix = freshPrefix();
    List<byte[]> payloads = Captures.pythonCanvas();
    InMemoryGraphStore live = InMemoryGraphStore.create();
    try (Transport producer = Transports.open(RedisTestSupport.URL, prefix);
        Transport consumerSide = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(live).transport(consumerSide).build()) {
      consumer.start();
      for (int i = 0; i < payloads.size(); i += 7)
        producer.send(payloads.subList(i, Math.min(payloads.size(), i + 7)));
      await(() -> consumer.metrics().eventsApplied() == payloads.size(), "capture applied live");
    }
    CaptureExpectations.assertPythonCanvasGraph(live);

    // a server starting later replays what the stream still holds into a fresh store
    InMemoryGraphStore rebuilt = InMemoryGraphStore.create();
    try (Transport consumerSide = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(rebuilt).transport(consumerSide).build()) {
      consumer.start();
      await(() -> consumer.metrics().eventsApplied() == payloads.size(), "capture replayed");
    }
    CaptureExpectations.assertPythonCanvasGraph(rebuilt);
  }

  @Test
  void canvas_runOnTheJvmWithTheRedisProducer_buildsTheWorkflowGraph() throws Exception {
    String prefix = freshPrefix();
    InMemoryGraphStore store = InMemoryGraphStore.create();
    try (Transport consumerSide = Transports.open(RedisTestSupport.URL, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      consumer.start();
      try (Stemtrace stemtrace =
          Stemtrace.builder()
              .transportUrl(RedisTestSupport.URL)
              .prefix(prefix)
              .hostname("shop@redis-it")
              .shutdownHook(false)
              .registeredTasks(
                  "order.checkout",
                  "stock.reserve",
                  "order.confirm",
                  "mail.render",
                  "mail.send",
                  "batch.line")
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
                      workers
                          .group(
                              List.of(
                                  TaskCall.of("batch.line", () -> "a"),
                                  TaskCall.of("batch.line", () -> "b")))
                          .get();
                      return workers
                          .chain("mail.render", () -> "confirmed " + reserved)
                          .then("mail.send", body -> "sent: " + body)
                          .start()
                          .get();
                    })
                .get(20, TimeUnit.SECONDS);
        assertThat(outcome).isEqualTo("sent: confirmed 6");
        workers.shutdown();
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      } // close flushes and sends worker_shutdown, the last event
      await(
          () ->
              store
                  .worker("shop@redis-it")
                  .map(w -> w.status() == WorkerInfo.Status.OFFLINE)
                  .orElse(false),
          "worker_shutdown applied");
      assertThat(consumer.metrics().eventsRejected()).isZero();
    }

    assertThat(store.workflowCount()).isEqualTo(1);
    String root = store.workflows(WorkflowQuery.all(10, 0)).items().get(0).rootId();
    WorkflowGraph graph = store.workflow(root).orElseThrow();
    GraphNode checkout = graph.nodes().get(root);
    assertThat(checkout.name()).isEqualTo("order.checkout");
    GraphNode chord = childOfType(graph, checkout, NodeType.CHORD);
    assertThat(chord.children().stream().map(id -> graph.nodes().get(id).name()))
        .containsExactlyInAnyOrder(
            "stock.reserve", "stock.reserve", "stock.reserve", "order.confirm");
    GraphNode group = childOfType(graph, checkout, NodeType.GROUP);
    assertThat(group.children().stream().map(id -> graph.nodes().get(id).name()))
        .containsExactly("batch.line", "batch.line");
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
    CaptureExpectations.assertEveryTaskExactlyOnce(store);
  }

  private static GraphNode childOfType(WorkflowGraph graph, GraphNode parent, NodeType type) {
    return parent.children().stream()
        .map(graph.nodes()::get)
        .filter(n -> n.type() == type)
        .findFirst()
        .orElseThrow(() -> new AssertionError(parent.id() + " has no " + type + " child"));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(5);
    }
  }
}
