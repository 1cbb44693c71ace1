package io.stemtrace.core.bench;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Single-thread ingestion into {@link InMemoryGraphStore}: generated chord workflows (a root task,
 * 4 chord header tasks under it, the chord callback; PENDING, STARTED, SUCCESS each) at 10 000, 100
 * 000 and 1 000 000 tasks. Prints events per second (time spent in {@code apply} only; events are
 * generated in chunks outside the timed part) and retained heap bytes per task (heap used after
 * full GCs, store held, minus the empty baseline). Also printed: events per CPU-second of the
 * applying thread (the store's own cost, robust to other processes competing for the CPU) and the
 * share of the timed part spent in collector pauses (the young collections copy every new task once
 * while the store grows). Then query latencies: the first task page with a name filter, and one 10
 * 000-node workflow.
 *
 * <p>Events are built like a decoder builds them: every event has its own id and name String
 * instances and no args. Run with {@code mvn -B -q -pl stemtrace-core -am -Pbench
 * process-test-classes -Dbench.main=io.stemtrace.core.bench.IngestBenchmark -Dbench.args=}; the
 * profile forks a JVM with {@code -Xms4g -Xmx4g} and G1 ({@code -Dbench.gc=-XX:+UseParallelGC} to
 * compare collectors). Optional arguments: task counts, such as {@code -Dbench.args="10000
 * 100000"}.
 */
public final class IngestBenchmark {

  private static final int TASKS_PER_WORKFLOW = 6;
  private static final int HEADERS = 4;
  private static final int CHUNK_WORKFLOWS = 1_000;
  private static final String[] ROOT_NAMES = new String[20];

  static {
    for (int i = 0; i < ROOT_NAMES.length; i++) ROOT_NAMES[i] = "app.flows.workflow_" + i;
  }

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private IngestBenchmark() {}

  public static void main(String[] args) {
    int[] sizes =
        args.length == 0
            ? new int[] {10_000, 100_000, 1_000_000}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf(
        Locale.ROOT,
        "java %s, %d cpus, max heap %d MiB, collectors %s, load average %.1f%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    // warm up the JIT on a store that is thrown away
    for (int i = 0; i < 3; i++) ingest(new InMemoryGraphStore[1], 120_000, false);

    System.out.println(
        "tasks       events      events/s     per CPU-second  GC share  retained bytes/task");
    InMemoryGraphStore largest = null;
    for (int tasks : sizes) {
      InMemoryGraphStore[] holder = new InMemoryGraphStore[1];
      long before = usedHeapAfterGc();
      Result result = ingest(holder, tasks, true);
      long after = usedHeapAfterGc();
      double perTask = (after - before) / (double) holder[0].taskCount();
      double seconds = result.nanos / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%-11d %-11d %-12.0f %-15.0f %-9s %.0f%n",
          holder[0].taskCount(),
          result.events,
          result.events / seconds,
          result.events / (result.cpuNanos / 1e9),
          String.format(Locale.ROOT, "%.0f%%", 100 * (result.gcMillis / 1e3) / seconds),
          perTask);
      largest = holder[0];
      holder[0] = null;
    }
    if (largest != null) queries(largest);
    largeWorkflow();
  }

  /**
   * events applied, nanoseconds spent in apply, and the collectors' time within those nanoseconds
   */
  private record Result(long events, long nanos, long cpuNanos, long gcMillis) {}

  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, collector.getCollectionTime());
    }
    return total;
  }

  private static Result ingest(InMemoryGraphStore[] holder, int tasks, boolean keep) {
    int workflows = Math.max(1, tasks / TASKS_PER_WORKFLOW);
    InMemoryGraphStore store = InMemoryGraphStore.create(workflows * TASKS_PER_WORKFLOW);
    holder[0] = store;
    Instant start = Instant.parse("2026-11-26T00:00:00Z");
    long nanos = 0;
    long events = 0;
    long gc = 0;
    long cpu = 0;
    for (int first = 0; first < workflows; first += CHUNK_WORKFLOWS) {
      List<TaskEvent> chunk = chunk(start, first, Math.min(workflows, first + CHUNK_WORKFLOWS));
      long gc0 = gcMillis();
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (TaskEvent event : chunk) store.apply(event);
      nanos += System.nanoTime() - t0;
      cpu += THREADS.getCurrentThreadCpuTime() - c0;
      gc += gcMillis() - gc0;
      events += chunk.size();
    }
    if (!keep) holder[0] = null;
    return new Result(events, nanos, cpu, gc);
  }

  /**
   * Chord workflows {@code from} (inclusive) to {@code to}, each task's events in lifecycle order.
   */
  private static List<TaskEvent> chunk(Instant start, int from, int to) {
    List<TaskEvent> events = new ArrayList<>((to - from) * TASKS_PER_WORKFLOW * 3);
    for (int w = from; w < to; w++) {
      Instant at = start.plusMillis(w * 10L);
      String root = uuid();
      String group = uuid();
      String callback = uuid();
      String[] headers = new String[HEADERS];
      for (int i = 0; i < HEADERS; i++) headers[i] = uuid();
      String rootName = ROOT_NAMES[w % ROOT_NAMES.length];
      lifecycle(events, root, rootName, at, null, root, null, null);
      for (int i = 0; i < HEADERS; i++) {
        lifecycle(
            events,
            headers[i],
            "app.header",
            at.plusNanos(100_000L * (i + 1)),
            root,
            root,
            group,
            callback);
      }
      lifecycle(
          events,
          callback,
          "app.callback",
          at.plusMillis(1),
          headers[HEADERS - 1],
          root,
          null,
          null);
    }
    return events;
  }

  private static void lifecycle(
      List<TaskEvent> events,
      String id,
      String name,
      Instant at,
      String parent,
      String root,
      String group,
      String callback) {
    TaskState[] states = {TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS};
    for (int i = 0; i < states.length; i++) {
      // fresh String instances per event, as decoding a payload gives
      events.add(
          new TaskEvent(
              copy(id),
              copy(name),
              states[i],
              at.plusNanos(10_000L * i),
              copy(parent),
              copy(root),
              copy(group),
              null,
              copy(callback),
              null,
              0,
              null,
              null,
              null,
              null,
              null));
    }
  }

  private static String copy(String s) {
    return s == null ? null : new String(s.toCharArray());
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  private static void queries(InMemoryGraphStore store) {
    TaskQuery byName = new TaskQuery(null, "workflow_7", null, null, 50, 0);
    TaskQuery byNameAndState =
        new TaskQuery(java.util.Set.of(TaskState.SUCCESS), "header", null, null, 50, 0);
    TaskQuery all = TaskQuery.all(50, 0);
    TaskQuery deep = TaskQuery.all(50, 100_000);
    System.out.printf(
        Locale.ROOT, "queries over %d tasks (median of 51 runs):%n", store.taskCount());
    System.out.printf(
        Locale.ROOT,
        "  first task page, no filter:             %s%n",
        median(() -> store.tasks(all)));
    System.out.printf(
        Locale.ROOT,
        "  first task page, name filter:           %s%n",
        median(() -> store.tasks(byName)));
    System.out.printf(
        Locale.ROOT,
        "  first task page, name + state filter:   %s%n",
        median(() -> store.tasks(byNameAndState)));
    System.out.printf(
        Locale.ROOT,
        "  task page at offset 100 000:            %s%n",
        median(() -> store.tasks(deep)));
    System.out.printf(
        Locale.ROOT,
        "  first workflow page:                    %s%n",
        median(() -> store.workflows(io.stemtrace.api.WorkflowQuery.all(50, 0))));
    io.stemtrace.api.WorkflowQuery failed =
        new io.stemtrace.api.WorkflowQuery(
            java.util.Set.of(TaskState.FAILURE), null, null, null, 50, 0);
    System.out.printf(
        Locale.ROOT,
        "  workflow page, state filter (scans):    %s%n",
        median(() -> store.workflows(failed)));
    Instant from = Instant.parse("2026-11-26T00:10:00Z");
    TaskQuery range = new TaskQuery(null, null, from, from.plusSeconds(60), 50, 0);
    System.out.printf(
        Locale.ROOT,
        "  task page, time range (scans):          %s%n",
        median(() -> store.tasks(range)));
  }

  /** One workflow of 10 000 tasks: a root, a group of 5 000 under it, and 4 999 direct children. */
  private static void largeWorkflow() {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    Instant at = Instant.parse("2026-11-26T00:00:00Z");
    String root = uuid();
    store.apply(
        TaskEvent.builder(root, TaskState.STARTED).name("app.fanout").timestamp(at).build());
    for (int i = 0; i < 9_999; i++) {
      TaskEvent.Builder child =
          TaskEvent.builder(uuid(), TaskState.SUCCESS)
              .name("app.leaf")
              .parentId(root)
              .rootId(root)
              .timestamp(at.plusMillis(i + 1));
      if (i % 2 == 0) child.groupId("fanout-group");
      store.apply(child.build());
    }
    System.out.printf(
        Locale.ROOT, "one workflow of %d tasks (median of 51 runs):%n", store.taskCount());
    System.out.printf(
        Locale.ROOT,
        "  workflow graph:                         %s%n",
        median(() -> store.workflow(root).orElseThrow()));
    System.out.printf(
        Locale.ROOT,
        "  one task with its children (9 999):     %s%n",
        median(() -> store.children(root)));
  }

  /**
   * "wall ms (cpu ms)": medians of 51 runs after 5 warm-up runs; CPU time shows the cost apart from
   * load.
   */
  private static String median(java.util.function.Supplier<?> query) {
    double[] wall = new double[51];
    double[] cpu = new double[51];
    for (int i = 0; i < 5; i++) query.get();
    for (int i = 0; i < wall.length; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      query.get();
      wall[i] = (System.nanoTime() - t0) / 1e6;
      cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return String.format(
        Locale.ROOT, "%8.3f ms wall, %8.3f ms cpu", wall[wall.length / 2], cpu[cpu.length / 2]);
  }
}
