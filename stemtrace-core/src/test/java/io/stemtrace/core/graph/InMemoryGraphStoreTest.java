package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.testing.CanvasEvents;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.GraphStoreContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InMemoryGraphStoreTest extends GraphStoreContractTest {

  @Override
  protected GraphStore newStore(int maxNodes) {
    return InMemoryGraphStore.create(maxNodes);
  }

  /**
   * Per batch: a chord under a root task (headers before the callback), a child whose parent never
   * arrives, a task first seen without a name, and a group of chains.
   */
  private static CanvasEvents batches(int count) {
    CanvasEvents canvas = new CanvasEvents();
    for (int i = 0; i < count; i++) {
      String root = canvas.task(canvas.id("root"), "app.root").emit();
      String callback = canvas.id("callback");
      canvas
          .task(canvas.id("header"), "app.header")
          .parent(root)
          .group("chord-" + i)
          .chordCallback(callback)
          .emit();
      String last =
          canvas
              .task(canvas.id("header"), "app.header")
              .parent(root)
              .group("chord-" + i)
              .chordCallback(callback)
              .emit();
      canvas.task(callback, "app.callback").parent(last).emit();
      canvas
          .task(canvas.id("orphan"), "app.orphan-" + i)
          .parent("missing-" + i)
          .root("missing-root-" + i)
          .emit();
      String first = canvas.task(canvas.id("lane"), "app.lane").emit();
      canvas.task(canvas.id("lane"), "app.lane").parent(first).group("lanes-" + i).emit();
    }
    return canvas;
  }

  @Test
  void eviction_leavesEveryTableAtTheSizeTheRemainingWorkflowsNeed() {
    CanvasEvents canvas = batches(12);
    List<TaskEvent> events = new ArrayList<>(canvas.events());
    // an unnamed first event for one task per batch, named by its later events
    events.add(
        TaskEvent.builder("unnamed-late", TaskState.PENDING)
            .timestamp(events.get(0).timestamp())
            .build());
    events.add(
        TaskEvent.builder("unnamed-late", TaskState.SUCCESS)
            .name("app.named-later")
            .timestamp(events.get(1).timestamp())
            .build());
    InMemoryGraphStore store = InMemoryGraphStore.create(20);
    for (TaskEvent event : events) store.apply(event);
    assertThat(store.taskCount()).isLessThanOrEqualTo(20);
    assertThat(store.evictedWorkflowCount()).isPositive();

    Set<String> kept =
        store.tasks(TaskQuery.all(1000, 0)).items().stream()
            .map(TaskNode::id)
            .collect(Collectors.toSet());
    InMemoryGraphStore fresh = InMemoryGraphStore.create(1000);
    for (TaskEvent event : events) {
      if (kept.contains(event.taskId())) fresh.apply(event);
    }
    assertThat(fresh.taskCount()).isEqualTo(store.taskCount());
    assertThat(fresh.workflowCount()).isEqualTo(store.workflowCount());

    InMemoryGraphStore.TableSizes after = store.tableSizes();
    InMemoryGraphStore.TableSizes expected = fresh.tableSizes();
    assertThat(after.tasksById()).isEqualTo(expected.tasksById());
    assertThat(after.tasksBySeq()).isEqualTo(expected.tasksBySeq());
    assertThat(after.names()).isEqualTo(expected.names());
    assertThat(after.nameListEntries()).isEqualTo(expected.nameListEntries());
    assertThat(after.nameCounts()).isEqualTo(expected.nameCounts());
    assertThat(after.stateCounts()).isEqualTo(expected.stateCounts());
    assertThat(after.awaitingParentKeys()).isEqualTo(expected.awaitingParentKeys()).isPositive();
    assertThat(after.awaitingChildren()).isEqualTo(expected.awaitingChildren());
    assertThat(after.awaitingRootKeys()).isEqualTo(expected.awaitingRootKeys()).isPositive();
    assertThat(after.awaitingRootTasks()).isEqualTo(expected.awaitingRootTasks());
    assertThat(after.groups()).isEqualTo(expected.groups()).isPositive();
    assertThat(after.groupsInWorkflows()).isEqualTo(expected.groupsInWorkflows());
    assertThat(after.chordsByCallback()).isEqualTo(expected.chordsByCallback()).isPositive();
    assertThat(after.workflows()).isEqualTo(expected.workflows());
    assertThat(after.workflowMembers())
        .isEqualTo(expected.workflowMembers())
        .isEqualTo(after.tasksById());
    // holes left by removals are reclaimed: slots stay within about twice the live entries
    assertThat(after.tasksBySeqSlots()).isLessThanOrEqualTo(2 * after.tasksBySeq() + SeqList.SLACK);
    assertThat(after.workflowSlots()).isLessThanOrEqualTo(2 * after.workflows() + SeqList.SLACK);
    CaptureExpectations.assertEveryTaskExactlyOnce(store);
  }

  @Test
  void payloads_repeatedAcrossATasksEvents_areKeptOnce_andEveryEventComesBackAsItArrived() {
    InMemoryGraphStore store = InMemoryGraphStore.create(100);
    java.time.Instant at = java.time.Instant.parse("2026-11-26T07:00:00Z");
    List<Object> args = List.of(1, "two");
    java.util.Map<String, Object> kwargs = new java.util.LinkedHashMap<>();
    kwargs.put("a", 1);
    kwargs.put("b", 2);
    java.util.Map<String, Object> reordered = new java.util.LinkedHashMap<>();
    reordered.put("b", 2);
    reordered.put("a", 1);
    List<TaskEvent> sent =
        List.of(
            TaskEvent.builder("t", TaskState.PENDING)
                .name("n")
                .timestamp(at)
                .args(args)
                .kwargs(kwargs)
                .build(),
            TaskEvent.builder("t", TaskState.STARTED)
                .name("n")
                .timestamp(at.plusMillis(1))
                .args(new ArrayList<>(args))
                .kwargs(new java.util.LinkedHashMap<>(kwargs))
                .build(),
            // equal as maps, but in another key order: must not be replaced by the earlier one
            TaskEvent.builder("t", TaskState.RETRY)
                .name("n")
                .timestamp(at.plusMillis(2))
                .args(List.of(1L, "two"))
                .kwargs(reordered)
                .exception("boom")
                .build(),
            TaskEvent.builder("t", TaskState.SUCCESS)
                .name("n")
                .timestamp(at.plusMillis(3))
                .args(List.of(1L, "two"))
                .kwargs(reordered)
                .result(java.util.Map.of("ok", true))
                .build());
    for (TaskEvent event : sent) store.apply(event);

    List<TaskEvent> kept = store.task("t").orElseThrow().events();
    assertThat(kept).isEqualTo(sent);
    // STARTED repeats PENDING's args and kwargs: one copy serves both
    assertThat(kept.get(1).args()).isSameAs(kept.get(0).args());
    assertThat(kept.get(1).kwargs()).isSameAs(kept.get(0).kwargs());
    // Long 1 is not Integer 1, and another key order is another payload
    assertThat(kept.get(2).args()).isNotSameAs(kept.get(1).args()).isEqualTo(List.of(1L, "two"));
    assertThat(List.copyOf(((java.util.Map<?, ?>) kept.get(2).kwargs()).keySet()))
        .isEqualTo(List.of("b", "a"));
    assertThat(kept.get(3).args()).isSameAs(kept.get(2).args());
    assertThat(kept.get(3).kwargs()).isSameAs(kept.get(2).kwargs());
    assertThat(kept.get(3).exception()).isNull();
    assertThat(kept.get(3).result()).isEqualTo(java.util.Map.of("ok", true));
  }

  @Test
  void sameJson_comparesValueTypesAndKeyOrder() {
    assertThat(InMemoryGraphStore.sameJson(List.of(1, List.of("a")), List.of(1, List.of("a"))))
        .isTrue();
    assertThat(InMemoryGraphStore.sameJson(List.of(1), List.of(1L))).isFalse();
    assertThat(InMemoryGraphStore.sameJson(1.0, 1)).isFalse();
    assertThat(
            InMemoryGraphStore.sameJson(
                java.util.Arrays.asList(null, 1), java.util.Arrays.asList(null, 1)))
        .isTrue();
    assertThat(InMemoryGraphStore.sameJson(null, List.of())).isFalse();
    java.util.Map<String, Object> ab = new java.util.LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", null);
    java.util.Map<String, Object> ba = new java.util.LinkedHashMap<>();
    ba.put("b", null);
    ba.put("a", 1);
    assertThat(InMemoryGraphStore.sameJson(ab, new java.util.LinkedHashMap<>(ab))).isTrue();
    assertThat(InMemoryGraphStore.sameJson(ab, ba)).isFalse();
    assertThat(InMemoryGraphStore.sameJson(java.util.Map.of("a", 1), java.util.Map.of("a", 2)))
        .isFalse();
  }

  @Test
  void eviction_manyRounds_keepsEveryTableBounded() {
    InMemoryGraphStore store = InMemoryGraphStore.create(200);
    CanvasEvents canvas = batches(2_000);
    for (TaskEvent event : canvas.events()) store.apply(event);
    InMemoryGraphStore.TableSizes sizes = store.tableSizes();
    assertThat(sizes.tasksById()).isLessThanOrEqualTo(200);
    assertThat(sizes.tasksBySeqSlots()).isLessThanOrEqualTo(2 * sizes.tasksBySeq() + SeqList.SLACK);
    assertThat(sizes.workflowSlots()).isLessThanOrEqualTo(2 * sizes.workflows() + SeqList.SLACK);
    assertThat(sizes.nameListSlots())
        .isLessThanOrEqualTo(2L * sizes.nameListEntries() + (long) SeqList.SLACK * sizes.names());
    assertThat(sizes.names())
        .as("per-batch orphan names are dropped with their tasks")
        .isLessThan(60);
    assertThat(sizes.groups()).isLessThanOrEqualTo(200);
    assertThat(sizes.awaitingParentKeys()).isLessThanOrEqualTo(200);
    assertThat(sizes.awaitingRootKeys()).isLessThanOrEqualTo(200);
    assertThat(sizes.workflowMembers()).isEqualTo(sizes.tasksById());
  }

  @Test
  void apply_retryStorm_keepsTheFirstAndLatestEventsAndTheRightState() {
    GraphStore store = newStore();
    for (int attempt = 0; attempt < 2_000; attempt++) {
      store.apply(
          event("storm", TaskState.STARTED, 2 * attempt).toBuilder().retries(attempt).build());
      store.apply(
          event("storm", TaskState.RETRY, 2 * attempt + 1).toBuilder().retries(attempt).build());
    }
    store.apply(
        event("storm", TaskState.SUCCESS, 4_000).toBuilder().retries(2_000).result("done").build());
    store.apply(
        event("storm", TaskState.PENDING, -1)); // late and older than all: the list keeps its first
    TaskNode task = store.task("storm").orElseThrow();
    assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(task.result()).isEqualTo("done");
    assertThat(task.retries()).isEqualTo(2_000);
    assertThat(task.events()).hasSize(TaskRecord.MAX_EVENTS);
    assertThat(task.events().get(0).timestamp()).isEqualTo(T0);
    assertThat(task.events().get(task.events().size() - 1).state()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void builder_rejectsNonPositiveMaxNodes() {
    assertThatThrownBy(() -> InMemoryGraphStore.builder().maxNodes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxNodes < 1: 0");
    assertThat(InMemoryGraphStore.create().maxNodes())
        .isEqualTo(InMemoryGraphStore.DEFAULT_MAX_NODES);
  }

  @Test
  void graphStores_findsTheMemoryStoreByUrlThroughServiceLoader() {
    GraphStore store = GraphStores.open("memory://", new GraphStoreProvider.Limits(123, 32L << 20));
    assertThat(store).isInstanceOf(InMemoryGraphStore.class);
    assertThat(((InMemoryGraphStore) store).maxNodes()).isEqualTo(123);
    assertThat(((InMemoryGraphStore) store).maxBytes()).isEqualTo(32L << 20);
    assertThat(GraphStores.open(" MEMORY:// ", new GraphStoreProvider.Limits(5, 0)))
        .isInstanceOf(InMemoryGraphStore.class);
    assertThatThrownBy(
            () ->
                GraphStores.open("cassandra://u:secret@h/ks", new GraphStoreProvider.Limits(10, 0)))
        .hasMessageContaining("unknown store scheme 'cassandra'")
        .hasMessageContaining("schemes found on the classpath: memory")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(
            () -> GraphStores.open("memory://?max_nodes=5", new GraphStoreProvider.Limits(10, 0)))
        .hasMessageContaining("unknown memory store transport option 'max_nodes'");
    assertThatThrownBy(
            () -> GraphStores.open("memory://somewhere", new GraphStoreProvider.Limits(10, 0)))
        .hasMessageContaining("memory://");
    assertThatThrownBy(() -> GraphStores.open("no-scheme", new GraphStoreProvider.Limits(10, 0)))
        .hasMessageContaining("no scheme");
  }

  @Test
  void queriesWhileApplying_seeConsistentSnapshots() throws Exception {
    InMemoryGraphStore store = InMemoryGraphStore.create(5_000);
    List<TaskEvent> events = batches(1_500).events();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (TaskEvent event : events) store.apply(event);
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "test-writer");
    writer.start();
    while (writer.isAlive()) {
      var page = store.workflows(WorkflowQuery.all(5, 0));
      for (var summary : page.items()) {
        store
            .workflow(summary.rootId())
            .ifPresent(graph -> assertThat(graph.nodes()).containsKey(summary.rootId()));
      }
      store.tasks(new TaskQuery(null, "header", null, null, 20, 0));
    }
    writer.join();
    assertThat(failure.get()).isNull();
    CaptureExpectations.assertEveryTaskExactlyOnce(store);
  }
}
