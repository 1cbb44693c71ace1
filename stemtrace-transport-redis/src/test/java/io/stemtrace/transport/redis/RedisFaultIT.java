package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.stemtrace.api.Transport;
import io.stemtrace.core.Transports;
import io.stemtrace.core.testing.TransportContractTest.Collector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies while events are produced and consumed: kill -9 of a server of the test's own, restart on the
 * same port, and check that task code went on unhindered and the consumer applied every entry the stream
 * holds exactly once, in order.
 */
class RedisFaultIT {

  @TempDir Path dir;

  @Test
  void killAndRestartRedis_whileProducingAndConsuming_consumerAppliesEveryStoredEntryOnce() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(dir, true);
        Transport producerSide = Transports.open(server.url() + "?timeout=PT1S", "fault");
        Transport consumerSide = Transports.open(server.url() + "?timeout=PT1S", "fault")) {
      Collector collector = new Collector();
      RedisSubscription subscription = (RedisSubscription) consumerSide.subscribe(collector);
      QueuePublisher publisher = new QueuePublisher(producerSide, 20_000);
      TaskThreads tasks = new TaskThreads(publisher, 2);

      tasks.start();
      Thread.sleep(1_500);
      long beforeKill = publisher.accepted.get();
      server.kill();
      long offersAtKill = tasks.offers.get();
      boolean sawDisconnect = waitFor(() -> !subscription.isConnected(), Duration.ofSeconds(5));
      Thread.sleep(2_000); // Redis stays down while tasks keep producing
      long offersWhileDown = tasks.offers.get() - offersAtKill;
      server.start();
      Thread.sleep(1_500);
      tasks.stop();
      publisher.drainAndStop(Duration.ofSeconds(20));

      List<String> stream = streamPayloads(server.port());
      collector.awaitCount(stream.size(), Duration.ofSeconds(30));
      Thread.sleep(300); // a consumer applying anything twice would show it now

      // task code: never blocked, kept running while Redis was down; the overflow was counted, not waited on
      assertThat(tasks.slowestOfferNanos.get()).as("slowest offer by task code").isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
      assertThat(offersWhileDown).as("task events offered while Redis was down").isGreaterThan(1_000);
      assertThat(publisher.accepted.get() + publisher.dropped.get()).isEqualTo(tasks.offers.get());
      assertThat(publisher.failedBatches.get()).as("batches that hit the dead server").isPositive();
      assertThat(beforeKill).isPositive();
      // the consumer noticed, reconnected, and caught up with everything the stream holds, once each, in order
      assertThat(sawDisconnect).as("consumer noticed the outage").isTrue();
      assertThat(subscription.reconnects()).isGreaterThanOrEqualTo(1);
      assertThat(subscription.isConnected()).isTrue();
      assertThat(stream.size()).as("entries in the stream").isGreaterThan(1_000);
      List<String> applied = collector.strings();
      assertThat(new HashSet<>(applied)).as("no event applied twice").hasSize(applied.size());
      assertThat(applied).as("applied == stream content, in stream order").containsExactlyElementsOf(stream);
      assertThat(stream.size()).as("entries written after the restart reached the stream").isGreaterThan((int) beforeKill);
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
      assertThat(collector.strings().subList(200, 500)).containsExactlyElementsOf(
          second.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
      assertThat(subscription.reconnects()).isGreaterThanOrEqualTo(1);
    }
  }

  private static void sendUntilAccepted(Transport transport, List<byte[]> batch, Duration timeout) throws Exception {
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
      payloads.add(("{\"task_id\":\"" + run + "-" + i + "\",\"state\":\"PENDING\"}").getBytes(StandardCharsets.UTF_8));
    }
    return payloads;
  }

  private static List<String> streamPayloads(int port) {
    try (var redis = new RedisTestSupport.RawRedis(port)) {
      List<StreamMessage<String, String>> entries = redis.commands().xrange("fault:events", Range.create("-", "+"));
      return entries.stream().map(entry -> entry.getBody().get("data")).toList();
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * What a producer does in front of a transport: task code offers to a bounded queue (never waits, counts a
   * drop when full); one daemon thread sends batches; a failed batch is counted and dropped, never resent.
   */
  static final class QueuePublisher {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong failedBatches = new AtomicLong();
    private final BlockingQueue<byte[]> queue;
    private final Transport transport;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    QueuePublisher(Transport transport, int capacity) {
      this.transport = transport;
      this.queue = new ArrayBlockingQueue<>(capacity);
      this.thread = new Thread(this::run, "test-publisher");
      thread.setDaemon(true);
      thread.start();
    }

    void offer(byte[] payload) {
      if (queue.offer(payload)) accepted.incrementAndGet();
      else dropped.incrementAndGet();
    }

    private void run() {
      List<byte[]> batch = new ArrayList<>(1_000);
      while (running.get() || !queue.isEmpty()) {
        try {
          byte[] first = queue.poll(50, TimeUnit.MILLISECONDS);
          if (first == null) continue;
          batch.add(first);
          queue.drainTo(batch, 999);
          transport.send(batch);
        } catch (IOException e) {
          failedBatches.incrementAndGet();
          sleep(20);
        } catch (InterruptedException e) {
          return;
        } finally {
          batch.clear();
        }
      }
    }

    void drainAndStop(Duration timeout) throws InterruptedException {
      running.set(false);
      thread.join(timeout.toMillis());
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stand-ins for task code: emit uniquely numbered events as fast as a busy app would, timing each offer. */
  static final class TaskThreads {
    final AtomicLong offers = new AtomicLong();
    final AtomicLong slowestOfferNanos = new AtomicLong();
    private final QueuePublisher publisher;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    TaskThreads(QueuePublisher publisher, int count) {
      this.publisher = publisher;
      for (int t = 0; t < count; t++) {
        int id = t;
        Thread thread = new Thread(() -> work(id), "test-task-" + t);
        thread.setDaemon(true);
        threads.add(thread);
      }
    }

    void start() {
      threads.forEach(Thread::start);
    }

    private void work(int id) {
      long sequence = 0;
      while (running.get()) {
        for (int i = 0; i < 10; i++) {
          byte[] payload = ("{\"task_id\":\"t" + id + "-" + sequence++ + "\",\"name\":\"fault.work\",\"state\":\"STARTED\"}")
              .getBytes(StandardCharsets.UTF_8);
          long started = System.nanoTime();
          publisher.offer(payload);
          slowestOfferNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          offers.incrementAndGet();
        }
        try {
          Thread.sleep(1); // about 10 000 events per second per thread
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
}
