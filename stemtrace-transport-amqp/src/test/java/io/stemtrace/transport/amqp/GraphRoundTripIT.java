package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.stemtrace.Stemtrace;
import io.stemtrace.TaskCall;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphNode.NodeType;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CanvasCaptures;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events through RabbitMQ into the in-memory graph: the real Python capture and JVM-generated
 * canvases.
 */
class GraphRoundTripIT {

  @BeforeEach
  void brokerIsThere() {
    RabbitMqBroker.require();
  }

  @AfterAll
  static void deleteDeclarations() throws Exception {
    RabbitMqBroker.deleteRegistered();
  }

  @Test
  void pythonCapture_publishedAsKombuDoes_buildsTheExpectedGraph() throws Exception {
    CaptureExpectations.assertPythonCanvasGraph(publishedAsKombuDoes(Captures.pythonCanvas()));
  }

  @Test
  void nestedCeleryCanvases_publishedAsKombuDoes_areDrawnAsWritten() throws Exception {
    InMemoryGraphStore store = publishedAsKombuDoes(CanvasCaptures.allPayloads());
    CaptureExpectations.assertEveryTaskExactlyOnce(store);
    CanvasCaptures.assertAllDrawnAsWritten(store);
  }

  /**
   * What a Celery worker with Python stemtrace puts on the broker, one kombu JSON message per
   * event, consumed into a new store until every event applied.
   */
  private static InMemoryGraphStore publishedAsKombuDoes(List<byte[]> payloads) throws Exception {
    String prefix = "graph-" + UUID.randomUUID().toString().substring(0, 8);
    InMemoryGraphStore store = InMemoryGraphStore.create();
    try (RabbitMqTransport transport =
            RabbitMqTransport.create(
                RabbitMqBroker.URL + "?consumer_id=dash&retention=PT60S", prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(transport).build();
        Connection python = RabbitMqBroker.adminConnection()) {
      RabbitMqBroker.deleteLater(transport.exchangeName(), transport.queueName());
      consumer.start();
      Channel channel = python.createChannel();
      AMQP.BasicProperties kombuJson =
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .contentEncoding("utf-8")
              .deliveryMode(2)
              .priority(0)
              .headers(Map.of())
              .build();
      for (byte[] payload : payloads)
        channel.basicPublish(transport.exchangeName(), "", kombuJson, payload);

      await(
          () -> consumer.metrics().eventsApplied() == payloads.size(),
          "all " + payloads.size() + " events applied");
      assertThat(consumer.metrics().eventsRejected()).isZero();
    }
    return store;
  }

  @Test
  void jvmCanvases_producedOverRabbitMq_buildTheirShapesWithEveryTaskOnce() throws Exception {
    String prefix = "graph-" + UUID.randomUUID().toString().substring(0, 8);
    String url = RabbitMqBroker.URL + "?consumer_id=dash&retention=PT60S";
    InMemoryGraphStore store = InMemoryGraphStore.create();
    try (RabbitMqTransport consumerSide = RabbitMqTransport.create(url, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      RabbitMqBroker.deleteLater(consumerSide.exchangeName(), consumerSide.queueName());
      consumer.start();

      try (Stemtrace stemtrace =
          Stemtrace.builder()
              .transportUrl(url)
              .prefix(prefix)
              .hostname("billing@jvm")
              .registeredTasks(
                  "order.checkout",
                  "stock.reserve",
                  "order.confirm",
                  "mail.render",
                  "mail.send",
                  "img.resize",
                  "feed.fetch",
                  "job.explode")
              .build()) {
        TracingExecutorService workers = stemtrace.wrap(Executors.newFixedThreadPool(4));
        // a chord and a chain under one root
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
                      .then("mail.send", body -> body)
                      .start()
                      .get();
                })
            .get(20, TimeUnit.SECONDS);
        // a standalone group, a retried task and a failure
        workers
            .group(List.of(TaskCall.of("img.resize", () -> 1), TaskCall.of("img.resize", () -> 2)))
            .get(20, TimeUnit.SECONDS);
        int[] attempts = new int[1];
        workers
            .submitWithRetry(
                "feed.fetch",
                2,
                () -> {
                  if (attempts[0]++ < 2) throw new IllegalStateException("flaky");
                  return "ok";
                })
            .get(20, TimeUnit.SECONDS);
        try {
          workers
              .submit(
                  "job.explode",
                  () -> {
                    throw new IllegalArgumentException("boom");
                  })
              .get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
          // recorded as FAILURE
        }
        workers.shutdown();
        assertThat(workers.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
      } // close flushes and sends worker_shutdown

      await(
          () ->
              store
                  .worker("billing@jvm")
                  .map(w -> w.status() == WorkerInfo.Status.OFFLINE)
                  .orElse(false),
          "worker_shutdown applied");
      assertThat(consumer.metrics().eventsRejected()).isZero();

      Map<String, WorkflowGraph> graphs = CaptureExpectations.assertEveryTaskExactlyOnce(store);
      assertThat(graphs).hasSize(4);
      assertThat(store.taskCount()).isEqualTo(1 + 3 + 1 + 2 + 2 + 1 + 1);

      WorkflowGraph checkout = graphByRootName(graphs, "order.checkout");
      GraphNode chord =
          checkout.nodes().values().stream()
              .filter(n -> n.type() == NodeType.CHORD)
              .findFirst()
              .orElseThrow();
      assertThat(chord.children().stream().map(id -> checkout.nodes().get(id).name()))
          .containsExactlyInAnyOrder(
              "stock.reserve", "stock.reserve", "stock.reserve", "order.confirm");
      assertThat(checkout.nodes().values())
          .filteredOn(n -> n.type() == NodeType.TASK)
          .extracting(GraphNode::state)
          .containsOnly(TaskState.SUCCESS);

      WorkflowGraph group =
          graphs.values().stream()
              .filter(g -> g.nodes().get(g.rootId()).type() == NodeType.GROUP)
              .findFirst()
              .orElseThrow();
      assertThat(group.nodes().values()).filteredOn(n -> n.type() == NodeType.TASK).hasSize(2);

      TaskNode fetch = store.task(graphByRootName(graphs, "feed.fetch").rootId()).orElseThrow();
      assertThat(fetch.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(fetch.attempts()).hasSize(3);
      assertThat(store.task(graphByRootName(graphs, "job.explode").rootId()).orElseThrow().state())
          .isEqualTo(TaskState.FAILURE);
    }
  }

  private static WorkflowGraph graphByRootName(Map<String, WorkflowGraph> graphs, String name) {
    return graphs.values().stream()
        .filter(g -> name.equals(g.nodes().get(g.rootId()).name()))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no workflow rooted at " + name + " in " + graphs.keySet()));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 20 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
