package io.stemtrace.bench;

import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TracedTask;
import io.stemtrace.TracingExecutorService;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;

/**
 * The caller thread's CPU time per event and per traced task, measured with the thread's own CPU
 * clock ({@link ThreadMXBean#getCurrentThreadCpuTime}) rather than wall time, so the figure stays
 * meaningful on a machine shared with other work (JMH's wall-clock figures in {@link
 * ProducerBenchmark} swing with the load). Each round emits a batch, then flushes it outside the
 * measured span; 1 and 2 caller threads.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl stemtrace-core -am -Pbench process-test-classes
 * -Dbench.main=io.stemtrace.bench.ProducerCostHarness -Dbench.args=}
 */
public final class ProducerCostHarness {

  static final int ROUNDS = 400;
  static final int WARMUP_ROUNDS = 200;
  static final int PER_ROUND = 1_000;

  interface Scenario {
    void run(Stemtrace stemtrace, Context context) throws Exception;
  }

  /** What one caller thread works with. */
  record Context(TracedTask task, ExecutorService plain, TracingExecutorService traced) {}

  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported())
      throw new IllegalStateException("no thread CPU clock");
    threads.setThreadCpuTimeEnabled(true);
    Callable<Object> noop = () -> null;
    List<Object> args1 = List.of(42, "order-17", 3.5);
    java.util.Map<String, Object> kwargs =
        java.util.Map.of("user", "ann", "password", "hunter2", "retry", true);
    String[] names = {
      "event, no args (STARTED)",
      "new task + PENDING, no args",
      "event, small args+kwargs",
      "no-op task, plain direct executor",
      "no-op task, traced direct executor"
    };
    Scenario[] scenarios = {
      (s, c) -> {
        for (int i = 0; i < PER_ROUND; i++) c.task().started();
      },
      (s, c) -> {
        for (int i = 0; i < PER_ROUND; i++) s.tracer().newTask("bench.task").pending();
      },
      (s, c) -> {
        for (int i = 0; i < PER_ROUND; i++) c.task().pending(args1, kwargs);
      },
      (s, c) -> {
        for (int i = 0; i < PER_ROUND; i++) c.plain().submit(noop).get();
      },
      (s, c) -> {
        for (int i = 0; i < PER_ROUND; i++) c.traced().submit(noop).get();
      },
    };
    System.out.printf(
        Locale.ROOT,
        "caller-thread CPU time per operation (median / p90 of %d rounds of %d)%n",
        ROUNDS,
        PER_ROUND);
    for (int threadCount : new int[] {1, 2}) {
      for (int k = 0; k < scenarios.length; k++) {
        double[] result = measure(threads, scenarios[k], threadCount);
        System.out.printf(
            Locale.ROOT,
            "threads=%d  %-36s %8.1f ns  %8.1f ns%n",
            threadCount,
            names[k],
            result[0],
            result[1]);
      }
    }
  }

  /** Median and 90th percentile of per-op CPU nanoseconds over all rounds of all threads. */
  static double[] measure(ThreadMXBean threads, Scenario scenario, int threadCount)
      throws Exception {
    Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(new ProducerBenchmark.DiscardingTransport())
            .queueSize(1_000_000)
            .batchSize(100_000)
            .flushInterval(Duration.ofHours(1))
            .shutdownHook(false)
            .build();
    CyclicBarrier barrier = new CyclicBarrier(threadCount);
    List<Double> perOp = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threadCount; t++) {
      Thread worker =
          new Thread(
              () -> {
                Context context =
                    new Context(
                        stemtrace.tracer().newTask("bench.task"),
                        new ProducerBenchmark.DirectExecutorService(),
                        stemtrace.wrap(new ProducerBenchmark.DirectExecutorService()));
                try {
                  for (int round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
                    barrier.await();
                    long start = threads.getCurrentThreadCpuTime();
                    scenario.run(stemtrace, context);
                    long cpu = threads.getCurrentThreadCpuTime() - start;
                    if (round >= WARMUP_ROUNDS) perOp.add(cpu / (double) PER_ROUND);
                    stemtrace.flush(Duration.ofSeconds(30));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "bench-caller-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) worker.join();
    StemtraceMetrics metrics = stemtrace.metrics();
    stemtrace.close();
    if (!errors.isEmpty()) throw new IllegalStateException(errors.get(0));
    if (metrics.dropped() > 0 || metrics.failed() > 0) {
      throw new IllegalStateException("events lost during measurement: " + metrics);
    }
    List<Double> sorted = new ArrayList<>(perOp);
    sorted.sort(null);
    return new double[] {sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.9))};
  }

  private ProducerCostHarness() {}
}
