package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphNode.NodeType;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JVM workflows, run through wrapped executors and canvas helpers, come out of the graph store as
 * the graphs users mean: the same shapes the store builds for Celery's events.
 */
class WorkflowGraphShapeTest {

  RecordingTransport transport = new RecordingTransport();
  Stemtrace stemtrace;
  TracingExecutorService pool;
  TracingExecutorService otherPool;

  @BeforeEach
  void setUp() {
    stemtrace =
        Stemtrace.builder().transport(transport).hostname("shape@host").shutdownHook(false).build();
    pool = stemtrace.wrap(Executors.newFixedThreadPool(3));
    otherPool = stemtrace.wrap(Executors.newFixedThreadPool(2));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    otherPool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    otherPool.awaitTermination(5, TimeUnit.SECONDS);
    stemtrace.close();
  }

  /**
   * Everything emitted so far, applied to a fresh store; checks every task is drawn exactly once.
   */
  private Fixture graphs() {
    EventLog log = EventLog.of(stemtrace, transport);
    InMemoryGraphStore store = InMemoryGraphStore.create();
    log.events().forEach(store::apply);
    Map<String, WorkflowGraph> graphs = CaptureExpectations.assertEveryTaskExactlyOnce(store);
    return new Fixture(log, store, graphs);
  }

  record Fixture(EventLog log, InMemoryGraphStore store, Map<String, WorkflowGraph> graphs) {
    WorkflowGraph only() {
      assertThat(graphs).hasSize(1);
      return graphs.values().iterator().next();
    }

    GraphNode node(WorkflowGraph graph, String id) {
      assertThat(graph.nodes()).containsKey(id);
      return graph.nodes().get(id);
    }
  }

  @Test
  void chain_isOnePathFromTheFirstStep() throws Exception {
    pool.chain("etl.extract", () -> 1)
        .then("etl.transform", x -> x + 1)
        .then("etl.load", x -> x * 10)
        .start()
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    String extract = f.log().idNamed("etl.extract");
    String transform = f.log().idNamed("etl.transform");
    String load = f.log().idNamed("etl.load");
    WorkflowGraph graph = f.only();
    assertThat(graph.rootId()).isEqualTo(extract);
    assertThat(f.node(graph, extract).children()).containsExactly(transform);
    assertThat(f.node(graph, transform).children()).containsExactly(load);
    assertThat(f.node(graph, load).children()).isEmpty();
    assertThat(graph.nodes().values())
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(TaskState.SUCCESS));
  }

  @Test
  void groupInsideATask_isAGroupContainerUnderThatTask() throws Exception {
    pool.submit(
            "report.build",
            () -> {
              pool.group(
                      List.of(
                          TaskCall.of("report.page", () -> 1),
                          TaskCall.of("report.page", () -> 2),
                          TaskCall.of("report.page", () -> 3)))
                  .get(5, TimeUnit.SECONDS);
              return pool.submit("report.index", () -> "idx").get();
            })
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    String report = f.log().idNamed("report.build");
    List<String> pages = f.log().idsNamed("report.page");
    WorkflowGraph graph = f.only();
    assertThat(graph.rootId()).isEqualTo(report);
    GraphNode root = f.node(graph, report);
    String containerId = "group:" + f.log().last(pages.get(0)).groupId();
    assertThat(root.children())
        .containsExactlyInAnyOrder(containerId, f.log().idNamed("report.index"));
    GraphNode container = f.node(graph, containerId);
    assertThat(container.type()).isEqualTo(NodeType.GROUP);
    assertThat(container.children()).containsExactlyInAnyOrderElementsOf(pages);
    assertThat(container.state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void topLevelGroup_isAWorkflowRootedAtItsContainer() throws Exception {
    pool.group(List.of(TaskCall.of("mail.send", () -> "a"), TaskCall.of("mail.send", () -> "b")))
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    List<String> members = f.log().idsNamed("mail.send");
    WorkflowGraph graph = f.only();
    assertThat(graph.rootId()).isEqualTo("group:" + f.log().last(members.get(0)).groupId());
    assertThat(f.node(graph, graph.rootId()).type()).isEqualTo(NodeType.GROUP);
    assertThat(f.node(graph, graph.rootId()).children())
        .containsExactlyInAnyOrderElementsOf(members);
  }

  @Test
  void chord_isAChordContainerFollowedByItsCallback() throws Exception {
    pool.chord(
            List.of(
                TaskCall.of("price.fetch", () -> 20),
                TaskCall.of("price.fetch", () -> 40),
                TaskCall.of("price.fetch", () -> 60)),
            "price.sum",
            xs -> xs.stream().mapToInt(Integer::intValue).sum())
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    List<String> header = f.log().idsNamed("price.fetch");
    String callback = f.log().idNamed("price.sum");
    WorkflowGraph graph = f.only();
    GraphNode container = f.node(graph, graph.rootId());
    assertThat(container.type()).isEqualTo(NodeType.CHORD);
    assertThat(container.children()).containsAll(header).contains(callback).hasSize(4);
    // the callback follows the container, not the header task that happened to finish last
    for (String member : header)
      assertThat(f.node(graph, member).children()).doesNotContain(callback);
    assertThat(f.node(graph, callback).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void nestedSpawnsThreeLevelsAcrossPools_areOneWorkflowThreeDeep() throws Exception {
    pool.submit(
            "level1",
            () -> otherPool.submit("level2", () -> pool.submit("level3", () -> "deep").get()).get())
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    String l1 = f.log().idNamed("level1");
    String l2 = f.log().idNamed("level2");
    String l3 = f.log().idNamed("level3");
    WorkflowGraph graph = f.only();
    assertThat(graph.rootId()).isEqualTo(l1);
    assertThat(f.node(graph, l1).children()).containsExactly(l2);
    assertThat(f.node(graph, l2).children()).containsExactly(l3);
  }

  @Test
  void retryTwiceThenSuccess_isOneRootWithThreeAttempts() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    pool.submitWithRetry(
            "payment.charge",
            3,
            () -> {
              if (calls.incrementAndGet() <= 2)
                throw new IllegalStateException("gateway timeout " + calls.get());
              return "charged";
            })
        .get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    String id = f.log().idNamed("payment.charge");
    assertThat(f.only().rootId()).isEqualTo(id);
    TaskNode task = f.store().task(id).orElseThrow();
    assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(task.attempts()).hasSize(3);
    assertThat(task.attempts().get(0).state()).isEqualTo(TaskState.RETRY);
    assertThat(task.attempts().get(2).state()).isEqualTo(TaskState.SUCCESS);
    assertThat(task.events().stream().filter(e -> e.state() == TaskState.RETRY)).hasSize(2);
  }

  @Test
  void failingTask_isAFailedRootWithItsStackTrace() {
    Future<Object> failed =
        pool.submit(
            "import.csv",
            () -> {
              throw new IllegalArgumentException("line 7: bad date");
            });
    assertThat(failed).failsWithin(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    String id = f.log().idNamed("import.csv");
    GraphNode root = f.node(f.only(), id);
    assertThat(root.state()).isEqualTo(TaskState.FAILURE);
    assertThat(root.task().exception())
        .isEqualTo("java.lang.IllegalArgumentException: line 7: bad date");
    assertThat(root.task().traceback()).contains("at io.stemtrace.WorkflowGraphShapeTest");
  }

  @Test
  void injectExtractHop_linksTheRemoteChildIntoTheSendersWorkflow() throws Exception {
    Map<String, String> headers = new HashMap<>();
    pool.submit(
            "order.place",
            () -> {
              TracedTask message = stemtrace.tracer().newTask("invoice.render");
              message.pending(List.of(42), null);
              stemtrace.inject(message.context(), headers);
              return null;
            })
        .get(5, TimeUnit.SECONDS);
    // the receiving process publishes through the same broker (one transport stands for it here)
    try (Stemtrace remote =
        Stemtrace.builder()
            .transport(transport)
            .hostname("remote@host")
            .shutdownHook(false)
            .build()) {
      TaskContext context = remote.extract(headers).orElseThrow();
      TracedTask invoice = remote.tracer().join("invoice.render", context);
      try (Scope scope = invoice.makeCurrent()) {
        invoice.started();
        TracedTask pdf = remote.tracer().newTask("pdf.write");
        pdf.pending(null, null);
        pdf.started();
        pdf.success("pdf");
        invoice.success("done");
      }
      assertThat(remote.flush(java.time.Duration.ofSeconds(5))).isTrue();
    }

    Fixture f = graphs();
    String order = f.log().idNamed("order.place");
    String invoice = f.log().idNamed("invoice.render");
    String pdf = f.log().idNamed("pdf.write");
    WorkflowGraph graph = f.only();
    assertThat(graph.rootId()).isEqualTo(order);
    assertThat(f.node(graph, order).children()).containsExactly(invoice);
    assertThat(f.node(graph, invoice).children()).containsExactly(pdf);
    assertThat(f.node(graph, invoice).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void concurrentIndependentWorkflows_stayApart() throws Exception {
    List<CompletableFuture<Integer>> chains = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      chains.add(pool.chain("job.a", () -> n).then("job.b", x -> x + 1).start());
    }
    for (CompletableFuture<Integer> chain : chains) chain.get(5, TimeUnit.SECONDS);

    Fixture f = graphs();
    assertThat(f.graphs()).hasSize(10);
    assertThat(f.graphs().values()).allSatisfy(g -> assertThat(g.nodes()).hasSize(2));
  }
}
