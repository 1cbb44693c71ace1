package io.stemtrace.transport.redis.bench;

import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TaskTracer;
import io.stemtrace.TracedTask;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.time.Duration;
import java.util.List;

/**
 * The load harness phases that end in a graph: EventConsumer decoding into an InMemoryGraphStore.
 */
final class BenchGraph {

  private static final int BATCH = 1_000;

  private BenchGraph() {}

  /** Pre-encoded events sent in batches of 1000 while a consumer applies them to the graph. */
  static void endToEnd(String url, List<byte[]> payloads, List<String> prefixes) throws Exception {
    String prefix = RedisLoadHarness.newPrefix(prefixes);
    InMemoryGraphStore store = InMemoryGraphStore.create(1_000_000);
    try (Transport producer = Transports.open(url + "?maxlen=" + (payloads.size() * 2), prefix);
        Transport consumerSide = Transports.open(url, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      consumer.start();
      RedisLoadHarness.Cpu.start(url);
      long started = System.nanoTime();
      for (int from = 0; from < payloads.size(); from += BATCH) {
        producer.send(payloads.subList(from, Math.min(payloads.size(), from + BATCH)));
      }
      awaitApplied(consumer, payloads.size());
      RedisLoadHarness.report("send -> Redis -> consumer -> graph", payloads.size(), started);
      RedisLoadHarness.Output.line(
          "%-48s %,d tasks, %,d workflows in the graph%n",
          "", store.taskCount(), store.workflowCount());
    }
  }

  /**
   * As {@link #endToEnd}, but the producer is a second JVM ({@link BenchProducerProcess}), as an
   * application and the dashboard are in production: each process has its own heap, collector and
   * JIT. The CPU figures cover both JVMs and Redis.
   */
  static void endToEndTwoProcesses(String url, int events, List<String> prefixes) throws Exception {
    String prefix = RedisLoadHarness.newPrefix(prefixes);
    prefixes.add(prefix + "-warmup");
    Process producer = BenchProducerProcess.start(url, prefix, events);
    try (var fromProducer =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    producer.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        var toProducer =
            new java.io.PrintStream(
                producer.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8)) {
      if (!"ready".equals(fromProducer.readLine()))
        throw new IllegalStateException("producer process did not start");
      InMemoryGraphStore store = InMemoryGraphStore.create(1_000_000);
      try (Transport consumerSide = Transports.open(url, prefix);
          EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
        consumer.start();
        awaitApplied(consumer, BenchProducerProcess.PRIMER);
        RedisLoadHarness.Cpu.start(url);
        long started = System.nanoTime();
        toProducer.println("go");
        awaitApplied(consumer, BenchProducerProcess.PRIMER + events);
        String done = fromProducer.readLine();
        long producerCpu =
            done != null && done.startsWith("done ") ? Long.parseLong(done.substring(5)) : 0;
        RedisLoadHarness.report("producer JVM -> Redis -> consumer JVM -> graph", events, started);
        RedisLoadHarness.Output.line(
            "%-48s producer JVM CPU us/event %s; %,d tasks in the graph%n",
            "", BenchProducerProcess.format(producerCpu, events), store.taskCount());
      }
    } finally {
      producer.destroy();
      producer.waitFor();
    }
  }

  /**
   * The real producer: task threads call the tracer (PENDING, STARTED, SUCCESS per task),
   * Stemtrace's publisher encodes and sends batches of 1000, a consumer applies them to the graph.
   */
  static void endToEndFromTracer(String url, int events, List<String> prefixes) throws Exception {
    String prefix = RedisLoadHarness.newPrefix(prefixes);
    InMemoryGraphStore store = InMemoryGraphStore.create(1_000_000);
    int tasks = events / 3;
    try (Transport consumerSide = Transports.open(url, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      consumer.start();
      StemtraceMetrics metrics;
      long started;
      try (Stemtrace stemtrace =
          Stemtrace.builder()
              .transportUrl(url + "?maxlen=" + (events * 2))
              .prefix(prefix)
              .queueSize(200_000)
              .batchSize(BATCH)
              .flushInterval(Duration.ofMillis(5))
              .workerEvents(false)
              .shutdownHook(false)
              .closeTimeout(Duration.ofSeconds(60))
              .build()) {
        TaskTracer tracer = stemtrace.tracer();
        RedisLoadHarness.Cpu.start(url);
        started = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
          TracedTask task = tracer.newTask("orders.charge_line").pending(List.of(i, 7), null);
          task.started();
          task.success(i);
          if ((i & 1023) == 0) backOffWhileQueueIsLong(stemtrace);
        }
        stemtrace.flush(Duration.ofSeconds(60));
        metrics = stemtrace.metrics();
      }
      long accepted = metrics.queued();
      awaitApplied(consumer, accepted);
      RedisLoadHarness.report("tracer -> publisher -> Redis -> graph", accepted, started);
      RedisLoadHarness.Output.line(
          "%-48s %,d sent, %,d dropped, %,d failed%n",
          "", metrics.sent(), metrics.dropped(), metrics.failed());
    }
  }

  /**
   * Keeps the benchmark measuring throughput, not the drop path, when the producer outruns Redis.
   */
  private static void backOffWhileQueueIsLong(Stemtrace stemtrace) throws InterruptedException {
    while (stemtrace.metrics().queueDepth() > 150_000) Thread.sleep(1);
  }

  /**
   * A fresh consumer replaying the whole stream into an empty graph, as a restarted server does.
   */
  static void replayIntoGraph(String url, String prefix, int events) throws Exception {
    InMemoryGraphStore store = InMemoryGraphStore.create(1_000_000);
    try (Transport consumerSide = Transports.open(url, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      RedisLoadHarness.Cpu.start(url);
      long started = System.nanoTime();
      consumer.start();
      awaitApplied(consumer, events);
      RedisLoadHarness.report("replay " + events + " entries into the graph", events, started);
    }
  }

  private static void awaitApplied(EventConsumer consumer, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (consumer.metrics().eventsApplied() + consumer.metrics().eventsRejected() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + consumer.metrics().eventsApplied() + " of " + count + " applied");
      }
      Thread.sleep(1);
    }
  }
}
