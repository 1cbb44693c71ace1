package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A flood of host names or registered task names stays within the registry's caps, through the
 * store's API.
 */
class WorkerRegistryBoundsTest {

  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
  private final InMemoryGraphStore store = InMemoryGraphStore.create();

  private static WorkerEvent ready(String host, Instant at, List<String> tasks) {
    return new WorkerEvent(WorkerEvent.Type.READY, host, 1, at, tasks, Map.of(), null);
  }

  private static WorkerEvent shutdown(String host, Instant at) {
    return new WorkerEvent(WorkerEvent.Type.SHUTDOWN, host, 1, at, List.of(), Map.of(), at);
  }

  @Test
  void uniqueHostnameFlood_keepsAtMostTheCap_newestHeardFromKept() {
    int flood = WorkerRegistry.MAX_WORKERS * 3;
    for (int i = 0; i < flood; i++) store.apply(ready("host-" + i, T0.plusMillis(i), List.of("t")));
    List<WorkerInfo> workers = store.workers();
    assertThat(workers).hasSize(WorkerRegistry.MAX_WORKERS);
    assertThat(store.worker("host-" + (flood - 1))).isPresent();
    assertThat(store.worker("host-0")).isEmpty();
  }

  @Test
  void offlineWorkers_areForgottenAfterTheRetention_onlineOnesStay() {
    store.apply(ready("gone", T0, List.of("t")));
    store.apply(shutdown("gone", T0.plusSeconds(1)));
    store.apply(ready("quiet-but-online", T0, List.of("t")));
    store.apply(ready("other", T0.plus(WorkerRegistry.OFFLINE_RETENTION), List.of("t")));
    assertThat(store.worker("gone")).as("offline exactly one retention ago").isPresent();
    store.apply(
        ready(
            "other",
            T0.plus(WorkerRegistry.OFFLINE_RETENTION).plus(Duration.ofSeconds(2)),
            List.of("t")));
    assertThat(store.worker("gone")).isEmpty();
    assertThat(store.worker("quiet-but-online")).isPresent();
  }

  @Test
  void overCapacity_offlineWorkersGoBeforeOnlineOnes() {
    store.apply(ready("offline-recent", T0, List.of("t")));
    store.apply(shutdown("offline-recent", T0.plusSeconds(10_000)));
    for (int i = 0; i < WorkerRegistry.MAX_WORKERS; i++)
      store.apply(ready("online-" + i, T0.plusMillis(i), List.of("t")));
    assertThat(store.workers()).hasSize(WorkerRegistry.MAX_WORKERS);
    assertThat(store.worker("offline-recent")).as("offline, though heard from last").isEmpty();
    assertThat(store.worker("online-0")).isPresent();
  }

  @Test
  void registeredTaskNames_areCappedPerWorkerAndInAll() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < WorkerRegistry.MAX_REGISTERED_PER_WORKER * 2; i++)
      many.add("app.task_" + i);
    store.apply(ready("big", T0, many));
    assertThat(store.worker("big").orElseThrow().registeredTasks())
        .hasSize(WorkerRegistry.MAX_REGISTERED_PER_WORKER)
        .startsWith("app.task_0");
    int workers =
        WorkerRegistry.MAX_REGISTERED_NAMES / WorkerRegistry.MAX_REGISTERED_PER_WORKER * 2;
    for (int w = 0; w < workers; w++) store.apply(ready("w" + w, T0.plusSeconds(1 + w), many));
    long kept = store.workers().stream().mapToLong(wi -> wi.registeredTasks().size()).sum();
    assertThat(kept).isLessThanOrEqualTo(WorkerRegistry.MAX_REGISTERED_NAMES);
    assertThat(store.worker("w" + (workers - 1))).isPresent();
    // a worker registering again replaces its names, it does not add to them
    for (int i = 0; i < 5; i++)
      store.apply(ready("w" + (workers - 1), T0.plusSeconds(1_000 + i), List.of("only")));
    assertThat(store.worker("w" + (workers - 1)).orElseThrow().registeredTasks())
        .containsExactly("only");
    assertThat(store.registry(null, null).size())
        .isLessThanOrEqualTo(WorkerRegistry.MAX_REGISTERED_NAMES + 1);
  }
}
