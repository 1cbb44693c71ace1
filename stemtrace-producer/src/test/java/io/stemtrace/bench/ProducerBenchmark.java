package io.stemtrace.bench;

import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TracedTask;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What tracing costs the thread that runs the task code: one event (the tracer), and one traced
 * no-op task through a wrapped executor compared with the same executor unwrapped.
 *
 * <p>Each invocation emits a few thousand events into the queue; before the next one, outside the
 * measured time, the benchmark thread flushes them through the real encoder to a transport that
 * discards the bytes. So every measured event is accepted (not dropped), the queue stays short as
 * in a healthy application, and the publisher thread does not compete for the CPU while the caller
 * is measured: the figure is the caller thread's own cost, which is what the budget is about.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl stemtrace-core -am -Pbench process-test-classes} (1 thread),
 * and with {@code -Dbench.args="ProducerBenchmark -t 2"} for 2 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ProducerBenchmark {

  static final int EVENTS = 2_000;
  static final int DIRECT_TASKS = 1_000;
  static final int POOL_TASKS = 200;

  static final Callable<Object> NOOP = () -> null;
  static final List<Object> ARGS = List.of(42, "order-17", 3.5);
  static final Map<String, Object> KWARGS =
      Map.of("user", "ann", "password", "hunter2", "retry", true);

  Stemtrace stemtrace;
  ExecutorService direct;
  TracingExecutorService tracedDirect;
  ExecutorService pool;
  TracingExecutorService tracedPool;

  @Setup(Level.Trial)
  public void setUp() {
    // a long flush interval and a batch size above what one invocation queues keep the publisher
    // asleep
    stemtrace =
        Stemtrace.builder()
            .transport(new DiscardingTransport())
            .queueSize(1_000_000)
            .batchSize(100_000)
            .flushInterval(Duration.ofHours(1))
            .shutdownHook(false)
            .build();
    direct = new DirectExecutorService();
    tracedDirect = stemtrace.wrap(new DirectExecutorService());
    pool = Executors.newFixedThreadPool(2);
    tracedPool = stemtrace.wrap(Executors.newFixedThreadPool(2));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
    tracedPool.shutdownNow();
    stemtrace.close();
    StemtraceMetrics metrics = stemtrace.metrics();
    System.err.printf(
        "  [events: queued %d, sent %d, dropped %d, failed %d]%n",
        metrics.queued(), metrics.sent(), metrics.dropped(), metrics.failed());
  }

  /**
   * Per benchmark thread: a task whose events are emitted again and again; empties the queue
   * between runs.
   */
  @State(Scope.Thread)
  public static class PerThread {
    TracedTask task;
    ProducerBenchmark benchmark;

    @Setup(Level.Trial)
    public void setUp(ProducerBenchmark benchmark) {
      this.benchmark = benchmark;
      task = benchmark.stemtrace.tracer().newTask("bench.task");
    }

    @Setup(Level.Invocation)
    public void drain() {
      benchmark.stemtrace.flush(Duration.ofSeconds(10));
    }
  }

  /** One event without args: STARTED for an existing task. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void emit_event_noArgs(PerThread thread, Blackhole blackhole) {
    for (int i = 0; i < EVENTS; i++) blackhole.consume(thread.task.started());
  }

  /** A new task (fresh id) announced PENDING without args. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void emit_newTaskPending_noArgs(PerThread thread, Blackhole blackhole) {
    for (int i = 0; i < EVENTS; i++)
      blackhole.consume(stemtrace.tracer().newTask("bench.task").pending());
  }

  /** One event with small args and kwargs (converted and scrubbed on the caller thread). */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void emit_event_smallArgs(PerThread thread, Blackhole blackhole) {
    for (int i = 0; i < EVENTS; i++) blackhole.consume(thread.task.pending(ARGS, KWARGS));
  }

  /** Baseline: a no-op task on an executor that runs it on the submitting thread. */
  @Benchmark
  @OperationsPerInvocation(DIRECT_TASKS)
  public void task_direct_plain(PerThread thread, Blackhole blackhole) throws Exception {
    for (int i = 0; i < DIRECT_TASKS; i++) blackhole.consume(direct.submit(NOOP).get());
  }

  /** The same through the wrapper: PENDING, STARTED, SUCCESS and the current-task switch. */
  @Benchmark
  @OperationsPerInvocation(DIRECT_TASKS)
  public void task_direct_traced(PerThread thread, Blackhole blackhole) throws Exception {
    for (int i = 0; i < DIRECT_TASKS; i++) blackhole.consume(tracedDirect.submit(NOOP).get());
  }

  /** Baseline: a no-op task handed to a 2-thread pool and awaited. */
  @Benchmark
  @OperationsPerInvocation(POOL_TASKS)
  public void task_pool_plain(PerThread thread, Blackhole blackhole) throws Exception {
    for (int i = 0; i < POOL_TASKS; i++) blackhole.consume(pool.submit(NOOP).get());
  }

  /** The same through the wrapper. */
  @Benchmark
  @OperationsPerInvocation(POOL_TASKS)
  public void task_pool_traced(PerThread thread, Blackhole blackhole) throws Exception {
    for (int i = 0; i < POOL_TASKS; i++) blackhole.consume(tracedPool.submit(NOOP).get());
  }

  /** Runs each task on the thread that submits it, so only tracing separates plain from traced. */
  static final class DirectExecutorService extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** Accepts batches and forgets them. */
  static final class DiscardingTransport implements Transport {
    volatile long events;

    @Override
    public void send(List<byte[]> batch) {
      events += batch.size();
    }

    @Override
    public Subscription subscribe(EventSink sink) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return "discard://bench";
    }

    @Override
    public void close() {}
  }
}
