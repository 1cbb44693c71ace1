package io.stemtrace.transport.amqp.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.stemtrace.api.Subscription;
import io.stemtrace.transport.amqp.RabbitMqTransport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the RabbitMQ transport's throughput: publishing with and without publisher confirms, and events per
 * second through the broker into a subscriber. Run it once, on a quiet machine:
 *
 * <pre>mvn -B -q -pl stemtrace-transport-amqp -am test-compile exec:java -Dexec.skip=true
 *     [-Dbench.url=amqp://guest:guest@127.0.0.1:5672/%2F] [-Dbench.events=300000] [-Dbench.batch=1000]
 *     [-Dbench.options=&prefetch=5000]</pre>
 *
 * Every exchange and queue it declares has a fresh {@code bench-*} prefix and is deleted at the end.
 */
public final class AmqpLoadHarness {

  private AmqpLoadHarness() {}

  public static void main(String[] args) throws Exception {
    String url = System.getProperty("bench.url", "amqp://guest:guest@127.0.0.1:5672/%2F");
    String extra = System.getProperty("bench.options", "");
    int events = Integer.getInteger("bench.events", 300_000);
    int batchSize = Integer.getInteger("bench.batch", 1_000);
    List<List<byte[]>> batches = batches(events, batchSize);
    System.out.printf(Locale.ROOT, "RabbitMQ transport load harness: %,d events of ~%d bytes in batches of %,d, %s, %d cores%n",
        events, batches.get(0).get(0).length, batchSize, url.replaceFirst("//[^@/]*@", "//"),
        Runtime.getRuntime().availableProcessors());

    // warm up the JIT and the broker once, without counting
    publish(url, "confirms=true", batches.subList(0, Math.min(batches.size(), 50)), extra);
    double withConfirms = publish(url, "confirms=true", batches, extra);
    System.out.printf(Locale.ROOT, "publish, confirms on : %,10.0f events/s%n", withConfirms);
    double withoutConfirms = publish(url, "confirms=false", batches, extra);
    System.out.printf(Locale.ROOT, "publish, confirms off: %,10.0f events/s%n", withoutConfirms);
    double drain = drain(url, batches, extra);
    System.out.printf(Locale.ROOT, "consume a filled queue into a counting sink: %,10.0f events/s%n", drain);
    double throughBroker = endToEnd(url, batches, extra);
    System.out.printf(Locale.ROOT, "publish -> broker -> subscriber, confirms on: %,10.0f events/s%n", throughBroker);
  }

  /** Publishes every batch to an exchange with one bound queue (so the broker stores what it confirms). */
  private static double publish(String url, String options, List<List<byte[]>> batches, String extra) throws Exception {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    try (RabbitMqTransport transport = RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S&" + options + extra, prefix)) {
      declareQueue(url, transport);
      try {
        long started = System.nanoTime();
        long count = 0;
        for (List<byte[]> batch : batches) {
          transport.send(batch);
          count += batch.size();
        }
        return count / ((System.nanoTime() - started) / 1e9);
      } finally {
        delete(url, transport);
      }
    }
  }

  /** Fills the queue first (confirms off), then measures how fast a subscription empties it. */
  private static double drain(String url, List<List<byte[]>> batches, String extra) throws Exception {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    long total = batches.stream().mapToLong(List::size).sum();
    AtomicLong received = new AtomicLong();
    try (RabbitMqTransport transport = RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix)) {
      try {
        transport.subscribe(batch -> {}).close(); // declares and binds the queue
        for (List<byte[]> batch : batches) transport.send(batch);
        long started = System.nanoTime();
        Subscription subscription = transport.subscribe(batch -> received.addAndGet(batch.size()));
        while (received.get() < total) Thread.sleep(1);
        double rate = total / ((System.nanoTime() - started) / 1e9);
        subscription.close();
        return rate;
      } finally {
        delete(url, transport);
      }
    }
  }

  /** Publishes on this thread while a subscription of the same transport counts what it receives. */
  private static double endToEnd(String url, List<List<byte[]>> batches, String extra) throws Exception {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    long total = batches.stream().mapToLong(List::size).sum();
    AtomicLong received = new AtomicLong();
    try (RabbitMqTransport transport = RabbitMqTransport.create(url + "?consumer_id=bench&retention=PT300S" + extra, prefix)) {
      try {
        Subscription subscription = transport.subscribe(batch -> received.addAndGet(batch.size()));
        long started = System.nanoTime();
        for (List<byte[]> batch : batches) transport.send(batch);
        while (received.get() < total) Thread.sleep(1);
        double rate = total / ((System.nanoTime() - started) / 1e9);
        subscription.close();
        return rate;
      } finally {
        delete(url, transport);
      }
    }
  }

  private static void declareQueue(String url, RabbitMqTransport transport) throws Exception {
    try (Connection connection = admin(url)) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclare(transport.exchangeName(), "fanout", true);
      channel.queueDeclare(transport.queueName(), true, false, false,
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
      String json = "{\"task_id\":\"" + run.substring(0, 24) + String.format(Locale.ROOT, "%012d", i)
          + "\",\"name\":\"billing.tasks.charge_invoice\",\"state\":\"" + (i % 3 == 0 ? "PENDING" : i % 3 == 1 ? "STARTED" : "SUCCESS")
          + "\",\"timestamp\":\"2026-11-26T03:35:48.652721Z\",\"parent_id\":\"" + run + "\",\"root_id\":\"" + run
          + "\",\"group_id\":null,\"chord_id\":null,\"chord_callback_id\":null,\"trace_id\":null,\"retries\":0,"
          + "\"args\":[42,\"EUR\"],\"kwargs\":{\"invoice\":" + i + "},\"result\":null,\"exception\":null,\"traceback\":null}";
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
