package io.stemtrace.core.bench;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.anomaly.AnomalyDetector;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.stats.TaskStatistics;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows that anomaly detection and statistics cost the same per event however many healthy tasks
 * went by, and that the deadline check's cost follows the stuck tasks only. For 10 000, 100 000 and
 * 1 000 000 healthy tasks (PENDING, STARTED, SUCCESS over 5 task names, spread evenly over the 7
 * days before the clock) followed by 100 tasks that start and never finish, it prints: detector and
 * statistics nanoseconds per event (time in {@code onApplied} only; the store applies outside the
 * timed part), anomalies raised, the time of the deadline check that raises the 100 STUCK_STARTED
 * anomalies, and the time of a statistics snapshot over the last 60 minutes, 1 440 minutes and 7
 * days, and over one hour in the middle of the week given by its ends. Then the heap of the
 * per-minute roll-ups: bytes per (name, minute) kept, measured after a full GC.
 *
 * <p>Run with {@code mvn -B -q -o -pl stemtrace-core -am -Pbench process-test-classes
 * -Dbench.main=io.stemtrace.core.bench.AnomalyStatsHarness -Dbench.args=}.
 */
public final class AnomalyStatsHarness {

  private static final int BATCH = 1_000;
  private static final int STUCK = 100;

  private AnomalyStatsHarness() {}

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000} : parse(args);
    run(20_000, false); // warm-up
    System.out.println(
        "healthy tasks | detector ns/event | stats ns/event | raised | deadline check ms (100 stuck)"
            + " | snapshot 60 min ms | snapshot 1440 min ms | snapshot 7 d ms | snapshot from..to 1 h ms");
    for (int size : sizes) run(size, true);
    rollUpBytes(200_000);
  }

  /**
   * Heap per roll-up: {@code slots} (name, minute) pairs of one PENDING task each, tracking one
   * task.
   */
  private static void rollUpBytes(int slots) {
    long before = usedAfterGc();
    TaskStatistics stats =
        TaskStatistics.builder().maxTrackedTasks(1).maxMinuteSlots(slots).build();
    Instant start = Instant.parse("2026-11-26T00:00:00Z");
    String[] names = {
      "app.a", "app.b", "app.c", "app.d", "app.e", "app.f", "app.g", "app.h", "app.i", "app.j"
    };
    List<StemtraceEvent> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < slots; i++) {
      Instant t = start.plus(Duration.ofMinutes(i / names.length));
      batch.add(
          TaskEvent.builder("slot-" + i, TaskState.PENDING)
              .name(names[i % names.length])
              .timestamp(t)
              .build());
      if (batch.size() == BATCH) {
        stats.onApplied(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    stats.onApplied(batch);
    long after = usedAfterGc();
    if (stats.snapshot(start, start.plus(Duration.ofDays(400))).tasks().size() != names.length) {
      throw new AssertionError("roll-ups lost a name");
    }
    System.out.printf(
        Locale.ROOT,
        "per-minute roll-ups: %d kept in %.1f MB, %.0f bytes each%n",
        slots,
        (after - before) / 1e6,
        (double) (after - before) / slots);
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static int[] parse(String[] args) {
    int[] sizes = new int[args.length];
    for (int i = 0; i < args.length; i++) sizes[i] = Integer.parseInt(args[i]);
    return sizes;
  }

  private static void run(int healthy, boolean print) {
    Instant start = Instant.parse("2026-11-26T04:00:00Z");
    Duration week = Duration.ofDays(7);
    long spacingNanos = week.toNanos() / (healthy + STUCK);
    MutableClock clock = new MutableClock(start.plus(week).plusSeconds(60));
    InMemoryGraphStore store = InMemoryGraphStore.create(200_000);
    AnomalyDetector detector =
        AnomalyDetector.builder(store)
            .clock(clock)
            .startedThreshold(Duration.ofMinutes(30))
            .build();
    TaskStatistics stats = TaskStatistics.builder().clock(clock).build();
    String[] names = {"app.a", "app.b", "app.c", "app.d", "app.e"};
    List<StemtraceEvent> ready =
        List.of(
            new WorkerEvent(
                WorkerEvent.Type.READY, "w1", 1, start, List.of(names), Map.of(), null));
    store.apply(ready.get(0));
    detector.onApplied(ready);

    long detectorNanos = 0;
    long statsNanos = 0;
    long events = 0;
    List<StemtraceEvent> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < healthy + STUCK; i++) {
      String id = "task-" + i;
      String name = names[i % names.length];
      Instant t = start.plusNanos(i * spacingNanos);
      boolean stuck = i >= healthy;
      batch.add(TaskEvent.builder(id, TaskState.PENDING).name(name).timestamp(t).build());
      batch.add(
          TaskEvent.builder(id, TaskState.STARTED)
              .name(name)
              .timestamp(t.plusNanos(300_000))
              .build());
      if (!stuck)
        batch.add(
            TaskEvent.builder(id, TaskState.SUCCESS)
                .name(name)
                .timestamp(t.plusNanos(900_000))
                .build());
      if (batch.size() >= BATCH || i == healthy + STUCK - 1) {
        for (StemtraceEvent event : batch) store.apply(event);
        long t0 = System.nanoTime();
        detector.onApplied(batch);
        long t1 = System.nanoTime();
        stats.onApplied(batch);
        long t2 = System.nanoTime();
        detectorNanos += t1 - t0;
        statsNanos += t2 - t1;
        events += batch.size();
        batch = new ArrayList<>(BATCH);
      }
    }
    clock.advance(Duration.ofHours(1));
    long c0 = System.nanoTime();
    detector.checkDeadlines();
    long c1 = System.nanoTime();
    if (detector.count() != STUCK)
      throw new AssertionError("expected " + STUCK + " anomalies, got " + detector.count());
    long s0 = System.nanoTime();
    stats.snapshot(60);
    long s1 = System.nanoTime();
    stats.snapshot(1440);
    long s2 = System.nanoTime();
    long finished =
        stats.snapshot(7 * 1440 + 120).tasks().stream()
            .mapToLong(t -> t.counts().get(TaskState.SUCCESS))
            .sum();
    long s3 = System.nanoTime();
    Instant middle = start.plus(Duration.ofDays(3));
    stats.snapshot(middle, middle.plus(Duration.ofHours(1)));
    long s4 = System.nanoTime();
    if (finished != healthy)
      throw new AssertionError("7 days hold " + finished + " finished tasks, not " + healthy);
    if (print) {
      System.out.printf(
          Locale.ROOT,
          "%13d | %17.0f | %14.0f | %6d | %29.2f | %18.2f | %20.2f | %15.2f | %23.2f%n",
          healthy,
          (double) detectorNanos / events,
          (double) statsNanos / events,
          detector.count(),
          (c1 - c0) / 1e6,
          (s1 - s0) / 1e6,
          (s2 - s1) / 1e6,
          (s3 - s2) / 1e6,
          (s4 - s3) / 1e6);
    }
  }
}
