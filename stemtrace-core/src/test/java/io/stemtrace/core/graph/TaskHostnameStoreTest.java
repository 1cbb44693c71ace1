package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker's host name on tasks, and heartbeats in the store's worker registry. */
class TaskHostnameStoreTest {

  private static final Instant T0 = Instant.parse("2026-12-04T04:00:00Z");
  private final InMemoryGraphStore store = InMemoryGraphStore.builder().build();

  @Test
  void task_showsTheWorkerOfItsLatestAttempt_andKeepsEveryEventAsItArrived() {
    List<TaskEvent> events =
        List.of(
            event("t1", TaskState.PENDING, 0, T0, null),
            event("t1", TaskState.STARTED, 0, T0.plusMillis(1), "w1@a"),
            event("t1", TaskState.RETRY, 0, T0.plusMillis(2), "w1@a"),
            event("t1", TaskState.STARTED, 1, T0.plusMillis(3), "w2@b"),
            event("t1", TaskState.SUCCESS, 1, T0.plusMillis(4), "w2@b"));
    events.forEach(store::apply);

    TaskNode node = store.task("t1").orElseThrow();
    assertThat(node.hostname()).isEqualTo("w2@b");
    assertThat(node.events()).containsExactlyElementsOf(events);
    assertThat(store.tasks(TaskQuery.all(10, 0)).items())
        .singleElement()
        .extracting(TaskNode::hostname)
        .isEqualTo("w2@b");
  }

  @Test
  void task_withoutHostname_hasNone() {
    store.apply(event("t1", TaskState.SUCCESS, 0, T0, null));
    assertThat(store.task("t1").orElseThrow().hostname()).isNull();
  }

  @Test
  void floodOfLongHostnames_isCountedInBytes_eachAttemptOnAnotherWorker() {
    InMemoryGraphStore bounded = InMemoryGraphStore.builder().maxBytes(1 << 20).build();
    for (int i = 0; i < 5_000; i++) {
      // two attempts on two workers with 500-character names: one kept on the record, one verbatim
      bounded.apply(event("t" + i, TaskState.RETRY, 0, T0.plusMillis(i), i + "a".repeat(500)));
      bounded.apply(event("t" + i, TaskState.SUCCESS, 1, T0.plusMillis(i), i + "b".repeat(500)));
    }
    assertThat(bounded.heldBytes()).isLessThanOrEqualTo(1 << 20);
    assertThat(bounded.taskCount()).as("each task holds two ~1 KiB names").isLessThan(1_000);
    TaskNode newest = bounded.task("t4999").orElseThrow();
    assertThat(newest.hostname()).isEqualTo("4999" + "b".repeat(500));
    assertThat(newest.events().get(0).hostname()).isEqualTo("4999" + "a".repeat(500));
  }

  @Test
  void heartbeat_keepsRegisteredAt_aNewPidMovesIt() {
    store.apply(ready(100, T0));
    store.apply(ready(100, T0.plusSeconds(30)));
    WorkerInfo worker = store.worker("w1@a").orElseThrow();
    assertThat(worker.registeredAt()).isEqualTo(T0);
    assertThat(worker.lastSeen()).isEqualTo(T0.plusSeconds(30));
    store.apply(ready(200, T0.plusSeconds(60)));
    assertThat(store.worker("w1@a").orElseThrow().registeredAt()).isEqualTo(T0.plusSeconds(60));
  }

  private static WorkerEvent ready(long pid, Instant at) {
    return new WorkerEvent(
        WorkerEvent.Type.READY, "w1@a", pid, at, List.of("app.add"), Map.of(), null);
  }

  private static TaskEvent event(String id, TaskState state, int retries, Instant at, String host) {
    return TaskEvent.builder(id, state)
        .name("app.add")
        .timestamp(at)
        .retries(retries)
        .hostname(host)
        .build();
  }
}
