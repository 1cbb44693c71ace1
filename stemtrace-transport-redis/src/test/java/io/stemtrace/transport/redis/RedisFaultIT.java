package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TaskTracer;
import io.stemtrace.TracedTask;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.TransportContractTest.Collector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies while events are produced and consumed: kill -9 of a server of the test's own, restart
 * on the same port, and check that task code went on unhindered and the consumer applied every
 * entry the stream holds exactly once, in order.
 */
class RedisFaultIT {

  @TempDir Path dir;

  @Test
  void killAndRestartRedis_whileProducingAndConsuming_consumerAppliesEveryStoredEntryOnce()
      throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(dir, true);
        Transport consumerSide = Transports.open(server.url() + "?timeout=PT1S", "fault");
        // no trimming: every acknowledged entry must still be in the stream at the end
        AcknowledgedBatches publishing =
            new AcknowledgedBatches(
                Transports.open(server.url() + "?timeout=PT2S&maxlen=0", "fault"));
        Stemtrace producer =
            Stemtrace.builder()
                .transport(publishing)
                .queueSize(20_000)
                .batchSize(500)
                .shutdownHook(false)
                .build()) {
      Collector collector = new Collector();
      RedisSubscription subscription = (RedisSubscription) consumerSide.subscribe(collector);
      TaskThreads tasks = new TaskThreads(producer.tracer(), 2);

      tasks.start();
      // phases advance on what happened, not on wall time: a busy CI machine may take seconds to
      // connect
      assertThat(
              waitFor(
                  () -> producer.metrics().sent() > 1_000 && collector.received.size() > 1_000,
                  Duration.ofSeconds(60)))
          .as("events flowing before the kill")
          .isTrue();
      server.kill();
      long eventsAtKill = tasks.events.get();
      boolean sawDisconnect = waitFor(() -> !subscription.isConnected(), Duration.ofSeconds(10));
      // Redis stays down while tasks keep running
      assertThat(waitFor(() -> tasks.events.get() - eventsAtKill > 5_000, Duration.ofSeconds(30)))
          .as("task events emitted while Redis was down")
          .isTrue();
      long sentBeforeRestart = producer.metrics().sent();
      server.start();
      assertThat(
              waitFor(
                  () -> producer.metrics().sent() > sentBeforeRestart + 1_000,
                  Duration.ofSeconds(60)))
          .as("events flowing again after the restart")
          .isTrue();
      tasks.stop();
      producer.flush(Duration.ofSeconds(20));

      List<String> stream = streamPayloads(server.port());
      collector.awaitCount(stream.size(), Duration.ofSeconds(60));
      Thread.sleep(300); // a consumer applying anything twice would show it now

      // task code: never blocked and kept running while Redis was down; what did not fit was
      // counted
      StemtraceMetrics metrics = producer.metrics();
      // a task that waited for the broker would have waited out the 2 s timeout at least once
      assertThat(tasks.slowestTaskNanos.get())
          .as("slowest instrumented task")
          .isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(metrics.dropped() + metrics.failed())
          .as("events lost to the outage, counted")
          .isPositive();
      // the consumer noticed, reconnected, and caught up with everything the stream holds, once
      // each, in order
      assertThat(sawDisconnect).as("consumer noticed the outage").isTrue();
      assertThat(subscription.reconnects()).isGreaterThanOrEqualTo(1);
      assertThat(subscription.isConnected()).isTrue();
      assertThat(stream.size()).as("entries in the stream").isGreaterThan(1_000);
      List<String> applied = collector.strings();
      assertThat(new HashSet<>(applied)).as("no event applied twice").hasSize(applied.size());
      assertThat(applied)
          .as("applied == stream content, in stream order")
          .containsExactlyElementsOf(stream);
      // what Redis acknowledged (appendfsync always) survived the kill -9
      assertThat(publishing.acknowledged).as("acknowledged entries").hasSizeGreaterThan(1_000);
      assertThat(stream)
          .as("every acknowledged entry, in order")
          .containsSubsequence(publishing.acknowledged);
      subscription.close();
    }
  }

  @Test
  void restartWithoutPersistence_consumerFollowsTheNewStream() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(dir, false);
        Transport transport = Transports.open(server.url() + "?timeout=PT1S", "volatile")) {
      Collector collector = new Collector();
      RedisSubscription subscription = (RedisSubscription) transport.subscribe(collector);
      List<byte[]> first = numbered("a", 200);
      transport.send(first);
      collector.awaitCount(200, Duration.ofSeconds(10));

      server.kill(); // the stream is gone with it
      server.start();
      List<byte[]> second = numbered("b", 300);
      sendUntilAccepted(transport, second, Duration.ofSeconds(15));
      collector.awaitCount(500, Duration.ofSeconds(15));
      assertThat(collector.received).hasSize(500);
      assertThat(collector.strings().subList(200, 500))
          .containsExactlyElementsOf(
              second.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
      assertThat(subscription.reconnects()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void restartWithoutPersistence_newIdsBelowThePosition_streamResetAndEveryNewEntryRead()
      throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(dir, false);
        Transport transport = Transports.open(server.url() + "?timeout=PT1S", "behind")) {
      Collector collector = new Collector();
      RedisSubscription subscription = (RedisSubscription) transport.subscribe(collector);
      transport.send(numbered("a", 200));
      collector.awaitCount(200, Duration.ofSeconds(10));

      server.kill();
      server.start();
      // the restarted server's clock is behind (or a replica took over): its ids lie below the
      // position
      List<String> second = new ArrayList<>();
      try (var redis = new RedisTestSupport.RawRedis(server.port())) {
        for (int i = 0; i < 300; i++) {
          String data = "{\"task_id\":\"b-" + i + "\",\"state\":\"PENDING\"}";
          redis
              .commands()
              .xadd(
                  "behind:events",
                  new io.lettuce.core.XAddArgs().id("1-" + (i + 1)),
                  java.util.Map.of("data", data));
          second.add(data);
        }
      }
      collector.awaitCount(500, Duration.ofSeconds(20));
      Thread.sleep(1_500); // a second look at the stream must not reset again or deliver twice
      assertThat(collector.received).hasSize(500);
      assertThat(collector.strings().subList(200, 500)).containsExactlyElementsOf(second);
      assertThat(subscription.streamResets()).isEqualTo(1);
      assertThat(subscription.position()).isEqualTo("1-300");
      assertThat(waitFor(() -> subscription.lag().orElse(-1) == 0, Duration.ofSeconds(5)))
          .as("lag 0")
          .isTrue();
    }
  }

  private static void sendUntilAccepted(Transport transport, List<byte[]> batch, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        transport.send(batch);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(100);
      }
    }
  }

  private static List<byte[]> numbered(String run, int count) {
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      payloads.add(
          ("{\"task_id\":\"" + run + "-" + i + "\",\"state\":\"PENDING\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return payloads;
  }

  private static List<String> streamPayloads(int port) {
    try (var redis = new RedisTestSupport.RawRedis(port)) {
      List<StreamMessage<String, String>> entries =
          redis.commands().xrange("fault:events", Range.create("-", "+"));
      return entries.stream().map(entry -> entry.getBody().get("data")).toList();
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * Stand-ins for task code: traced tasks (PENDING, STARTED, SUCCESS) as fast as a busy app runs
   * them.
   */
  static final class TaskThreads {
    final AtomicLong events = new AtomicLong();
    final AtomicLong slowestTaskNanos = new AtomicLong();
    private final TaskTracer tracer;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    TaskThreads(TaskTracer tracer, int count) {
      this.tracer = tracer;
      for (int t = 0; t < count; t++) {
        Thread thread = new Thread(this::work, "test-task-" + t);
        thread.setDaemon(true);
        threads.add(thread);
      }
    }

    void start() {
      threads.forEach(Thread::start);
    }

    private void work() {
      long sequence = 0;
      while (running.get()) {
        for (int i = 0; i < 5; i++) {
          long started = System.nanoTime();
          TracedTask task = tracer.newTask("fault.work").pending(List.of(sequence++), null);
          task.started();
          task.success("ok");
          slowestTaskNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          events.addAndGet(3);
        }
        try {
          Thread.sleep(1); // about 15 000 events per second per thread
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) thread.join(5_000);
    }
  }

  /** The producer's transport, noting every entry of each batch whose send returned normally. */
  static final class AcknowledgedBatches implements Transport {
    final List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Transport delegate;

    AcknowledgedBatches(Transport delegate) {
      this.delegate = delegate;
    }

    @Override
    public void send(List<byte[]> batch) throws IOException {
      delegate.send(batch);
      for (byte[] payload : batch) acknowledged.add(new String(payload, StandardCharsets.UTF_8));
    }

    @Override
    public io.stemtrace.api.Subscription subscribe(io.stemtrace.api.EventSink sink)
        throws IOException {
      return delegate.subscribe(sink);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
