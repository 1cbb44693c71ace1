package io.stemtrace.bench;

import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TracedTask;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing costs the thread that runs the task code: one event (the tracer), and one traced no-op
 * task through a wrapped executor compared with the same executor unwrapped. The transport discards
 * batches, so the publisher thread does its real work (encoding) without I/O. A fresh instance with a
 * large queue per iteration keeps events accepted rather than dropped; the teardown prints the counters
 * to prove it.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl stemtrace-core -am -Pbench process-test-classes} (1 thread), and with
 * {@code -Dbench.args="ProducerBenchmark -t 2"} for 2 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 6, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ProducerBenchmark {

  static final Callable<Object> NOOP = () -> null;
  static final List<Object> ARGS = List.of(42, "order-17", 3.5);
  static final Map<String, Object> KWARGS = Map.of("user", "ann", "password", "hunter2", "retry", true);

  Stemtrace stemtrace;
  ExecutorService direct;
  TracingExecutorService tracedDirect;
  ExecutorService pool;
  TracingExecutorService tracedPool;

  @Setup(Level.Iteration)
  public void setUp() {
    stemtrace = Stemtrace.builder().transport(new DiscardingTransport()).queueSize(4_000_000)
        .batchSize(500).shutdownHook(false).build();
    direct = new DirectExecutorService();
    tracedDirect = stemtrace.wrap(new DirectExecutorService());
    pool = Executors.newFixedThreadPool(2);
    tracedPool = stemtrace.wrap(Executors.newFixedThreadPool(2));
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    StemtraceMetrics metrics = stemtrace.metrics();
    pool.shutdownNow();
    tracedPool.shutdownNow();
    stemtrace.close();
    if (metrics.dropped() > 0) {
      System.err.printf("  [events: queued %d, dropped %d]%n", metrics.queued(), metrics.dropped());
    }
  }

  /** Per benchmark thread: a task whose events are emitted again and again. */
  @State(Scope.Thread)
  public static class ThreadTask {
    TracedTask task;

    @Setup(Level.Iteration)
    public void setUp(ProducerBenchmark benchmark) {
      task = benchmark.stemtrace.tracer().newTask("bench.task");
    }
  }

  /** One event without args: STARTED for an existing task. */
  @Benchmark
  public TracedTask emit_event_noArgs(ThreadTask thread) {
    return thread.task.started();
  }

  /** A new task (fresh id) announced PENDING without args. */
  @Benchmark
  public TracedTask emit_newTaskPending_noArgs() {
    return stemtrace.tracer().newTask("bench.task").pending();
  }

  /** One event with small args and kwargs (converted and scrubbed on the caller thread). */
  @Benchmark
  public TracedTask emit_event_smallArgs(ThreadTask thread) {
    return thread.task.pending(ARGS, KWARGS);
  }

  /** Baseline: a no-op task on an executor that runs it on the submitting thread. */
  @Benchmark
  public Object task_direct_plain() throws ExecutionException, InterruptedException {
    return direct.submit(NOOP).get();
  }

  /** The same through the wrapper: PENDING, STARTED, SUCCESS, context switch; the difference is tracing. */
  @Benchmark
  public Object task_direct_traced() throws ExecutionException, InterruptedException {
    return tracedDirect.submit(NOOP).get();
  }

  /** Baseline: a no-op task handed to a 2-thread pool and awaited. */
  @Benchmark
  public Object task_pool_plain() throws ExecutionException, InterruptedException {
    return pool.submit(NOOP).get();
  }

  /** The same through the wrapper. */
  @Benchmark
  public Object task_pool_traced() throws ExecutionException, InterruptedException {
    return tracedPool.submit(NOOP).get();
  }

  /** Runs each task on the thread that submits it, so only tracing separates plain from traced. */
  static final class DirectExecutorService extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override public void shutdown() { shutdown = true; }
    @Override public List<Runnable> shutdownNow() { shutdown = true; return List.of(); }
    @Override public boolean isShutdown() { return shutdown; }
    @Override public boolean isTerminated() { return shutdown; }
    @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }
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
