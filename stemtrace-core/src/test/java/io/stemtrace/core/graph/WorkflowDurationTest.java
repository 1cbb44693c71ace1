package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The one workflow duration every page shows: first event to last event of the whole workflow,
 * known only once every task finished and every chord has its callback; the store's own figures
 * agree with the ones derived from the drawn graph.
 */
class WorkflowDurationTest {

  private static final Instant T0 = Instant.parse("2026-12-04T03:00:00Z");

  private final InMemoryGraphStore store = InMemoryGraphStore.create();

  private void event(String id, TaskState state, long atMillis) {
    apply(TaskEvent.builder(id, state).name("app." + id), atMillis);
  }

  private void child(String id, String parentId, TaskState state, long atMillis) {
    apply(TaskEvent.builder(id, state).name("app." + id).parentId(parentId), atMillis);
  }

  private void apply(TaskEvent.Builder event, long atMillis) {
    store.apply(event.timestamp(T0.plusMillis(atMillis)).build());
  }

  private WorkflowSummary summary(String rootId) {
    WorkflowSummary fromStore = store.workflowSummary(rootId).orElseThrow();
    WorkflowSummary derived = WorkflowSummary.of(store.workflow(rootId).orElseThrow());
    assertThat(derived).as("derived from the graph").isEqualTo(fromStore);
    WorkflowSummary listed = store.workflows(WorkflowQuery.all(10, 0)).items().get(0);
    assertThat(listed).as("as listed").isEqualTo(fromStore);
    return fromStore;
  }

  @Test
  void retriedTask_durationSpansEveryAttempt() {
    event("t", TaskState.PENDING, 0);
    event("t", TaskState.STARTED, 10);
    store.apply(
        TaskEvent.builder("t", TaskState.RETRY)
            .name("app.t")
            .timestamp(T0.plusMillis(20))
            .exception("boom")
            .build());
    store.apply(
        TaskEvent.builder("t", TaskState.STARTED)
            .name("app.t")
            .retries(1)
            .timestamp(T0.plusMillis(4_420))
            .build());
    assertThat(summary("t").finished()).isFalse();
    assertThat(summary("t").duration()).isNull();
    store.apply(
        TaskEvent.builder("t", TaskState.SUCCESS)
            .name("app.t")
            .retries(1)
            .timestamp(T0.plusMillis(4_570))
            .build());

    WorkflowSummary done = summary("t");
    assertThat(done.finished()).isTrue();
    // the winning attempt ran 150 ms; the workflow took 4.57 s
    assertThat(done.duration()).isEqualTo(Duration.ofMillis(4_570));
    assertThat(store.task("t").orElseThrow().runTime()).isEqualTo(Duration.ofMillis(150));
  }

  @Test
  void chord_unfinishedUntilTheCallbackFinishes_thenIncludesIt() {
    for (String header : new String[] {"h1", "h2"}) {
      store.apply(
          TaskEvent.builder(header, TaskState.SUCCESS)
              .name("app.header")
              .groupId("g")
              .chordCallbackId("cb")
              .timestamp(T0.plusMillis(header.equals("h1") ? 0 : 518))
              .build());
    }
    String root = "group:g";
    WorkflowSummary waiting = summary(root);
    assertThat(waiting.finished()).as("headers done, callback not seen").isFalse();
    assertThat(waiting.state()).isNotEqualTo(TaskState.SUCCESS);
    assertThat(waiting.duration()).isNull();

    child("cb", "h2", TaskState.STARTED, 600);
    assertThat(summary(root).finished()).as("callback running").isFalse();

    child("cb", "h2", TaskState.SUCCESS, 790);
    WorkflowSummary done = summary(root);
    assertThat(done.finished()).isTrue();
    assertThat(done.state()).isEqualTo(TaskState.SUCCESS);
    assertThat(done.duration()).isEqualTo(Duration.ofMillis(790));
  }

  @Test
  void childArrivingBeforeItsParent_isCountedOnceTheWorkflowsJoin() {
    child("child", "root", TaskState.STARTED, 50);
    event("root", TaskState.SUCCESS, 0);
    assertThat(summary("root").finished()).as("the child still runs").isFalse();

    child("child", "root", TaskState.SUCCESS, 287);
    WorkflowSummary done = summary("root");
    assertThat(done.finished()).isTrue();
    assertThat(done.taskCount()).isEqualTo(2);
    assertThat(done.duration()).isEqualTo(Duration.ofMillis(287));
  }

  @Test
  void lateEarlierEvent_neverMakesAFinishedTaskRunningAgain() {
    event("t", TaskState.SUCCESS, 100);
    event("t", TaskState.STARTED, 40);
    event("t", TaskState.PENDING, 0);
    WorkflowSummary done = summary("t");
    assertThat(done.finished()).isTrue();
    assertThat(done.duration()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void unknownOrNonRootId_hasNoSummary() {
    event("root", TaskState.SUCCESS, 0);
    child("child", "root", TaskState.SUCCESS, 5);
    assertThat(store.workflowSummary("missing")).isEmpty();
    assertThat(store.workflowSummary("child")).as("not the root").isEmpty();
    assertThat(store.workflowSummary("root")).isPresent();
  }
}
