package io.stemtrace.core.bench;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.workers.WorkerMonitor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link WorkerMonitor} costs the consumer thread: 1 000 000 tasks (RECEIVED, STARTED, SUCCESS
 * each, every tenth FAILURE) spread over 50 workers that heartbeat every 1 000 tasks, applied in
 * batches of 200 as the consumer does. Prints events per CPU-second of the applying thread and the
 * monitor's estimated heap. Run with {@code mvn -B -q -pl stemtrace-core -am -Pbench
 * process-test-classes -Dbench.main=io.stemtrace.core.bench.WorkerMonitorHarness}; an optional
 * argument sets the task count.
 */
public final class WorkerMonitorHarness {

  private static final int WORKERS = 50;
  private static final int BATCH = 200;

  private WorkerMonitorHarness() {}

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Instant t0 = Instant.parse("2026-12-04T04:00:00Z");
    WorkerMonitor monitor = WorkerMonitor.builder().clock(Clock.fixed(t0, ZoneOffset.UTC)).build();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // warm-up on another monitor, so that the figure is of compiled code
    run(WorkerMonitor.builder().clock(Clock.fixed(t0, ZoneOffset.UTC)).build(), 100_000, t0);
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long events = run(monitor, tasks, t0);
    long cpuNanos = threads.getCurrentThreadCpuTime() - cpuBefore;
    System.out.printf(
        Locale.ROOT,
        "worker monitor: %,d events over %d workers in %.2f CPU-s: %,.0f events per CPU-second;"
            + " estimated heap %,d bytes (%,d tasks tracked)%n",
        events,
        WORKERS,
        cpuNanos / 1e9,
        events / (cpuNanos / 1e9),
        monitor.estimatedBytes(),
        Math.min(tasks, WorkerMonitor.DEFAULT_MAX_TRACKED_TASKS));
  }

  private static long run(WorkerMonitor monitor, int tasks, Instant t0) {
    List<StemtraceEvent> batch = new ArrayList<>(BATCH);
    long events = 0;
    for (int i = 0; i < tasks; i++) {
      // a new String per event, as the decoder makes them
      String host = new String("jvm-" + (i % WORKERS) + "@bench-host");
      String id = "task-" + i;
      Instant at = t0.plusMillis(i);
      if (i % 1_000 < WORKERS) {
        batch.add(
            new WorkerEvent(
                WorkerEvent.Type.READY, host, 1000 + i % WORKERS, at, List.of(), Map.of(), null));
      }
      batch.add(event(id, TaskState.RECEIVED, at, host));
      batch.add(event(id, TaskState.STARTED, at.plusNanos(1_000), host));
      batch.add(
          event(
              id, i % 10 == 0 ? TaskState.FAILURE : TaskState.SUCCESS, at.plusNanos(2_000), host));
      if (batch.size() >= BATCH) {
        events += batch.size();
        monitor.onApplied(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    events += batch.size();
    monitor.onApplied(batch);
    return events;
  }

  private static TaskEvent event(String id, TaskState state, Instant at, String host) {
    return TaskEvent.builder(id, state).name("bench.task").timestamp(at).hostname(host).build();
  }
}
