package io.stemtrace.core.bench;

import io.stemtrace.api.Page;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskSearch;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Search latency over a store of 1 000 000 tasks (or the count given): 60 task names over 3
 * modules, 12 workers registering 5 names each, states 90 % SUCCESS, 6 % FAILURE, 3 % STARTED, 1 %
 * RETRY and one REVOKED in 10 000, args {@code [i % 1000, "eur"]} and kwargs {@code {user_id: i %
 * 5000}}, exceptions on failures. For each kind of term it prints the median and p99 of the time to
 * answer the first page of 50 (including the snapshots of those tasks), the total and, for scanning
 * terms, how many tasks were looked at. Then the store's estimated bytes per task and the heap used
 * after a full GC.
 *
 * <p>Run with {@code mvn -B -q -pl stemtrace-core -am -Pbench process-test-classes
 * -Dbench.main=io.stemtrace.core.bench.SearchHarness -Dbench.args=1000000}.
 */
public final class SearchHarness {
  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final String[] MODULES = {"orders", "mail", "reports"};
  private static final int NAMES_PER_MODULE = 20;
  private static final int WORKERS = 12;
  private static final int RUNS = 200;

  private SearchHarness() {}

  public static void main(String[] args) {
    int tasks = args.length == 0 ? 1_000_000 : Integer.parseInt(args[0]);
    long usedBefore = usedAfterGc();
    InMemoryGraphStore store =
        InMemoryGraphStore.builder().maxNodes(tasks).maxBytes(3L << 30).build();
    long loadStart = System.nanoTime();
    load(store, tasks);
    long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
    long usedAfter = usedAfterGc();
    System.out.printf(
        Locale.ROOT,
        "loaded %d tasks (%d events) in %d ms; store estimate %.0f bytes/task; heap after GC %.0f"
            + " bytes/task%n",
        store.taskCount(),
        2L * tasks,
        loadMs,
        store.heldBytes() / (double) store.taskCount(),
        (usedAfter - usedBefore) / (double) store.taskCount());
    String[] queries = {
      "name:orders.task7",
      "name:orders.*",
      "name:*.task1*",
      "state:FAILURE",
      "state:REVOKED",
      "state:RETRY,STARTED",
      "worker:w3@host",
      "worker:w*",
      "name:orders.* state:FAILURE",
      "name:mail.* state:REVOKED",
      "worker:w1@host state:FAILURE",
      "name:orders.* state:FAILURE worker:w1@host",
      "args:777",
      "kwargs:user_id=4242",
      "result:ok-99",
      "exception:Timeout",
      "state:FAILURE exception:Timeout",
      "gateway",
      "id:task-00999",
    };
    for (String query : queries) measure(store, query, 20); // warm-up
    System.out.println("query | kind | median ms | p99 ms | total | scanned (truncated) | runs");
    for (String query : queries) {
      double[] ms = measure(store, query, RUNS);
      Page<TaskNode> page = page(store, query);
      Arrays.sort(ms);
      System.out.printf(
          Locale.ROOT,
          "%s | %s | %.3f | %.3f | %d | %s | %d%n",
          query,
          TaskSearch.parse(query).scans() ? "scan" : "index",
          ms[ms.length / 2],
          ms[(int) Math.ceil(ms.length * 0.99) - 1],
          page.total(),
          page.scan() == null
              ? "-"
              : page.scan().scanned() + (page.scan().truncated() ? " (truncated)" : ""),
          RUNS);
    }
  }

  private static Page<TaskNode> page(InMemoryGraphStore store, String query) {
    return store.tasks(TaskQuery.all(50, 0).withSearch(TaskSearch.parse(query)));
  }

  private static double[] measure(InMemoryGraphStore store, String query, int runs) {
    double[] ms = new double[runs];
    long sink = 0;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      sink += page(store, query).total();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    if (sink < 0) throw new AssertionError();
    return ms;
  }

  private static void load(InMemoryGraphStore store, int tasks) {
    List<String> names = new ArrayList<>();
    for (String module : MODULES) {
      for (int i = 0; i < NAMES_PER_MODULE; i++) names.add(module + ".task" + i);
    }
    for (int w = 0; w < WORKERS; w++) {
      List<String> registered = new ArrayList<>();
      for (int k = 0; k < 5; k++) registered.add(names.get(w * 5 + k));
      store.apply(
          new WorkerEvent(
              WorkerEvent.Type.READY, "w" + w + "@host", w, T0, registered, Map.of(), null));
    }
    for (int i = 0; i < tasks; i++) {
      String id = String.format(Locale.ROOT, "task-%08d", i);
      String name = names.get((i / 7) % names.size());
      Instant at = T0.plusMillis(i);
      store.apply(
          TaskEvent.builder(id, TaskState.PENDING)
              .name(name)
              .timestamp(at)
              .args(List.of(i % 1000, "eur"))
              .kwargs(Map.of("user_id", i % 5000))
              .build());
      int bucket = i % 100;
      TaskState state =
          i % 10_000 == 5_000
              ? TaskState.REVOKED
              : bucket < 90
                  ? TaskState.SUCCESS
                  : bucket < 96
                      ? TaskState.FAILURE
                      : bucket < 99 ? TaskState.STARTED : TaskState.RETRY;
      // the client's PENDING names no worker; the worker's own event does
      TaskEvent.Builder end =
          TaskEvent.builder(id, state)
              .name(name)
              .timestamp(at.plusMillis(5))
              .hostname("w" + (i % WORKERS) + "@host");
      if (state == TaskState.SUCCESS) end.result("ok-" + (i % 100_000));
      if (state == TaskState.FAILURE)
        end.exception(i % 2 == 0 ? "TimeoutError: gateway" : "ValueError: bad input");
      store.apply(end.build());
    }
  }

  private static long usedAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
