package io.stemtrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.InvalidCursorException;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link GraphStore} keeps (DESIGN section 5). Each implementation's tests
 * extend this class and implement {@link #newStore(int)}; a user's own store can run it too (depend
 * on {@code stemtrace-tests}). The suites are nested by topic (the real capture, recorded canvases,
 * generated canvases, event semantics, queries, workers, bounded memory), so a report says which
 * part of the contract a store misses.
 *
 * <p>Shapes are checked for the events in the order written, reversed, and in many random orders: a
 * store must build the same graph whatever the arrival order.
 */
public abstract class GraphStoreContractTest {

  /** Random arrival orders tried per generated canvas. */
  private static final int ORDERS_PER_CANVAS = 40;

  /** A new, empty store keeping at most {@code maxNodes} tasks. */
  protected abstract GraphStore newStore(int maxNodes);

  protected GraphStore newStore() {
    return newStore(100_000);
  }

  protected static void applyAll(GraphStore store, List<? extends StemtraceEvent> events) {
    for (StemtraceEvent event : events) store.apply(event);
  }

  /** Runs {@code check} on a fresh store fed the canvas in order, reversed and in random orders. */
  protected final void forEveryOrder(CanvasEvents canvas, Consumer<GraphStore> check) {
    List<List<TaskEvent>> orders = new ArrayList<>();
    orders.add(canvas.events());
    orders.add(canvas.reversed());
    for (long seed = 1; seed <= ORDERS_PER_CANVAS; seed++) orders.add(canvas.shuffled(seed));
    for (int i = 0; i < orders.size(); i++) {
      GraphStore store = newStore();
      applyAll(store, orders.get(i));
      try {
        CaptureExpectations.assertEveryTaskExactlyOnce(store);
        check.accept(store);
      } catch (AssertionError e) {
        String order = i == 0 ? "in order" : i == 1 ? "reversed" : "shuffled with seed " + (i - 1);
        throw new AssertionError("events " + order + ": " + e.getMessage(), e);
      }
    }
  }

  protected static WorkflowGraph onlyWorkflow(GraphStore store) {
    assertThat(store.workflowCount()).as("workflows").isEqualTo(1);
    WorkflowSummary summary = store.workflows(WorkflowQuery.all(10, 0)).items().get(0);
    return store.workflow(summary.rootId()).orElseThrow();
  }

  protected static List<String> children(WorkflowGraph graph, String id) {
    GraphNode node = graph.nodes().get(id);
    assertThat(node).as("node " + id).isNotNull();
    return node.children();
  }

  private TaskState groupState(TaskState... memberStates) {
    GraphStore store = newStore();
    Instant at = Instant.parse("2026-11-26T03:00:00Z");
    int i = 0;
    for (TaskState state : memberStates) {
      store.apply(
          TaskEvent.builder("member-" + i++, state)
              .name("app.add")
              .groupId("g-state")
              .timestamp(at.plusMillis(i))
              .build());
    }
    WorkflowGraph graph = onlyWorkflow(store);
    assertThat(graph.rootId()).isEqualTo("group:g-state");
    TaskState state = graph.nodes().get("group:g-state").state();
    assertThat(store.workflows(WorkflowQuery.all(1, 0)).items().get(0).state()).isEqualTo(state);
    return state;
  }

  protected static final Instant T0 = Instant.parse("2026-11-26T03:35:48.000001Z");

  /** An event of task {@code id} named {@code app.task}, {@code millis} after {@link #T0}. */
  protected static TaskEvent event(String id, TaskState state, int millis) {
    return TaskEvent.builder(id, state).name("app.task").timestamp(T0.plusMillis(millis)).build();
  }

  /**
   * 30 tasks: names app.alpha / app.beta / other.gamma in turn, states SUCCESS / FAILURE / PENDING
   * in turn.
   */
  private GraphStore thirtyTasks() {
    GraphStore store = newStore();
    String[] names = {"app.alpha", "app.beta", "other.gamma"};
    TaskState[] states = {
      TaskState.SUCCESS, TaskState.FAILURE, TaskState.PENDING, TaskState.SUCCESS, TaskState.FAILURE
    };
    for (int i = 0; i < 30; i++) {
      store.apply(
          TaskEvent.builder(String.format("task-%02d", i), states[i % states.length])
              .name(names[i % 3])
              .timestamp(T0.plusSeconds(i))
              .build());
    }
    return store;
  }

  private static WorkerEvent ready(String host, int second, String... tasks) {
    Map<String, RegisteredTaskDefinition> definitions = new java.util.LinkedHashMap<>();
    for (String task : tasks)
      definitions.put(task, new RegisteredTaskDefinition(task, "app", "(x)", "doc " + task, false));
    return new WorkerEvent(
        WorkerEvent.Type.READY,
        host,
        42,
        T0.plusSeconds(second),
        List.of(tasks),
        definitions,
        null);
  }

  private static WorkerEvent shutdown(String host, int second) {
    return new WorkerEvent(
        WorkerEvent.Type.SHUTDOWN,
        host,
        42,
        T0.plusSeconds(second),
        List.of(),
        Map.of(),
        T0.plusSeconds(second));
  }

  /**
   * The real Python capture: in stream order, reversed, in 200 random orders, twice; events
   * returned as sent.
   */
  @Nested
  class RealCapture {

    @Test
    void pythonCanvas_inStreamOrder_buildsTheExpectedGraph() {
      GraphStore store = newStore();
      applyAll(store, CaptureExpectations.pythonCanvasEvents());
      CaptureExpectations.assertPythonCanvasGraph(store);
    }

    @Test
    void pythonCanvas_reversed_buildsTheSameGraph() {
      List<StemtraceEvent> events = new ArrayList<>(CaptureExpectations.pythonCanvasEvents());
      Collections.reverse(events);
      GraphStore store = newStore();
      applyAll(store, events);
      CaptureExpectations.assertPythonCanvasGraph(store);
    }

    @Test
    void pythonCanvas_in200RandomOrders_buildsTheSameGraph() {
      List<StemtraceEvent> events = CaptureExpectations.pythonCanvasEvents();
      for (long seed = 1; seed <= 200; seed++) {
        List<StemtraceEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(seed));
        GraphStore store = newStore();
        applyAll(store, shuffled);
        try {
          CaptureExpectations.assertPythonCanvasGraph(store);
        } catch (AssertionError e) {
          throw new AssertionError("capture shuffled with seed " + seed + ": " + e.getMessage(), e);
        }
      }
    }

    @Test
    void pythonCanvas_appliedTwice_changesNothing() {
      GraphStore store = newStore();
      applyAll(store, CaptureExpectations.pythonCanvasEvents());
      applyAll(store, CaptureExpectations.pythonCanvasEvents());
      CaptureExpectations.assertPythonCanvasGraph(store);
      assertThat(store.tasks(TaskQuery.all(100, 0)).items())
          .allSatisfy(task -> assertThat(task.events()).doesNotHaveDuplicates());
    }

    @Test
    void pythonCanvas_eventsAreReturnedExactlyAsTheyArrived_sortedByTime() {
      GraphStore store = newStore();
      List<StemtraceEvent> events = CaptureExpectations.pythonCanvasEvents();
      applyAll(store, events);
      for (TaskNode task : store.tasks(TaskQuery.all(100, 0)).items()) {
        List<TaskEvent> sent =
            events.stream()
                .filter(e -> e instanceof TaskEvent t && t.taskId().equals(task.id()))
                .map(TaskEvent.class::cast)
                .sorted((a, b) -> a.timestamp().compareTo(b.timestamp()))
                .toList();
        assertThat(task.events()).as("events of " + task.id()).containsExactlyElementsOf(sent);
      }
    }

    @Test
    void apply_unusualEvents_areKeptExactly() {
      GraphStore store = newStore();
      List<TaskEvent> sent =
          List.of(
              TaskEvent.builder("odd", TaskState.PENDING)
                  .name("app.odd")
                  .rootId("hint-1")
                  .timestamp(T0)
                  .build(),
              TaskEvent.builder("odd", TaskState.STARTED)
                  .name("app.renamed")
                  .rootId("hint-2")
                  .parentId("odd")
                  .traceId("trace-1")
                  .timestamp(T0.plusMillis(1))
                  .build(),
              TaskEvent.builder("odd", TaskState.RETRY)
                  .retries(2_000_000)
                  .exception("E")
                  .timestamp(T0.plusMillis(2))
                  .build(),
              TaskEvent.builder("odd", TaskState.SUCCESS)
                  .retries(2_000_001)
                  .result(Map.of("k", List.of(1, "x")))
                  // the latest time the codec accepts (EventCodec.LATEST_TIMESTAMP is the first it
                  // refuses)
                  .timestamp(Instant.parse("2261-12-31T23:59:59.999999Z"))
                  .build());
      applyAll(store, sent);
      TaskNode task = store.task("odd").orElseThrow();
      assertThat(task.events()).containsExactlyElementsOf(sent);
      assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(task.name()).isEqualTo("app.odd");
      assertThat(task.result()).isEqualTo(Map.of("k", List.of(1, "x")));
      assertThat(task.lastUpdated()).isEqualTo(Instant.parse("2261-12-31T23:59:59.999999Z"));
    }
  }

  /** Nested Celery canvases recorded from real workers, in every order, drawn as written. */
  @Nested
  class RecordedCanvases {

    @ParameterizedTest
    @EnumSource(CanvasCaptures.Shape.class)
    void celeryCanvas_inOrderReversedAnd200RandomOrders_isDrawnAsWritten(
        CanvasCaptures.Shape shape) {
      List<StemtraceEvent> events = CanvasCaptures.events(shape);
      for (int order = -1; order <= 200; order++) {
        List<StemtraceEvent> arrival = new ArrayList<>(events);
        if (order == 0) Collections.reverse(arrival);
        if (order > 0) Collections.shuffle(arrival, new Random(order));
        GraphStore store = newStore();
        applyAll(store, arrival);
        try {
          CaptureExpectations.assertEveryTaskExactlyOnce(store);
          assertThat(store.workflowCount()).as("workflows").isEqualTo(shape.workflows());
          CanvasCaptures.assertDrawnAsWritten(store, shape);
        } catch (AssertionError e) {
          String how =
              order < 0 ? "in order" : order == 0 ? "reversed" : "shuffled with seed " + order;
          throw new AssertionError(shape + " " + how + ": " + e.getMessage(), e);
        }
      }
    }

    @Test
    void celeryCanvases_allInOneStore_eachIsDrawnAsWritten() {
      GraphStore store = newStore();
      for (CanvasCaptures.Shape shape : CanvasCaptures.Shape.values())
        applyAll(store, CanvasCaptures.events(shape));
      CaptureExpectations.assertEveryTaskExactlyOnce(store);
      assertThat(store.workflowCount())
          .isEqualTo(
              java.util.Arrays.stream(CanvasCaptures.Shape.values())
                  .mapToInt(CanvasCaptures.Shape::workflows)
                  .sum());
      CanvasCaptures.assertAllDrawnAsWritten(store);
    }

    @Test
    void celeryCanvases_workflowSummary_isTheListedOne_finishedWithTheSpanOfAllEvents() {
      GraphStore store = newStore();
      for (CanvasCaptures.Shape shape : CanvasCaptures.Shape.values())
        applyAll(store, CanvasCaptures.events(shape));
      for (WorkflowSummary listed : store.workflows(WorkflowQuery.all(100, 0)).items()) {
        WorkflowSummary summary = store.workflowSummary(listed.rootId()).orElseThrow();
        assertThat(summary).as(listed.rootId()).isEqualTo(listed);
        assertThat(summary)
            .as("derived from the graph of " + listed.rootId())
            .isEqualTo(WorkflowSummary.of(store.workflow(listed.rootId()).orElseThrow()));
        assertThat(summary.finished()).as(listed.rootId() + " finished").isTrue();
        assertThat(summary.duration())
            .isEqualTo(java.time.Duration.between(summary.firstSeen(), summary.lastUpdated()));
      }
      String outer =
          CanvasCaptures.taskId(CanvasCaptures.Shape.NESTED_CHORD, "tsum", "[[6,14,10]]");
      GraphStore waiting = newStore();
      applyAll(
          waiting, CanvasCaptures.eventsWithout(CanvasCaptures.Shape.NESTED_CHORD, List.of(outer)));
      WorkflowSummary unfinished =
          waiting.workflowSummary(onlyWorkflow(waiting).rootId()).orElseThrow();
      assertThat(unfinished.finished()).as("the outer callback not seen").isFalse();
      assertThat(unfinished.duration()).isNull();
    }

    @Test
    void nestedChord_beforeTheOuterCallbackRan_outerChordIsNotSuccess() {
      String outer =
          CanvasCaptures.taskId(CanvasCaptures.Shape.NESTED_CHORD, "tsum", "[[6,14,10]]");
      GraphStore store = newStore();
      applyAll(
          store, CanvasCaptures.eventsWithout(CanvasCaptures.Shape.NESTED_CHORD, List.of(outer)));
      WorkflowGraph graph = onlyWorkflow(store);
      GraphNode root = graph.nodes().get(graph.rootId());
      assertThat(root.type()).isEqualTo(GraphNode.NodeType.CHORD);
      assertThat(root.bodyId()).isNull();
      assertThat(root.state())
          .as("every header done, the callback not seen")
          .isEqualTo(TaskState.PENDING);
      assertThat(store.workflows(WorkflowQuery.all(10, 0)).items().get(0).state())
          .isEqualTo(TaskState.PENDING);

      // the callback started: the chord runs until it finishes
      List<StemtraceEvent> started =
          CanvasCaptures.events(CanvasCaptures.Shape.NESTED_CHORD).stream()
              .filter(
                  e ->
                      e instanceof TaskEvent t
                          && t.taskId().equals(outer)
                          && t.state() == TaskState.STARTED)
              .toList();
      applyAll(store, started);
      GraphNode running = onlyWorkflow(store).nodes().get(graph.rootId());
      assertThat(running.bodyId()).isEqualTo(outer);
      assertThat(running.state()).isEqualTo(TaskState.STARTED);
    }

    @Test
    void chainOfGroups_beforeTheSecondGroupRan_firstChordWaitsForItsBody() {
      CanvasCaptures.Shape shape = CanvasCaptures.Shape.CHAIN_OF_GROUPS;
      List<String> later = new ArrayList<>();
      for (StemtraceEvent event : CanvasCaptures.events(shape)) {
        if (event instanceof TaskEvent t
            && t.name().endsWith(".tsum")
            && !later.contains(t.taskId())) later.add(t.taskId());
      }
      assertThat(later).as("y, z and w").hasSize(3);
      GraphStore store = newStore();
      applyAll(store, CanvasCaptures.eventsWithout(shape, later));
      WorkflowGraph graph = onlyWorkflow(store);
      GraphNode first = graph.nodes().get(graph.rootId());
      assertThat(first.type()).isEqualTo(GraphNode.NodeType.CHORD);
      assertThat(first.children()).hasSize(3);
      assertThat(first.bodyId()).isNull();
      assertThat(first.state()).isEqualTo(TaskState.PENDING);
    }
  }

  /**
   * Canvas shapes written from the Celery facts, each in order, reversed and in 40 random orders.
   */
  @Nested
  class GeneratedCanvases {

    @Test
    void chainIntoChord_chordHangsUnderTheChain_callbackFollowsTheContainer() {
      CanvasEvents canvas = new CanvasEvents();
      String a = canvas.id("a");
      String b = canvas.id("b");
      String h1 = canvas.id("h1");
      String h2 = canvas.id("h2");
      String h3 = canvas.id("h3");
      String callback = canvas.id("cb");
      canvas.task(a, "app.first").emit();
      canvas.task(b, "app.second").parent(a).root(a).emit();
      for (String header : List.of(h1, h2, h3)) {
        canvas
            .task(header, "app.add")
            .parent(b)
            .root(a)
            .group("g-chord")
            .chordCallback(callback)
            .emit();
      }
      canvas.task(callback, "app.sum").parent(h3).root(a).emit();

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo(a);
            assertThat(children(graph, a)).containsExactly(b);
            assertThat(children(graph, b)).containsExactly("group:g-chord");
            GraphNode chord = graph.nodes().get("group:g-chord");
            assertThat(chord.type()).isEqualTo(GraphNode.NodeType.CHORD);
            assertThat(chord.name()).isEqualTo("chord");
            assertThat(chord.children()).containsExactly(h1, h2, h3, callback);
            assertThat(children(graph, h3)).isEmpty();
            assertThat(graph.nodes()).hasSize(7);
            assertThat(store.workflowOf(callback)).contains(a);
          });
    }

    @Test
    void groupOfChains_withoutParent_containerIsTheRootAndHoldsEachChainAsALane() {
      CanvasEvents canvas = new CanvasEvents();
      List<List<String>> lanes = new ArrayList<>();
      for (String lane : List.of("a", "b", "c")) {
        String first = canvas.id(lane + "1");
        String second = canvas.id(lane + "2");
        String third = canvas.id(lane + "3");
        canvas.task(first, "app.step").emit();
        canvas.task(second, "app.step").parent(first).root(first).emit();
        canvas.task(third, "app.step").parent(second).root(first).group("g-lanes").emit();
        lanes.add(List.of(first, second, third));
      }

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo("group:g-lanes");
            GraphNode group = graph.nodes().get("group:g-lanes");
            assertThat(group.type()).isEqualTo(GraphNode.NodeType.GROUP);
            assertThat(group.state()).isEqualTo(TaskState.SUCCESS);
            assertThat(group.children())
                .containsExactly(lanes.get(0).get(0), lanes.get(1).get(0), lanes.get(2).get(0));
            for (List<String> lane : lanes) {
              assertThat(children(graph, lane.get(0))).containsExactly(lane.get(1));
              assertThat(children(graph, lane.get(1))).containsExactly(lane.get(2));
            }
            assertThat(graph.nodes()).hasSize(10);
          });
    }

    @Test
    void groupOfChains_spawnedByATask_containerHangsUnderTheSpawner() {
      CanvasEvents canvas = new CanvasEvents();
      String spawner = canvas.id("spawner");
      canvas.task(spawner, "app.spawner").emit();
      List<String> heads = new ArrayList<>();
      for (String lane : List.of("a", "b")) {
        String first = canvas.id(lane + "1");
        String second = canvas.id(lane + "2");
        canvas.task(first, "app.step").parent(spawner).root(spawner).emit();
        canvas.task(second, "app.step").parent(first).root(spawner).group("g-spawned").emit();
        heads.add(first);
      }

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo(spawner);
            assertThat(children(graph, spawner)).containsExactly("group:g-spawned");
            assertThat(children(graph, "group:g-spawned")).containsExactlyElementsOf(heads);
            assertThat(store.children(spawner))
                .extracting(TaskNode::id)
                .containsExactlyElementsOf(heads);
          });
    }

    @Test
    void groupOfChains_oneChainHeadLost_theOtherLanesKeepTheirShape() {
      CanvasEvents canvas = new CanvasEvents();
      String a1 = canvas.task(canvas.id("a1"), "app.step").emit();
      String a2 = canvas.task(canvas.id("a2"), "app.step").parent(a1).group("g-partial").emit();
      String lostHead = canvas.id("b1");
      String b2 =
          canvas.task(canvas.id("b2"), "app.step").parent(lostHead).group("g-partial").emit();

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo("group:g-partial");
            assertThat(children(graph, "group:g-partial")).containsExactly(a1, b2);
            assertThat(children(graph, a1)).containsExactly(a2);
          });
    }

    @Test
    void chordOfChains_lanesThenCallback() {
      CanvasEvents canvas = new CanvasEvents();
      String callback = canvas.id("cb");
      List<String> heads = new ArrayList<>();
      String lastTail = null;
      for (String lane : List.of("a", "b")) {
        String first = canvas.id(lane + "1");
        String tail = canvas.id(lane + "2");
        canvas.task(first, "app.step").emit();
        canvas
            .task(tail, "app.step")
            .parent(first)
            .group("g-chord-lanes")
            .chordCallback(callback)
            .emit();
        heads.add(first);
        lastTail = tail;
      }
      canvas.task(callback, "app.sum").parent(lastTail).emit();

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo("group:g-chord-lanes");
            assertThat(graph.nodes().get(graph.rootId()).type())
                .isEqualTo(GraphNode.NodeType.CHORD);
            assertThat(children(graph, graph.rootId()))
                .containsExactly(heads.get(0), heads.get(1), callback);
            assertThat(store.workflows(WorkflowQuery.all(10, 0)).items())
                .singleElement()
                .satisfies(
                    summary -> {
                      assertThat(summary.rootType()).isEqualTo(GraphNode.NodeType.CHORD);
                      assertThat(summary.taskCount()).isEqualTo(5);
                      assertThat(summary.state()).isEqualTo(TaskState.SUCCESS);
                      assertThat(summary.name()).isEqualTo("app.step");
                    });
          });
    }

    @Test
    void nestedSpawns_threeDeep_oneWorkflowWithEveryLevel() {
      CanvasEvents canvas = new CanvasEvents();
      String root = canvas.id("root");
      canvas.task(root, "app.root").emit();
      List<String> level1 = new ArrayList<>();
      List<String> level2 = new ArrayList<>();
      List<String> level3 = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String child = canvas.task(canvas.id("l1"), "app.l1").parent(root).root(root).emit();
        level1.add(child);
        for (int j = 0; j < 2; j++) {
          String grandchild =
              canvas.task(canvas.id("l2"), "app.l2").parent(child).root(root).emit();
          level2.add(grandchild);
          level3.add(canvas.task(canvas.id("l3"), "app.l3").parent(grandchild).root(root).emit());
        }
      }

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo(root);
            assertThat(graph.nodes()).hasSize(1 + 2 + 4 + 4);
            assertThat(children(graph, root)).containsExactlyElementsOf(level1);
            assertThat(children(graph, level1.get(0)))
                .containsExactly(level2.get(0), level2.get(1));
            assertThat(children(graph, level2.get(3))).containsExactly(level3.get(3));
            for (String task : level3) assertThat(store.workflowOf(task)).contains(root);
            assertThat(store.task(level3.get(0)).orElseThrow().parentId()).isEqualTo(level2.get(0));
          });
    }

    @Test
    void revoked_taskIsRevoked_andGroupOfSuccessAndRevokedIsRevoked() {
      CanvasEvents canvas = new CanvasEvents();
      String ok = canvas.task(canvas.id("ok"), "app.add").group("g-revoked").emit();
      String revoked =
          canvas
              .task(canvas.id("revoked"), "app.add")
              .group("g-revoked")
              .outcome(TaskState.REVOKED)
              .emit();

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.nodes().get("group:g-revoked").state()).isEqualTo(TaskState.REVOKED);
            assertThat(store.task(revoked).orElseThrow().state()).isEqualTo(TaskState.REVOKED);
            assertThat(store.task(ok).orElseThrow().state()).isEqualTo(TaskState.SUCCESS);
          });
    }

    @Test
    void containerState_failureBeatsRunningBeatsPendingBeatsRevokedBeatsSuccess() {
      assertThat(groupState(TaskState.SUCCESS, TaskState.FAILURE, TaskState.STARTED))
          .isEqualTo(TaskState.FAILURE);
      assertThat(groupState(TaskState.SUCCESS, TaskState.PENDING, TaskState.STARTED))
          .isEqualTo(TaskState.STARTED);
      assertThat(groupState(TaskState.SUCCESS, TaskState.REVOKED, TaskState.PENDING))
          .isEqualTo(TaskState.PENDING);
      assertThat(groupState(TaskState.SUCCESS, TaskState.REVOKED)).isEqualTo(TaskState.REVOKED);
      assertThat(groupState(TaskState.SUCCESS, TaskState.SUCCESS)).isEqualTo(TaskState.SUCCESS);
    }

    @Test
    void apply_randomMessyLinks_everyTaskStillAppearsExactlyOnce() {
      TaskState[] states = TaskState.values();
      for (long seed = 1; seed <= 300; seed++) {
        Random random = new Random(seed);
        GraphStore store = newStore(random.nextBoolean() ? 100_000 : 12);
        int tasks = 3 + random.nextInt(20);
        for (int i = 0; i < 40; i++) {
          // parents, roots, groups and callbacks point anywhere: cycles, self links, unknown ids
          TaskEvent.Builder event =
              TaskEvent.builder("t" + random.nextInt(tasks), states[random.nextInt(states.length)])
                  .name(random.nextInt(4) == 0 ? null : "app.n" + random.nextInt(3))
                  .retries(random.nextInt(3))
                  .timestamp(T0.plusMillis(random.nextInt(50)));
          if (random.nextInt(3) == 0) event.parentId("t" + random.nextInt(tasks + 3));
          if (random.nextInt(4) == 0) event.rootId("t" + random.nextInt(tasks + 3));
          if (random.nextInt(4) == 0) event.groupId("g" + random.nextInt(3));
          if (random.nextInt(6) == 0) event.chordCallbackId("t" + random.nextInt(tasks + 3));
          store.apply(event.build());
        }
        try {
          CaptureExpectations.assertEveryTaskExactlyOnce(store);
          assertThat(store.tasks(TaskQuery.all(100, 0)).total()).isEqualTo(store.taskCount());
          assertThat(store.workflows(WorkflowQuery.all(100, 0)).total())
              .isEqualTo(store.workflowCount());
        } catch (AssertionError e) {
          throw new AssertionError("random links with seed " + seed + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** Out-of-order and messy events: precedence, late links, duplicates, self-parents. */
  @Nested
  class EventSemantics {

    @Test
    void apply_childBeforeParent_linksWhenParentArrives() {
      GraphStore store = newStore();
      store.apply(
          event("child", TaskState.STARTED, 5).toBuilder()
              .parentId("parent")
              .rootId("parent")
              .build());
      assertThat(store.workflowOf("child")).contains("child");
      assertThat(store.workflowCount()).isEqualTo(1);

      store.apply(event("parent", TaskState.STARTED, 1));
      assertThat(store.workflowCount()).isEqualTo(1);
      assertThat(store.workflowOf("child")).contains("parent");
      assertThat(store.children("parent")).extracting(TaskNode::id).containsExactly("child");
      assertThat(store.workflow("parent").orElseThrow().nodes().get("parent").children())
          .containsExactly("child");
      assertThat(store.workflow("child")).as("no longer a root").isEmpty();
    }

    @Test
    void apply_parentNeverArrives_rootHintKeepsTheTaskInItsWorkflow() {
      CanvasEvents canvas = new CanvasEvents();
      String root = canvas.task(canvas.id("root"), "app.root").emit();
      String lost = canvas.id("lost"); // its events were trimmed from the stream
      String orphan = canvas.task(canvas.id("orphan"), "app.orphan").parent(lost).root(root).emit();
      String grandchild =
          canvas.task(canvas.id("grandchild"), "app.leaf").parent(orphan).root(root).emit();

      forEveryOrder(
          canvas,
          store -> {
            WorkflowGraph graph = onlyWorkflow(store);
            assertThat(graph.rootId()).isEqualTo(root);
            assertThat(children(graph, root)).containsExactly(orphan);
            assertThat(children(graph, orphan)).containsExactly(grandchild);
            assertThat(store.task(orphan).orElseThrow().parentId()).isEqualTo(lost);
          });

      GraphStore store = newStore();
      applyAll(store, canvas.events());
      store.apply(
          TaskEvent.builder(lost, TaskState.STARTED)
              .name("app.lost")
              .parentId(root)
              .rootId(root)
              .timestamp(canvas.events().get(0).timestamp().plusNanos(1))
              .build());
      WorkflowGraph graph = onlyWorkflow(store);
      assertThat(children(graph, root)).containsExactly(lost);
      assertThat(children(graph, lost)).containsExactly(orphan);
    }

    @Test
    void apply_rootThatLaterGetsAParent_mergesIntoTheParentsWorkflow() {
      GraphStore store = newStore();
      store.apply(event("parent", TaskState.STARTED, 1));
      store.apply(event("child", TaskState.PENDING, 2));
      store.apply(event("grandchild", TaskState.STARTED, 4).toBuilder().parentId("child").build());
      assertThat(store.workflowCount()).isEqualTo(2);

      store.apply(event("child", TaskState.STARTED, 3).toBuilder().parentId("parent").build());
      assertThat(store.workflowCount()).isEqualTo(1);
      assertThat(store.workflowOf("grandchild")).contains("parent");
      assertThat(onlyWorkflow(store).nodes().keySet())
          .containsExactly("parent", "child", "grandchild");
    }

    @Test
    void apply_latePendingOfAnEarlierAttempt_doesNotRegress() {
      GraphStore store = newStore();
      store.apply(event("t", TaskState.STARTED, 10).toBuilder().retries(1).build());
      store.apply(event("t", TaskState.PENDING, 1));
      store.apply(event("t", TaskState.RETRY, 5));
      TaskNode task = store.task("t").orElseThrow();
      assertThat(task.state()).isEqualTo(TaskState.STARTED);
      assertThat(task.retries()).isEqualTo(1);
      assertThat(task.attempts())
          .extracting(a -> a.state())
          .containsExactly(TaskState.RETRY, TaskState.STARTED);
    }

    @Test
    void apply_lateStartedAfterTerminal_staysTerminal() {
      GraphStore store = newStore();
      store.apply(event("t", TaskState.SUCCESS, 10));
      store.apply(event("t", TaskState.STARTED, 5));
      store.apply(event("t", TaskState.PENDING, 1));
      TaskNode task = store.task("t").orElseThrow();
      assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(task.events())
          .extracting(TaskEvent::state)
          .containsExactly(TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS);
      assertThat(task.firstSeen()).isEqualTo(T0.plusMillis(1));
      assertThat(task.lastUpdated()).isEqualTo(T0.plusMillis(10));
      assertThat(task.queueTime()).isEqualTo(Duration.ofMillis(4));
      assertThat(task.runTime()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void apply_nameArrivesAfterTheFirstEvent_taskIsFoundByIt() {
      GraphStore store = newStore();
      store.apply(TaskEvent.builder("t", TaskState.PENDING).timestamp(T0).build());
      assertThat(store.tasks(new TaskQuery(null, "late", null, null, 10, 0)).total()).isZero();
      assertThat(store.task("t").orElseThrow().name()).isNull();

      store.apply(event("t", TaskState.STARTED, 1).toBuilder().name("app.late_name").build());
      Page<TaskNode> page =
          store.tasks(new TaskQuery(Set.of(TaskState.STARTED), "late", null, null, 10, 0));
      assertThat(page.total()).isEqualTo(1);
      assertThat(page.items()).extracting(TaskNode::id).containsExactly("t");
      assertThat(store.registry("late", null))
          .singleElement()
          .satisfies(entry -> assertThat(entry.executionCount()).isEqualTo(1));
    }

    @Test
    void apply_exactDuplicate_isIgnored() {
      GraphStore store = newStore();
      store.apply(event("t", TaskState.STARTED, 1));
      store.apply(event("t", TaskState.STARTED, 1));
      store.apply(event("t", TaskState.STARTED, 2));
      assertThat(store.task("t").orElseThrow().events()).hasSize(2);
      assertThat(store.taskCount()).isEqualTo(1);
    }

    @Test
    void apply_laterEventWithoutStructure_keepsWhatWasKnown() {
      GraphStore store = newStore();
      store.apply(event("p", TaskState.STARTED, 0));
      store.apply(event("t", TaskState.STARTED, 1).toBuilder().parentId("p").groupId("g1").build());
      store.apply(event("t", TaskState.SUCCESS, 2));
      store.apply(event("t", TaskState.STARTED, 3).toBuilder().retries(1).parentId("t").build());
      TaskNode task = store.task("t").orElseThrow();
      assertThat(task.parentId()).isEqualTo("p");
      assertThat(task.groupId()).isEqualTo("g1");
      assertThat(store.workflowOf("t")).contains("p");
    }

    @Test
    void apply_selfParentAfterRetry_isIgnored() {
      GraphStore store = newStore();
      store.apply(event("t", TaskState.STARTED, 1));
      store.apply(event("t", TaskState.RETRY, 2));
      store.apply(
          event("t", TaskState.STARTED, 3).toBuilder()
              .retries(1)
              .parentId("t")
              .rootId("t")
              .build());
      store.apply(
          event("t", TaskState.SUCCESS, 4).toBuilder()
              .retries(1)
              .parentId("t")
              .rootId("t")
              .build());
      TaskNode task = store.task("t").orElseThrow();
      assertThat(task.parentId()).isNull();
      assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
      assertThat(task.attempts()).hasSize(2);
      assertThat(task.runTime()).isEqualTo(Duration.ofMillis(1));
      assertThat(store.workflow("t").orElseThrow().nodes()).hasSize(1);
    }

    @Test
    void apply_retriesAndResult_taskFieldsComeFromTheRightEvents() {
      CanvasEvents canvas = new CanvasEvents();
      String id = canvas.task(canvas.id("flaky"), "app.flaky").retries(2).emit();
      forEveryOrder(
          canvas,
          store -> {
            TaskNode task = store.task(id).orElseThrow();
            assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
            assertThat(task.result()).isEqualTo(3);
            assertThat(task.args()).isEqualTo(List.of(1, 2));
            // the attempt that decided the state raised nothing; the retries keep their exceptions
            assertThat(task.exception()).isNull();
            assertThat(task.traceback()).isNull();
            assertThat(task.attempts()).extracting(a -> a.number()).containsExactly(0, 1, 2);
            assertThat(task.attempts())
                .extracting(a -> a.exception())
                .containsExactly("TimeoutError()", "TimeoutError()", null);
            assertThat(task.attempts().get(0).runTime()).isEqualTo(Duration.ofMillis(1));
            assertThat(task.attempts().get(0).exception()).isEqualTo("TimeoutError()");
            assertThat(task.queueTime()).isEqualTo(Duration.ofMillis(1));
            assertThat(task.runTime()).isEqualTo(Duration.ofMillis(1));
          });
    }
  }

  /** Task and workflow lists: order, paging, totals and filters. */
  @Nested
  class Queries {

    @Test
    void tasks_newestFirst_pagedWithTotal() {
      GraphStore store = thirtyTasks();
      Page<TaskNode> first = store.tasks(TaskQuery.all(10, 0));
      assertThat(first.total()).isEqualTo(30);
      assertThat(first.items())
          .extracting(TaskNode::id)
          .startsWith("task-29", "task-28")
          .hasSize(10);
      Page<TaskNode> last = store.tasks(TaskQuery.all(10, 25));
      assertThat(last.items())
          .extracting(TaskNode::id)
          .containsExactly("task-04", "task-03", "task-02", "task-01", "task-00");
      assertThat(last.total()).isEqualTo(30);
      assertThat(store.tasks(TaskQuery.all(10, 40)).items()).isEmpty();
    }

    @Test
    void tasks_filterByState() {
      GraphStore store = thirtyTasks();
      Page<TaskNode> failures =
          store.tasks(new TaskQuery(Set.of(TaskState.FAILURE), null, null, null, 5, 0));
      assertThat(failures.total()).isEqualTo(12);
      assertThat(failures.items())
          .extracting(TaskNode::id)
          .containsExactly("task-29", "task-26", "task-24", "task-21", "task-19");
      Page<TaskNode> two =
          store.tasks(
              new TaskQuery(
                  Set.of(TaskState.FAILURE, TaskState.PENDING), null, null, null, 100, 0));
      assertThat(two.total()).isEqualTo(18);
      assertThat(two.items())
          .hasSize(18)
          .allSatisfy(t -> assertThat(t.state()).isIn(TaskState.FAILURE, TaskState.PENDING));
    }

    @Test
    void tasks_filterByNameSubstring_caseInsensitive_mergesNamesNewestFirst() {
      GraphStore store = thirtyTasks();
      Page<TaskNode> app = store.tasks(new TaskQuery(null, "APP.", null, null, 4, 0));
      assertThat(app.total()).isEqualTo(20);
      assertThat(app.items())
          .extracting(TaskNode::id)
          .containsExactly("task-28", "task-27", "task-25", "task-24");
      Page<TaskNode> page2 = store.tasks(new TaskQuery(null, "app.", null, null, 4, 4));
      assertThat(page2.items())
          .extracting(TaskNode::id)
          .containsExactly("task-22", "task-21", "task-19", "task-18");
      Page<TaskNode> gamma =
          store.tasks(new TaskQuery(Set.of(TaskState.SUCCESS), "gamma", null, null, 100, 0));
      assertThat(gamma.items())
          .extracting(TaskNode::id)
          .containsExactly("task-23", "task-20", "task-08", "task-05");
      assertThat(gamma.total()).isEqualTo(4);
      assertThat(store.tasks(new TaskQuery(null, "nothing-like-it", null, null, 10, 0)).total())
          .isZero();
    }

    @Test
    void tasks_filterByTimeRange_inclusive() {
      GraphStore store = thirtyTasks();
      Page<TaskNode> range =
          store.tasks(new TaskQuery(null, null, T0.plusSeconds(10), T0.plusSeconds(14), 3, 0));
      assertThat(range.total()).isEqualTo(5);
      assertThat(range.items())
          .extracting(TaskNode::id)
          .containsExactly("task-14", "task-13", "task-12");
      Page<TaskNode> combined =
          store.tasks(
              new TaskQuery(Set.of(TaskState.SUCCESS), "alpha", T0.plusSeconds(10), null, 10, 0));
      assertThat(combined.items()).extracting(TaskNode::id).containsExactly("task-18", "task-15");
      assertThat(combined.total()).isEqualTo(2);
    }

    @Test
    void workflows_newestFirst_pagedAndFiltered() {
      CanvasEvents canvas = new CanvasEvents();
      List<String> roots = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String root =
            canvas
                .task(canvas.id("root"), i % 2 == 0 ? "app.even" : "app.odd")
                .outcome(i == 3 ? TaskState.FAILURE : TaskState.SUCCESS)
                .emit();
        canvas.task(canvas.id("child"), "app.child").parent(root).emit();
        roots.add(root);
        canvas.pause(Duration.ofSeconds(1));
      }
      GraphStore store = newStore();
      applyAll(store, canvas.events());

      Page<WorkflowSummary> page = store.workflows(WorkflowQuery.all(4, 0));
      assertThat(page.total()).isEqualTo(6);
      assertThat(page.items())
          .extracting(WorkflowSummary::rootId)
          .containsExactly(roots.get(5), roots.get(4), roots.get(3), roots.get(2));
      assertThat(page.items()).allSatisfy(s -> assertThat(s.taskCount()).isEqualTo(2));
      assertThat(store.workflows(WorkflowQuery.all(4, 4)).items())
          .extracting(WorkflowSummary::rootId)
          .containsExactly(roots.get(1), roots.get(0));

      Page<WorkflowSummary> failed =
          store.workflows(new WorkflowQuery(Set.of(TaskState.FAILURE), null, null, null, 10, 0));
      assertThat(failed.total()).isEqualTo(1);
      assertThat(failed.items()).extracting(WorkflowSummary::rootId).containsExactly(roots.get(3));
      Page<WorkflowSummary> odd = store.workflows(new WorkflowQuery(null, "ODD", null, null, 1, 1));
      assertThat(odd.total()).isEqualTo(3);
      assertThat(odd.items()).extracting(WorkflowSummary::rootId).containsExactly(roots.get(3));
      WorkflowSummary newest = page.items().get(0);
      Page<WorkflowSummary> recent =
          store.workflows(new WorkflowQuery(null, null, newest.firstSeen(), null, 10, 0));
      assertThat(recent.items()).extracting(WorkflowSummary::rootId).containsExactly(roots.get(5));
    }

    @Test
    void queries_unknownIds_areEmpty() {
      GraphStore store = newStore();
      applyAll(store, CaptureExpectations.pythonCanvasEvents());
      assertThat(store.task("nope")).isEmpty();
      assertThat(store.children("nope")).isEmpty();
      assertThat(store.workflow("nope")).isEmpty();
      assertThat(store.workflow("group:nope")).isEmpty();
      assertThat(store.workflowOf("nope")).isEmpty();
      assertThat(store.worker("nope")).isEmpty();
      String member =
          store
              .tasks(new TaskQuery(null, "parent", null, null, 1, 0))
              .items()
              .get(0)
              .childIds()
              .get(0);
      assertThat(store.workflow(member)).as("a task that is not a root").isEmpty();
    }
  }

  /** Workers and the task-name registry. */
  @Nested
  class WorkersAndRegistry {

    @Test
    void workers_readyThenShutdown_onlineFirstThenByName() {
      GraphStore store = newStore();
      store.apply(ready("b@host", 1, "app.one"));
      store.apply(ready("a@host", 2, "app.one", "app.two"));
      store.apply(ready("c@host", 3, "app.two"));
      store.apply(shutdown("a@host", 10));
      store.apply(ready("a@host", 5, "app.one")); // late and older than the shutdown: stays offline

      assertThat(store.workers())
          .extracting(WorkerInfo::hostname)
          .containsExactly("b@host", "c@host", "a@host");
      WorkerInfo a = store.worker("a@host").orElseThrow();
      assertThat(a.status()).isEqualTo(WorkerInfo.Status.OFFLINE);
      assertThat(a.registeredTasks()).containsExactly("app.one");
      assertThat(a.registeredAt()).isEqualTo(T0.plusSeconds(5));
      assertThat(a.lastSeen()).isEqualTo(T0.plusSeconds(10));
      assertThat(store.worker("b@host").orElseThrow().status()).isEqualTo(WorkerInfo.Status.ONLINE);
    }

    @Test
    void registry_statusesFromWorkersAndEvents() {
      GraphStore store = newStore();
      store.apply(ready("w1", 1, "app.run", "app.idle"));
      store.apply(ready("w2", 1, "app.run"));
      store.apply(event("t1", TaskState.SUCCESS, 1).toBuilder().name("app.run").build());
      store.apply(event("t2", TaskState.SUCCESS, 2).toBuilder().name("app.run").build());
      store.apply(event("t3", TaskState.PENDING, 3).toBuilder().name("app.unknown").build());

      List<RegistryEntry> all = store.registry(null, null);
      assertThat(all)
          .extracting(RegistryEntry::name)
          .containsExactly("app.idle", "app.run", "app.unknown");
      assertThat(all)
          .extracting(RegistryEntry::status)
          .containsExactly(
              RegistryEntry.Status.NEVER_RUN,
              RegistryEntry.Status.ACTIVE,
              RegistryEntry.Status.NOT_REGISTERED);
      RegistryEntry run = all.get(1);
      assertThat(run.executionCount()).isEqualTo(2);
      assertThat(run.registeredBy()).containsExactly("w1", "w2");
      assertThat(run.lastRun()).isEqualTo(T0.plusMillis(2));
      assertThat(run.docstring()).isEqualTo("doc app.run");
      assertThat(all.get(0).lastRun()).isNull();
      assertThat(store.registry("RUN", null))
          .extracting(RegistryEntry::name)
          .containsExactly("app.run");
      assertThat(store.registry(null, RegistryEntry.Status.NEVER_RUN))
          .extracting(RegistryEntry::name)
          .containsExactly("app.idle");
    }
  }

  /** Eviction of whole oldest workflows, from every index. */
  @Nested
  class BoundedMemory {

    @Test
    void eviction_dropsWholeOldestWorkflows() {
      GraphStore store = newStore(10);
      CanvasEvents canvas = new CanvasEvents();
      List<List<String>> workflows = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String root = canvas.task(canvas.id("root"), "app.root").emit();
        String child = canvas.task(canvas.id("child"), "app.child").parent(root).emit();
        String grandchild = canvas.task(canvas.id("grandchild"), "app.child").parent(child).emit();
        workflows.add(List.of(root, child, grandchild));
      }
      applyAll(store, canvas.events());

      assertThat(store.taskCount()).isLessThanOrEqualTo(10);
      assertThat(store.workflowCount()).isEqualTo(3);
      for (int i = 0; i < 6; i++) {
        List<String> ids = workflows.get(i);
        if (i < 3) {
          for (String id : ids) assertThat(store.task(id)).as("evicted " + id).isEmpty();
        } else {
          assertThat(store.workflow(ids.get(0)).orElseThrow().nodes()).hasSize(3);
        }
      }
      CaptureExpectations.assertEveryTaskExactlyOnce(store);
      assertThat(store.tasks(TaskQuery.all(100, 0)).total()).isEqualTo(9);
      assertThat(store.registry(null, null))
          .extracting(RegistryEntry::executionCount)
          .containsExactly(6L, 3L);
    }
  }

  /**
   * Keyset paging: a page's next cursor starts the next page right after it, whatever arrived
   * meanwhile; an end cursor re-reads a span; a cursor the store did not make is refused.
   */
  @Nested
  class CursorPaging {

    @Test
    void tasks_pagedByCursor_whileTasksArrive_everyTaskExactlyOnce() {
      GraphStore store = thirtyTasks();
      List<String> before = allTaskIds(store, TaskQuery.all(100, 0));
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int arrived = 0;
      int pages = 0;
      do {
        Page<TaskNode> page = store.tasks(TaskQuery.all(7, 0).withCursor(cursor));
        page.items().forEach(t -> seen.add(t.id()));
        cursor = page.nextCursor();
        pages++;
        // between two requests: new tasks, and late events for tasks already listed
        for (int i = 0; i < 4; i++) {
          store.apply(event("new-" + arrived++, TaskState.PENDING, 60_000 + arrived));
        }
        store.apply(event(before.get(0), TaskState.SUCCESS, 90_000 + pages));
      } while (cursor != null);

      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(before);
      assertThat(pages).isEqualTo(5);
    }

    @Test
    void tasks_filteredByNameAndState_pagedByCursor_matchesOffsetPaging() {
      GraphStore store = thirtyTasks();
      TaskQuery query =
          new TaskQuery(Set.of(TaskState.SUCCESS, TaskState.FAILURE), "app.", null, null, 3, 0);
      List<String> byOffset = allTaskIds(store, query.withCursor(null));
      List<String> seen = new ArrayList<>();
      String cursor = null;
      int arrived = 0;
      do {
        Page<TaskNode> page = store.tasks(query.withCursor(cursor));
        assertThat(page.total()).isGreaterThanOrEqualTo(byOffset.size());
        page.items().forEach(t -> seen.add(t.id()));
        cursor = page.nextCursor();
        store.apply(
            TaskEvent.builder("late-" + arrived++, TaskState.SUCCESS)
                .name("app.alpha")
                .timestamp(T0.plusSeconds(100 + arrived))
                .build());
      } while (cursor != null);
      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(byOffset);
      assertThat(byOffset).hasSize(16);
    }

    @Test
    void tasks_filteredByTime_pagedByCursor_totalCountsTheWholeQuery() {
      GraphStore store = thirtyTasks();
      TaskQuery query = new TaskQuery(null, null, T0.plusSeconds(10), T0.plusSeconds(19), 4, 0);
      Page<TaskNode> first = store.tasks(query);
      Page<TaskNode> second = store.tasks(query.withCursor(first.nextCursor()));
      Page<TaskNode> third = store.tasks(query.withCursor(second.nextCursor()));
      assertThat(first.items()).extracting(TaskNode::id).startsWith("task-19");
      assertThat(third.items()).extracting(TaskNode::id).containsExactly("task-11", "task-10");
      assertThat(List.of(first.total(), second.total(), third.total())).containsOnly(10L);
      assertThat(third.nextCursor()).isNull();
    }

    @Test
    void tasks_lastPageAndEmptyStore_haveNoNextCursor() {
      GraphStore store = thirtyTasks();
      assertThat(store.tasks(TaskQuery.all(30, 0)).nextCursor()).isNull();
      assertThat(store.tasks(TaskQuery.all(29, 0)).nextCursor()).isNotNull();
      assertThat(store.tasks(TaskQuery.all(10, 25)).nextCursor()).isNull();
      assertThat(newStore().tasks(TaskQuery.all(10, 0)).nextCursor()).isNull();
      assertThat(newStore().workflows(WorkflowQuery.all(10, 0)).nextCursor()).isNull();
    }

    @Test
    void tasks_offsetAfterACursor_skipsFromTheCursor() {
      GraphStore store = thirtyTasks();
      String cursor = store.tasks(TaskQuery.all(10, 0)).nextCursor();
      assertThat(store.tasks(TaskQuery.all(2, 3).withCursor(cursor)).items())
          .extracting(TaskNode::id)
          .containsExactly("task-16", "task-15");
    }

    @Test
    void tasks_firstPageReadAgainUpToItsNextCursor_holdsWhatArrivedAndMeetsTheSecondPage() {
      GraphStore store = thirtyTasks();
      Page<TaskNode> first = store.tasks(TaskQuery.all(10, 0));
      Page<TaskNode> second = store.tasks(TaskQuery.all(10, 0).withCursor(first.nextCursor()));
      store.apply(event("new-a", TaskState.PENDING, 70_000));
      store.apply(event("new-b", TaskState.PENDING, 70_001));
      store.apply(event("task-25", TaskState.REVOKED, 70_002));

      Page<TaskNode> again = store.tasks(TaskQuery.all(100, 0).withEndCursor(first.nextCursor()));
      List<String> expected = new ArrayList<>(List.of("new-b", "new-a"));
      first.items().forEach(t -> expected.add(t.id()));
      assertThat(again.items()).extracting(TaskNode::id).containsExactlyElementsOf(expected);
      assertThat(again.nextCursor()).as("the whole span fitted").isNull();
      assertThat(again.items())
          .filteredOn(t -> t.id().equals("task-25"))
          .extracting(TaskNode::state)
          .containsExactly(TaskState.REVOKED);
      assertThat(again.items())
          .extracting(TaskNode::id)
          .doesNotContainAnyElementsOf(second.items().stream().map(TaskNode::id).toList());

      Page<TaskNode> tooSmall = store.tasks(TaskQuery.all(5, 0).withEndCursor(first.nextCursor()));
      assertThat(tooSmall.items()).hasSize(5);
      assertThat(tooSmall.nextCursor()).as("more of the span is left").isNotNull();
    }

    @Test
    void workflows_pagedByCursor_whileWorkflowsArrive_everyWorkflowExactlyOnce() {
      GraphStore store = newStore();
      CanvasEvents canvas = new CanvasEvents();
      for (int i = 0; i < 23; i++) {
        String root =
            canvas
                .task(canvas.id("root"), "app.root")
                .outcome(i % 4 == 0 ? TaskState.FAILURE : TaskState.SUCCESS)
                .emit();
        canvas.task(canvas.id("child"), "app.child").parent(root).emit();
      }
      applyAll(store, canvas.events());
      for (WorkflowQuery query :
          List.of(
              WorkflowQuery.all(5, 0),
              new WorkflowQuery(Set.of(TaskState.SUCCESS), "root", null, null, 4, 0))) {
        List<String> expected = allWorkflowIds(store, query);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int arrived = 0;
        do {
          Page<WorkflowSummary> page = store.workflows(query.withCursor(cursor));
          assertThat(page.total()).isGreaterThanOrEqualTo(expected.size());
          page.items().forEach(s -> seen.add(s.rootId()));
          cursor = page.nextCursor();
          CanvasEvents more = new CanvasEvents();
          String root = more.task("arrived-" + query.limit() + "-" + arrived++, "app.root").emit();
          more.task(root + "-child", "app.child").parent(root).emit();
          applyAll(store, more.events());
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
      }
    }

    @Test
    void malformedCursor_isRefusedAsInvalid() {
      GraphStore store = thirtyTasks();
      for (String bad :
          List.of("garbage", "a", "a-1", "A1", "a%2F", "a 1", "a" + "z".repeat(20), "\u0000")) {
        assertThatThrownBy(() -> store.tasks(TaskQuery.all(5, 0).withCursor(bad)))
            .as(bad)
            .isInstanceOf(InvalidCursorException.class)
            .hasMessageContaining("cursor");
        assertThatThrownBy(() -> store.tasks(TaskQuery.all(5, 0).withEndCursor(bad)))
            .as(bad)
            .isInstanceOf(InvalidCursorException.class);
        assertThatThrownBy(() -> store.workflows(WorkflowQuery.all(5, 0).withCursor(bad)))
            .as(bad)
            .isInstanceOf(InvalidCursorException.class);
      }
      assertThat(store.tasks(TaskQuery.all(5, 0).withCursor("")).items())
          .as("an empty cursor is the first page")
          .hasSize(5);
    }

    private List<String> allWorkflowIds(GraphStore store, WorkflowQuery query) {
      List<String> ids = new ArrayList<>();
      for (int offset = 0; ; offset += 100) {
        Page<WorkflowSummary> page =
            store.workflows(
                new WorkflowQuery(
                    query.states(), query.nameContains(), query.from(), query.to(), 100, offset));
        if (page.items().isEmpty()) return ids;
        page.items().forEach(s -> ids.add(s.rootId()));
      }
    }

    private List<String> allTaskIds(GraphStore store, TaskQuery query) {
      List<String> ids = new ArrayList<>();
      int offset = 0;
      while (true) {
        Page<TaskNode> page =
            store.tasks(
                new TaskQuery(
                    query.states(), query.nameContains(), query.from(), query.to(), 100, offset));
        if (page.items().isEmpty()) return ids;
        page.items().forEach(t -> ids.add(t.id()));
        offset += page.items().size();
      }
    }
  }
}
