package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.stemtrace.api.Subscription;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker closes the transport's connections (as {@code rabbitmqctl close_connection} does for
 * an operator, or a broker restart does) while events flow: with confirms on, every event the
 * broker confirmed must reach the graph, once. Only this test's own connections are closed, found
 * by the names the transport gives them.
 */
class RabbitMqConnectionLossIT {

  @BeforeEach
  void brokerAndCtlAreThere() {
    RabbitMqBroker.require();
    if (!RabbitMqBroker.rabbitmqctlAvailable()) {
      String message =
          "rabbitmqctl is not usable here; it closes the test's connections on the broker";
      if ("true".equals(System.getenv("CI"))) fail(message);
      Assumptions.abort(message);
    }
  }

  @AfterAll
  static void deleteDeclarations() throws Exception {
    RabbitMqBroker.deleteRegistered();
  }

  @Test
  void connectionLoss_duringProductionAndConsumption_everyConfirmedEventReachesTheGraphOnce()
      throws Exception {
    String prefix = "loss-" + UUID.randomUUID().toString().substring(0, 8);
    String url = RabbitMqBroker.URL + "?consumer_id=loss&retention=PT60S&confirm_timeout=PT15S";
    try (RabbitMqTransport consumerSide = RabbitMqTransport.create(url, prefix);
        RabbitMqTransport producerSide = RabbitMqTransport.create(url, prefix)) {
      RabbitMqBroker.deleteLater(consumerSide.exchangeName(), consumerSide.queueName());
      Set<String> received = ConcurrentHashMap.newKeySet();
      AtomicLong deliveries = new AtomicLong();
      // the dashboard's path: every delivered batch is applied to the graph by the consumer
      InMemoryGraphStore store = InMemoryGraphStore.create(1_000_000);
      EventConsumer graphConsumer = EventConsumer.builder(store).build();
      Subscription subscription =
          consumerSide.subscribe(
              batch -> {
                deliveries.addAndGet(batch.size());
                for (byte[] event : batch) received.add(new String(event, StandardCharsets.UTF_8));
                graphConsumer.accept(batch);
              });

      Set<String> confirmed = ConcurrentHashMap.newKeySet();
      Set<String> sent = ConcurrentHashMap.newKeySet();
      AtomicInteger failedBatches = new AtomicInteger();
      AtomicBoolean faultsDone = new AtomicBoolean();
      AtomicInteger confirmedAfterFaults = new AtomicInteger();
      Thread producer =
          new Thread(
              () -> {
                int sequence = 0;
                int batchesAfterFaults = 0;
                while (batchesAfterFaults < 20) {
                  boolean afterFaults = faultsDone.get();
                  List<byte[]> batch = new ArrayList<>();
                  List<String> texts = new ArrayList<>();
                  for (int i = 0; i < 200; i++) {
                    // workflows of ten tasks: a root and nine children
                    int id = sequence++;
                    String root = prefix + "-" + (id / 10 * 10);
                    String text =
                        "{\"task_id\":\""
                            + prefix
                            + "-"
                            + id
                            + "\",\"name\":\"loss.step\",\"state\":\"SUCCESS\","
                            + "\"timestamp\":\"2026-11-26T04:00:00Z\",\"parent_id\":"
                            + (id % 10 == 0 ? "null" : "\"" + root + "\"")
                            + ",\"root_id\":\""
                            + root
                            + "\"}";
                    texts.add(text);
                    batch.add(text.getBytes(StandardCharsets.UTF_8));
                  }
                  sent.addAll(texts);
                  try {
                    producerSide.send(batch);
                    confirmed.addAll(texts);
                    if (afterFaults) confirmedAfterFaults.addAndGet(texts.size());
                  } catch (Exception e) {
                    failedBatches.incrementAndGet();
                  }
                  if (afterFaults) batchesAfterFaults++;
                  try {
                    Thread.sleep(10);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "loss-test-producer");
      producer.start();

      Thread.sleep(1_000);
      int closedPublisher =
          RabbitMqBroker.closeConnections("stemtrace publisher " + producerSide.exchangeName());
      Thread.sleep(1_500);
      int closedConsumer =
          RabbitMqBroker.closeConnections("stemtrace consumer " + consumerSide.queueName());
      Thread.sleep(1_500);
      int closedBoth = RabbitMqBroker.closeConnections(prefix);
      Thread.sleep(1_000);
      faultsDone.set(true);
      producer.join(120_000);

      // the faults really happened: otherwise this test would prove nothing
      assertThat(closedPublisher).as("publisher connections closed").isEqualTo(1);
      assertThat(closedConsumer).as("consumer connections closed").isEqualTo(1);
      assertThat(closedBoth).as("connections closed at once").isEqualTo(2);
      assertThat(confirmedAfterFaults.get())
          .as("publisher recovered and confirmed again")
          .isPositive();

      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!received.containsAll(confirmed) && System.nanoTime() < deadline) Thread.sleep(50);
      Set<String> missing = new java.util.HashSet<>(confirmed);
      missing.removeAll(received);
      assertThat(missing).as("confirmed events that never arrived").isEmpty();
      Set<String> unexpected = new java.util.HashSet<>(received);
      unexpected.removeAll(sent);
      assertThat(unexpected).as("received events nobody sent").isEmpty();
      assertThat(subscription.isConnected()).isTrue();

      // in the graph: every confirmed task once, and nothing else
      assertThat(graphConsumer.metrics().eventsRejected()).isZero();
      assertThat(store.taskCount()).isEqualTo(received.size());
      for (String event : confirmed) {
        String taskId = event.substring(event.indexOf(":\"") + 2, event.indexOf("\","));
        assertThat(store.task(taskId)).as(taskId).isPresent();
      }
      assertThat(store.workflowCount()).isEqualTo((received.size() + 9) / 10);
      System.getLogger(getClass().getName())
          .log(
              System.Logger.Level.INFO,
              () ->
                  "sent "
                      + sent.size()
                      + ", confirmed "
                      + confirmed.size()
                      + ", failed batches "
                      + failedBatches.get()
                      + ", delivered "
                      + deliveries.get()
                      + " ("
                      + (deliveries.get() - received.size())
                      + " redelivered duplicates), distinct "
                      + received.size());
      subscription.close();
    }
  }
}
