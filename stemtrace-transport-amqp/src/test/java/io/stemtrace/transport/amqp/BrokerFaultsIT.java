package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.Stemtrace;
import io.stemtrace.TaskTracer;
import io.stemtrace.api.Subscription;
import io.stemtrace.testing.TransportContractTest.Collector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults that would disturb everyone on the shared broker, played on a private RabbitMQ node: a
 * memory alarm that blocks publishers, and a broker restart.
 */
class BrokerFaultsIT {

  private static PrivateRabbitMq broker;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "broker-faults-test");
            thread.setDaemon(true);
            return thread;
          });

  @BeforeAll
  static void startBroker() throws Exception {
    broker = PrivateRabbitMq.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) broker.close();
  }

  @Test
  void memoryAlarm_blocksPublishing_sendFailsWithinTheConfirmTimeout_andResumesAfter()
      throws Exception {
    String prefix = "blocked-" + UUID.randomUUID().toString().substring(0, 8);
    String url = broker.url("consumer_id=blocked&retention=PT60S&confirm_timeout=PT2S");
    try (RabbitMqTransport consumerSide = RabbitMqTransport.create(url, prefix);
        RabbitMqTransport producerSide = RabbitMqTransport.create(url, prefix)) {
      Collector collector = new Collector();
      Subscription subscription = consumerSide.subscribe(collector);
      producerSide.send(payloads("before", 10));
      collector.awaitCount(10, Duration.ofSeconds(10));

      broker.ctl("set_vm_memory_high_watermark", "0");
      try {
        // the first send may still slip through before the alarm reaches this connection; later
        // ones are
        // refused, each within the confirm timeout (2 s) plus scheduling slack, never hanging
        int refused = 0;
        for (int i = 0; i < 5; i++) {
          List<byte[]> batch = payloads("blocked-" + i, 2_000);
          Future<?> send =
              executor.submit(
                  () -> {
                    producerSide.send(batch);
                    return null;
                  });
          try {
            send.get(8, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
            refused++;
          }
        }
        assertThat(refused)
            .as("sends refused while the broker blocks publishing")
            .isGreaterThanOrEqualTo(4);
      } finally {
        broker.ctl("set_vm_memory_high_watermark", "0.4");
      }

      // once the alarm clears, publishing works again on the same transport
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<byte[]> after = payloads("after", 10);
      while (true) {
        try {
          producerSide.send(after);
          break;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) throw e;
          Thread.sleep(200);
        }
      }
      long started = System.nanoTime();
      while (!collector.strings().containsAll(strings(after))
          && System.nanoTime() - started < 20_000_000_000L) {
        Thread.sleep(20);
      }
      assertThat(collector.strings()).containsAll(strings(after));
      subscription.close();
    }
  }

  @Test
  void brokerRestart_duringProduction_everyConfirmedEventArrives() throws Exception {
    String prefix = "restart-" + UUID.randomUUID().toString().substring(0, 8);
    String url = broker.url("consumer_id=restart&retention=PT300S&confirm_timeout=PT3S");
    try (RabbitMqTransport consumerSide = RabbitMqTransport.create(url, prefix);
        RabbitMqTransport producerSide = RabbitMqTransport.create(url, prefix)) {
      Set<String> received = ConcurrentHashMap.newKeySet();
      Subscription subscription =
          consumerSide.subscribe(
              batch -> {
                for (byte[] event : batch) received.add(new String(event, StandardCharsets.UTF_8));
              });
      Set<String> confirmed = ConcurrentHashMap.newKeySet();
      AtomicInteger failedBatches = new AtomicInteger();
      AtomicBoolean restarted = new AtomicBoolean();
      AtomicInteger confirmedAfterRestart = new AtomicInteger();
      Future<?> producer =
          executor.submit(
              () -> {
                int batchNumber = 0;
                int afterRestart = 0;
                while (afterRestart < 20) {
                  boolean late = restarted.get();
                  List<byte[]> batch = payloads("b" + batchNumber++, 200);
                  try {
                    producerSide.send(batch);
                    confirmed.addAll(strings(batch));
                    if (late) confirmedAfterRestart.addAndGet(batch.size());
                  } catch (IOException e) {
                    failedBatches.incrementAndGet();
                  }
                  if (late) afterRestart++;
                  Thread.sleep(10);
                }
                return null;
              });

      Thread.sleep(1_000);
      broker.ctl("stop_app");
      // down for longer than confirm_timeout (3 s): a send during the outage must give up and be
      // counted,
      // rather than wait for the recovery and succeed (which a shorter outage allows)
      Thread.sleep(5_000);
      broker.ctl("start_app");
      broker.awaitPort(60_000);
      // wait until the subscription is back, then let the producer finish
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!subscription.isConnected() && System.nanoTime() < deadline) Thread.sleep(50);
      assertThat(subscription.isConnected()).as("subscription recovered").isTrue();
      restarted.set(true);
      producer.get(120, TimeUnit.SECONDS);

      assertThat(failedBatches.get()).as("batches refused while the broker was down").isPositive();
      assertThat(confirmedAfterRestart.get()).as("publisher recovered").isEqualTo(20 * 200);
      deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!received.containsAll(confirmed) && System.nanoTime() < deadline) Thread.sleep(50);
      Set<String> missing = new java.util.HashSet<>(confirmed);
      missing.removeAll(received);
      assertThat(missing).as("confirmed events lost by the restart").isEmpty();
      subscription.close();
    }
  }

  @Test
  void send_whileBrokerIsDown_failsFast_neverHangs() throws Exception {
    String url = broker.url("consumer_id=down&confirm_timeout=PT2S");
    try (RabbitMqTransport transport = RabbitMqTransport.create(url, "down-" + UUID.randomUUID())) {
      transport.send(payloads("up", 1));
      broker.ctl("stop_app");
      try {
        Future<?> send =
            executor.submit(
                () -> {
                  transport.send(payloads("down", 100));
                  return null;
                });
        assertThatThrownBy(() -> send.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IOException.class);
      } finally {
        broker.ctl("start_app");
        broker.awaitPort(60_000);
      }
    }
  }

  @Test
  void producer_brokerDown_taskCodeNeverWaits_eventsAreDroppedAndCounted_thenFlowAgain()
      throws Exception {
    String prefix = "producer-" + UUID.randomUUID().toString().substring(0, 8);
    String url = broker.url("consumer_id=producer&retention=PT60S&confirm_timeout=PT1S");
    try (RabbitMqTransport consumerSide = RabbitMqTransport.create(url, prefix);
        Stemtrace stemtrace =
            Stemtrace.builder()
                .transportUrl(url)
                .prefix(prefix)
                .hostname("faults@jvm")
                .queueSize(1_000)
                .workerEvents(false)
                .build()) {
      Collector collector = new Collector();
      Subscription subscription = consumerSide.subscribe(collector);
      TaskTracer tracer = stemtrace.tracer();
      tracer.newTask("fault.before").pending();
      assertThat(stemtrace.flush(Duration.ofSeconds(10))).isTrue();

      broker.ctl("stop_app");
      try {
        // task code records far more than the queue holds while nothing can be sent: it must not
        // wait
        Future<?> tasks =
            executor.submit(
                () -> {
                  for (int i = 0; i < 50_000; i++) tracer.newTask("fault.during").pending();
                });
        tasks.get(20, TimeUnit.SECONDS);
        assertThat(stemtrace.metrics().dropped())
            .as("events dropped while the broker is down")
            .isPositive();
      } finally {
        broker.ctl("start_app");
        broker.awaitPort(60_000);
      }

      // once the broker is back, events flow again without any restart of the producer
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      String marker = null;
      while (System.nanoTime() < deadline) {
        marker = tracer.newTask("fault.after").pending().id();
        stemtrace.flush(Duration.ofSeconds(5));
        String expected = marker;
        if (collector.strings().stream().anyMatch(event -> event.contains(expected))) break;
        Thread.sleep(500);
      }
      String expected = marker;
      assertThat(collector.strings()).anyMatch(event -> event.contains(expected));
      subscription.close();
    }
  }

  private static List<byte[]> payloads(String tag, int count) {
    List<byte[]> payloads = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      payloads.add(
          ("{\"task_id\":\"" + tag + "-" + i + "\",\"state\":\"STARTED\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return payloads;
  }

  private static List<String> strings(List<byte[]> payloads) {
    return payloads.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
  }
}
