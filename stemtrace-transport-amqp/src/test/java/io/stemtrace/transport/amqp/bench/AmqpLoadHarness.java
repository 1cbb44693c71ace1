package io.stemtrace.transport.amqp.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.stemtrace.Stemtrace;
import io.stemtrace.StemtraceMetrics;
import io.stemtrace.TaskTracer;
import io.stemtrace.api.Subscription;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.transport.amqp.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the RabbitMQ transport's throughput: publishing with and without publisher confirms,
 * draining a filled queue, events per second through the broker into a subscriber, and end to end
 * into the graph (pre-encoded batches, then the producer library recording task lifecycles). Run it
 * once, on a quiet machine:
 *
 * <pre>mvn -B -q -pl stemtrace-transport-amqp -am test-compile exec:java -Dexec.skip=true
 *     [-Dbench.url=amqp://guest:guest@127.0.0.1:5672/%2F] [-Dbench.events=300000] [-Dbench.batch=1000]
 *     [-Dbench.options=&prefetch=5000]</pre>
 *
 * Every exchange and queue it declares has a fresh {@code bench-*} prefix and is deleted at the
 * end.
 */
public final class AmqpLoadHarness {

  private AmqpLoadHarness() {}

  public static void main(String[] args) throws Exception {
    String url = System.getProperty("bench.url", "amqp://guest:guest@127.0.0.1:5672/%2F");
    String extra = System.getProperty("bench.options", "");
    int events = Integer.getInteger("bench.events", 300_000);
    int batchSize = Integer.getInteger("bench.batch", 1_000);
    List<List<byte[]>> batches = batches(events, batchSize);
    System.out.printf(
        Locale.ROOT,
        "RabbitMQ transport load harness: %,d events of ~%d bytes in batches of %,d, %s, %d cores%n",
        events,
        batches.get(0).get(0).length,
        batchSize,
        url.replaceFirst("//[^@/]*@", "//"),
        Runtime.getRuntime().availableProcessors());

    // the broker's ceiling: the plain client, one confirm wait per batch, over more connections in
    // parallel,
    // persistent and not, with the broker's CPU per message
    for (int connections : new int[] {1, 2, 4}) {
      System.out.printf(
          Locale.ROOT,
          "raw RabbitMQ client, %d connection(s) in parallel, persistent, confirms: %s%n",
          connections,
          rawClient(url, batches, connections, true));
    }
    System.out.printf(
        Locale.ROOT,
        "raw RabbitMQ client, 4 connections in parallel, transient, confirms: %s%n",
        rawClient(url, batches, 4, false));
    double perEvent =
        connectionPerEvent(url, batches.get(0).subList(0, Math.min(200, batches.get(0).size())));
    System.out.printf(
        Locale.ROOT,
        "a connection per event, as Python stemtrace 0.3 publishes: %,10.0f events/s%n",
        perEvent);

    // warm up the JIT and the broker once, without counting
    publish(url, "confirms=true", batches.subList(0, Math.min(batches.size(), 50)), extra);
    double withConfirms = publish(url, "confirms=true", batches, extra);
    System.out.printf(Locale.ROOT, "publish, confirms on : %,10.0f events/s%n", withConfirms);
    double withoutConfirms = publish(url, "confirms=false", batches, extra);
    System.out.printf(Locale.ROOT, "publish, confirms off: %,10.0f events/s%n", withoutConfirms);
    double drain = drain(url, batches, extra);
    System.out.printf(
        Locale.ROOT, "consume a filled queue into a counting sink: %,10.0f events/s%n", drain);
    double throughBroker = endToEnd(url, batches, extra);
    System.out.printf(
        Locale.ROOT,
        "publish -> broker -> subscriber, confirms on: %,10.0f events/s%n",
        throughBroker);
    double graphAlone = graphAlone(batches);
    System.out.printf(
        Locale.ROOT,
        "EventConsumer -> InMemoryGraphStore alone, no broker (the consumer's ceiling): %,10.0f events/s%n",
        graphAlone);
    double intoGraph = transportIntoGraph(url, batches, extra);
    System.out.printf(
        Locale.ROOT,
        "send -> broker -> EventConsumer -> InMemoryGraphStore, confirms on: %,10.0f events/s%n",
        intoGraph);
    producerIntoGraph(url, events, batchSize, extra);
  }

  /**
   * The same batches decoded and applied in this thread, for the share of the path that is not the
   * broker.
   */
  private static double graphAlone(List<List<byte[]>> batches) {
    long total = batches.stream().mapToLong(List::size).sum();
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      InMemoryGraphStore store = InMemoryGraphStore.create((int) Math.max(total, 100_000));
      EventConsumer consumer = EventConsumer.builder(store).build();
      long started = System.nanoTime();
      for (List<byte[]> batch : batches) consumer.accept(batch);
      if (round == 1) return perSecond(total, started);
    }
    throw new AssertionError("unreachable");
  }

  /**
   * Encoded events sent in batches, consumed into the in-memory graph: the transport's share of the
   * path.
   */
  private static double transportIntoGraph(String url, List<List<byte[]>> batches, String extra)
      throws Exception {
    String prefix = newPrefix();
    long total = batches.stream().mapToLong(List::size).sum();
    InMemoryGraphStore store = InMemoryGraphStore.create((int) Math.max(total, 100_000));
    RabbitMqTransport consumerSide =
        RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix);
    try (consumerSide;
        RabbitMqTransport producerSide =
            RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix);
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build()) {
      consumer.start();
      long started = System.nanoTime();
      for (List<byte[]> batch : batches) producerSide.send(batch);
      while (consumer.metrics().eventsApplied() + consumer.metrics().eventsRejected() < total)
        Thread.sleep(1);
      return perSecond(total, started);
    } finally {
      delete(url, consumerSide); // after the consumer stopped, or it would declare the queue again
    }
  }

  /**
   * The whole path: task lifecycles recorded with the producer (PENDING, STARTED, SUCCESS per
   * task), its publisher thread sending batches with confirms, the consumer applying them to the
   * in-memory graph.
   */
  private static void producerIntoGraph(String url, int events, int batchSize, String extra)
      throws Exception {
    String prefix = newPrefix();
    String options = "?consumer_id=bench&retention=PT300S" + extra;
    int tasks = events / 3;
    InMemoryGraphStore store = InMemoryGraphStore.create(Math.max(tasks, 100_000));
    RabbitMqTransport consumerSide = RabbitMqTransport.create(url + options, prefix);
    try (consumerSide;
        EventConsumer consumer = EventConsumer.builder(store).transport(consumerSide).build();
        Stemtrace stemtrace =
            Stemtrace.builder()
                .transportUrl(url + options)
                .prefix(prefix)
                .batchSize(batchSize)
                .queueSize(events + 1_000)
                .workerEvents(false)
                .closeTimeout(Duration.ofMinutes(5))
                .build()) {
      consumer.start();
      TaskTracer tracer = stemtrace.tracer();
      long started = System.nanoTime();
      for (int i = 0; i < tasks; i++) {
        tracer
            .newTask("billing.tasks.charge_invoice")
            .pending(List.of(42, "EUR"), Map.of("invoice", i))
            .started()
            .success("ok");
      }
      long recorded = System.nanoTime();
      while (consumer.metrics().eventsApplied() + consumer.metrics().eventsRejected()
          < 3L * tasks) {
        Thread.sleep(1);
        StemtraceMetrics metrics = stemtrace.metrics();
        if (metrics.dropped() + metrics.failed() > 0
            && consumer.metrics().eventsApplied() >= metrics.sent()) break;
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      StemtraceMetrics metrics = stemtrace.metrics();
      System.out.printf(
          Locale.ROOT,
          "producer -> broker -> EventConsumer -> InMemoryGraphStore, confirms on: %,10.0f events/s"
              + " (%,d tasks recorded in %.2f s by one thread; sent %,d, dropped %,d, failed %,d; graph holds %,d tasks)%n",
          consumer.metrics().eventsApplied() / seconds,
          tasks,
          (recorded - started) / 1e9,
          metrics.sent(),
          metrics.dropped(),
          metrics.failed(),
          store.taskCount());
    } finally {
      delete(url, consumerSide); // after the consumer stopped, or it would declare the queue again
    }
  }

  /**
   * The plain client publishing the batches over {@code connections} connections at once (one
   * channel and thread each, one confirm wait per batch) into the same exchange and queue shape.
   * Returns the rate and the broker's CPU per message, read from /proc for the local beam
   * processes.
   */
  private static String rawClient(
      String url, List<List<byte[]>> batches, int connections, boolean persistent)
      throws Exception {
    String prefix = newPrefix();
    try (RabbitMqTransport names = RabbitMqTransport.create(url + "?consumer_id=bench", prefix)) {
      declareQueue(url, names);
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(url);
      List<Connection> opened = new ArrayList<>();
      java.util.concurrent.ExecutorService threads =
          java.util.concurrent.Executors.newFixedThreadPool(connections);
      try {
        for (int i = 0; i < connections; i++)
          opened.add(factory.newConnection("stemtrace bench raw " + i));
        AMQP.BasicProperties properties =
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .contentEncoding("utf-8")
                .deliveryMode(persistent ? 2 : 1)
                .priority(0)
                .build();
        long brokerTicks = brokerCpuTicks();
        long started = System.nanoTime();
        List<java.util.concurrent.Future<Long>> sent = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          Connection connection = opened.get(i);
          int first = i;
          sent.add(
              threads.submit(
                  () -> {
                    Channel channel = connection.createChannel();
                    channel.confirmSelect();
                    long count = 0;
                    for (int b = first; b < batches.size(); b += connections) {
                      for (byte[] payload : batches.get(b))
                        channel.basicPublish(names.exchangeName(), "", properties, payload);
                      channel.waitForConfirmsOrDie(30_000);
                      count += batches.get(b).size();
                    }
                    return count;
                  }));
        }
        long total = 0;
        for (java.util.concurrent.Future<Long> count : sent) total += count.get();
        double rate = perSecond(total, started);
        long ticks = brokerCpuTicks() - brokerTicks;
        return String.format(
            Locale.ROOT,
            "%,10.0f events/s%s",
            rate,
            brokerTicks < 0
                ? ""
                : String.format(
                    Locale.ROOT, ", broker CPU %.1f us/message", ticks * 10_000.0 / total));
      } finally {
        threads.shutdownNow();
        for (Connection connection : opened) connection.abort();
        delete(url, names);
      }
    }
  }

  /**
   * CPU ticks (1/100 s) used so far by the local RabbitMQ (beam) processes, or -1 when none is
   * visible.
   */
  private static long brokerCpuTicks() {
    long total = -1;
    try (var processes =
        java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc"), "[0-9]*")) {
      for (java.nio.file.Path process : processes) {
        try {
          if (!java.nio.file.Files.readString(process.resolve("comm")).startsWith("beam")) continue;
          String stat = java.nio.file.Files.readString(process.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          total = Math.max(total, 0) + Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.io.IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return -1;
    }
    return total;
  }

  /**
   * What Python stemtrace 0.3 does per event: connect, open a channel, declare, publish,
   * disconnect.
   */
  private static double connectionPerEvent(String url, List<byte[]> events) throws Exception {
    String prefix = newPrefix();
    try (RabbitMqTransport names = RabbitMqTransport.create(url + "?consumer_id=bench", prefix)) {
      declareQueue(url, names);
      try {
        AMQP.BasicProperties properties =
            new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .contentEncoding("utf-8")
                .deliveryMode(2)
                .build();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url);
        long started = System.nanoTime();
        for (byte[] payload : events) {
          try (Connection connection = factory.newConnection()) {
            Channel channel = connection.createChannel();
            channel.exchangeDeclare(names.exchangeName(), "fanout", true);
            channel.basicPublish(names.exchangeName(), "", properties, payload);
          }
        }
        return perSecond(events.size(), started);
      } finally {
        delete(url, names);
      }
    }
  }

  /**
   * Publishes every batch to an exchange with one bound queue (so the broker stores what it
   * confirms).
   */
  private static double publish(
      String url, String options, List<List<byte[]>> batches, String extra) throws Exception {
    String prefix = newPrefix();
    try (RabbitMqTransport transport =
        RabbitMqTransport.create(
            url + "?consumer_id=bench&retention=PT300S&" + options + extra, prefix)) {
      declareQueue(url, transport);
      try {
        long started = System.nanoTime();
        long count = 0;
        for (List<byte[]> batch : batches) {
          transport.send(batch);
          count += batch.size();
        }
        return perSecond(count, started);
      } finally {
        delete(url, transport);
      }
    }
  }

  /** Fills the queue first (confirms off), then measures how fast a subscription empties it. */
  private static double drain(String url, List<List<byte[]>> batches, String extra)
      throws Exception {
    String prefix = newPrefix();
    long total = batches.stream().mapToLong(List::size).sum();
    AtomicLong received = new AtomicLong();
    try (RabbitMqTransport transport =
        RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix)) {
      try {
        transport.subscribe(batch -> {}).close(); // declares and binds the queue
        for (List<byte[]> batch : batches) transport.send(batch);
        long started = System.nanoTime();
        Subscription subscription = transport.subscribe(batch -> received.addAndGet(batch.size()));
        while (received.get() < total) Thread.sleep(1);
        double rate = perSecond(total, started);
        subscription.close();
        return rate;
      } finally {
        delete(url, transport);
      }
    }
  }

  /**
   * Publishes on this thread while a subscription of the same transport counts what it receives.
   */
  private static double endToEnd(String url, List<List<byte[]>> batches, String extra)
      throws Exception {
    String prefix = newPrefix();
    long total = batches.stream().mapToLong(List::size).sum();
    AtomicLong received = new AtomicLong();
    try (RabbitMqTransport transport =
        RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix)) {
      try {
        Subscription subscription = transport.subscribe(batch -> received.addAndGet(batch.size()));
        long started = System.nanoTime();
        for (List<byte[]> batch : batches) transport.send(batch);
        while (received.get() < total) Thread.sleep(1);
        double rate = perSecond(total, started);
        subscription.close();
        return rate;
      } finally {
        delete(url, transport);
      }
    }
  }

  /** A fresh {@code bench-*} prefix: every exchange and queue a phase declares is its own. */
  private static String newPrefix() {
    return "bench-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static double perSecond(long count, long startedNanos) {
    return count / ((System.nanoTime() - startedNanos) / 1e9);
  }

  private static void declareQueue(String url, RabbitMqTransport transport) throws Exception {
    try (Connection connection = admin(url)) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare(transport.exchangeName(), "fanout", true);
      channel.queueDeclare(
          transport.queueName(),
          true,
          false,
          false,
          Map.of("x-message-ttl", 300_000L, "x-expires", 360_000L));
      channel.queueBind(transport.queueName(), transport.exchangeName(), "");
    }
  }

  private static void delete(String url, RabbitMqTransport transport) throws Exception {
    try (Connection connection = admin(url)) {
      Channel channel = connection.createChannel();
      channel.queueDelete(transport.queueName());
      channel.exchangeDelete(transport.exchangeName());
    }
  }

  private static Connection admin(String url) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    return factory.newConnection("stemtrace bench admin");
  }

  /** Task events shaped like the producer's: ids, names, timestamps, small args. */
  static List<List<byte[]>> batches(int events, int batchSize) {
    List<List<byte[]>> batches = new ArrayList<>();
    String run = UUID.randomUUID().toString();
    List<byte[]> batch = new ArrayList<>(batchSize);
    for (int i = 0; i < events; i++) {
      String json =
          "{\"task_id\":\""
              + run.substring(0, 24)
              + String.format(Locale.ROOT, "%012d", i)
              + "\",\"name\":\"billing.tasks.charge_invoice\",\"state\":\""
              + (i % 3 == 0 ? "PENDING" : i % 3 == 1 ? "STARTED" : "SUCCESS")
              + "\",\"timestamp\":\"2026-11-26T03:35:48.652721Z\",\"parent_id\":\""
              + run
              + "\",\"root_id\":\""
              + run
              + "\",\"group_id\":null,\"chord_id\":null,\"chord_callback_id\":null,\"trace_id\":null,\"retries\":0,"
              + "\"args\":[42,\"EUR\"],\"kwargs\":{\"invoice\":"
              + i
              + "},\"result\":null,\"exception\":null,\"traceback\":null}";
      batch.add(json.getBytes(StandardCharsets.UTF_8));
      if (batch.size() == batchSize) {
        batches.add(batch);
        batch = new ArrayList<>(batchSize);
      }
    }
    if (!batch.isEmpty()) batches.add(batch);
    return batches;
  }
}
