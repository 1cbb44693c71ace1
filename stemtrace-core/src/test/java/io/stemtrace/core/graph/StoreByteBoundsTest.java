package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store is bounded in estimated bytes as well as in nodes: per field, per task and in all. */
class StoreByteBoundsTest {

  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private static TaskEvent event(String id, TaskState state, int second, Object result) {
    return TaskEvent.builder(id, state)
        .name("app.big")
        .timestamp(T0.plusSeconds(second))
        .result(result)
        .build();
  }

  @Test
  void fieldOverTheLimit_isReplacedByANote_smallFieldsKept() {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    String huge = "x".repeat(3 << 20);
    store.apply(
        TaskEvent.builder("t1", TaskState.SUCCESS)
            .timestamp(T0)
            .args(List.of(1, "sku-42"))
            .kwargs(Map.of("region", "eu-west-1"))
            .result(huge)
            .build());
    TaskNode task = store.task("t1").orElseThrow();
    assertThat(task.args()).isEqualTo(List.of(1, "sku-42"));
    assertThat(task.kwargs()).isEqualTo(Map.of("region", "eu-west-1"));
    assertThat((String) task.result())
        .startsWith("[not kept: result of about 6144 KiB is over the 64 KiB a field may keep]");
    assertThat(store.payloadsNotKept()).isEqualTo(1);
    assertThat(store.heldBytes()).isLessThan(8 << 10);
  }

  @Test
  void taskOverItsPayloadLimit_keepsTheFirstPayloads_laterOnesBecomeNotes() {
    InMemoryGraphStore store = InMemoryGraphStore.builder().maxTaskPayloadBytes(200 << 10).build();
    String result = "r".repeat(20 << 10); // about 40 KiB each on the heap
    for (int i = 0; i < 50; i++) store.apply(event("t1", TaskState.RETRY, i, result + i));
    assertThat(store.payloadsNotKept()).isBetween(40L, 46L);
    assertThat(store.heldBytes()).isLessThan(260 << 10);
  }

  @Test
  void argsRepeatedByEveryEvent_areKeptOnce_andDoNotUseUpTheTaskLimit() {
    InMemoryGraphStore store = InMemoryGraphStore.builder().maxTaskPayloadBytes(200 << 10).build();
    List<Object> args = List.of("a".repeat(20 << 10)); // about 40 KiB on the heap
    for (int i = 0; i < 50; i++) {
      store.apply(
          TaskEvent.builder("t1", TaskState.RETRY)
              .retries(i)
              .timestamp(T0.plusSeconds(i))
              .args(args)
              .build());
    }
    assertThat(store.payloadsNotKept()).isZero();
    assertThat(store.task("t1").orElseThrow().args()).isEqualTo(args);
    assertThat(store.heldBytes()).isLessThan(50 << 10);
  }

  @Test
  void overMaxBytes_wholeOldestWorkflowsAreEvicted_newestKept() {
    InMemoryGraphStore store = InMemoryGraphStore.builder().maxBytes(4 << 20).build();
    String result = "r".repeat(30 << 10); // ~60 KiB per task: ~68 tasks fit
    for (int i = 0; i < 1_000; i++) {
      store.apply(event("root" + i, TaskState.SUCCESS, i, result));
      store.apply(
          TaskEvent.builder("child" + i, TaskState.SUCCESS)
              .parentId("root" + i)
              .rootId("root" + i)
              .timestamp(T0.plusSeconds(i))
              .build());
    }
    assertThat(store.heldBytes()).isLessThanOrEqualTo(4 << 20);
    assertThat(store.taskCount()).isBetween(100L, 140L);
    assertThat(store.task("root999")).isPresent();
    assertThat(store.task("child999")).isPresent();
    assertThat(store.task("root0")).isEmpty();
    assertThat(store.task("child0")).as("evicted with its workflow").isEmpty();
    InMemoryGraphStore.TableSizes sizes = store.tableSizes();
    assertThat(sizes.tasksById()).isEqualTo(sizes.workflowMembers());
  }

  @Test
  void floodOfDistinctGroupAndChordIds_isBoundedInBytes_andEvictedWithItsWorkflows() {
    InMemoryGraphStore store = InMemoryGraphStore.builder().maxBytes(1 << 20).build();
    // every task names a new 500-character group and a new 500-character enclosing chord group
    for (int i = 0; i < 5_000; i++) {
      store.apply(
          TaskEvent.builder("t" + i, TaskState.SUCCESS)
              .groupId(i + "g".repeat(500))
              .chordId(i + "c".repeat(500))
              .chordCallbackId("cb" + i)
              .timestamp(T0.plusMillis(i))
              .build());
    }
    assertThat(store.heldBytes()).isLessThanOrEqualTo(1 << 20);
    assertThat(store.taskCount()).as("each task holds two ~1 KiB groups").isLessThan(500);
    InMemoryGraphStore.TableSizes sizes = store.tableSizes();
    assertThat(sizes.groups())
        .isEqualTo(sizes.groupsInWorkflows())
        .isEqualTo(2 * store.taskCount());
  }

  @Test
  void evictingEverything_bringsTheEstimateBackToZero() {
    InMemoryGraphStore store = InMemoryGraphStore.builder().maxNodes(1).build();
    for (int i = 0; i < 100; i++)
      store.apply(event("t" + i, TaskState.SUCCESS, i, "small result " + i));
    long one = store.heldBytes();
    assertThat(store.taskCount()).isEqualTo(1);
    assertThat(one).isPositive().isLessThan(1_000);
  }

  @Test
  void maxBytesBelowOneMebibyte_isRefused() {
    assertThatThrownBy(() -> InMemoryGraphStore.builder().maxBytes(1000))
        .hasMessage("maxBytes < 1 MiB: 1000");
  }
}
