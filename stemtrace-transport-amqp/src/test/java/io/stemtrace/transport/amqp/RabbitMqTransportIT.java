package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.TransportContractTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared Transport contract, plus RabbitMQ specifics, against the real broker. */
class RabbitMqTransportIT extends TransportContractTest {

  /** Short retention, so that queues a failed run leaves behind expire within about a minute. */
  static final String OPTIONS = "retention=PT5S&confirm_timeout=PT10S";

  @BeforeEach
  void brokerIsThere() {
    RabbitMqBroker.require();
  }

  @AfterAll
  static void deleteDeclarations() throws Exception {
    RabbitMqBroker.deleteRegistered();
  }

  @Override
  protected Transport newTransport(String prefix) {
    return open(prefix, "contract");
  }

  @Override
  protected Transport newIndependentSubscriberTransport(String prefix, String subscriberName) {
    return open(prefix, subscriberName);
  }

  @Override
  protected Transport newUnreachableTransport(String prefix) throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    return Transports.open(
        "amqp://guest:" + UNREACHABLE_PASSWORD + "@127.0.0.1:" + closedPort + "/", prefix);
  }

  private static RabbitMqTransport open(String prefix, String consumerId) {
    Transport transport =
        Transports.open(RabbitMqBroker.URL + "?consumer_id=" + consumerId + "&" + OPTIONS, prefix);
    assertThat(transport).isInstanceOf(RabbitMqTransport.class);
    RabbitMqTransport amqp = (RabbitMqTransport) transport;
    RabbitMqBroker.deleteLater(amqp.exchangeName(), amqp.queueName());
    return amqp;
  }

  @Test
  void builder_withTheCallersConnectionFactory_sendsAndReceives_andLeavesTheFactoryAsItWas()
      throws Exception {
    ConnectionFactory mine = new ConnectionFactory();
    mine.setHost(RabbitMqBroker.HOST);
    mine.setPort(RabbitMqBroker.PORT);
    mine.setUsername("guest");
    mine.setPassword("guest");
    mine.setAutomaticRecoveryEnabled(false);
    String prefix = freshPrefix();
    try (RabbitMqTransport transport =
        RabbitMqTransport.builder()
            .connectionFactory(mine)
            .prefix(prefix)
            .consumerId("typed")
            .retention(Duration.ofMinutes(1))
            .confirmTimeout(Duration.ofSeconds(5))
            .build()) {
      RabbitMqBroker.deleteLater(transport.exchangeName(), transport.queueName());
      assertThat(transport.queueName()).isEqualTo(prefix + ".events.typed");
      Collector collector = new Collector();
      try (Subscription subscription = transport.subscribe(collector)) {
        List<byte[]> sent = payloads(40);
        transport.send(sent);
        collector.awaitCount(sent.size(), deliveryTimeout());
        assertThat(collector.strings()).containsExactlyElementsOf(strings(sent));
      }
      assertThat(transport.describe()).contains(RabbitMqBroker.HOST);
    }
    assertThat(mine.isAutomaticRecoveryEnabled())
        .as("the caller's factory is not changed")
        .isFalse();

    assertThatThrownBy(() -> RabbitMqTransport.builder().build())
        .hasMessage("set url(...) or connectionFactory(...), exactly one");
    assertThatThrownBy(
            () ->
                RabbitMqTransport.builder().url(RabbitMqBroker.URL).connectionFactory(mine).build())
        .hasMessage("set url(...) or connectionFactory(...), exactly one");
    assertThatThrownBy(
            () -> RabbitMqTransport.builder().url(RabbitMqBroker.URL + "?colour=red").build())
        .hasMessageContaining("unknown AMQP transport option 'colour'");
    try (RabbitMqTransport fromUrl =
        RabbitMqTransport.builder()
            .url(RabbitMqBroker.URL + "?consumer_id=url")
            .consumerId("code")
            .build()) {
      assertThat(fromUrl.queueName())
          .as("a setter overrides the URL option")
          .endsWith(".events.code");
    }
  }

  @Test
  void subscribe_largeMessages_prefetchShrinksToTheByteBudget_thenGrowsBackForSmallOnes()
      throws Exception {
    String prefix = freshPrefix();
    try (RabbitMqTransport producer = open(prefix, "bytes");
        RabbitMqTransport consumer = open(prefix, "bytes")) {
      Collector collector = new Collector();
      AmqpSubscription subscription = (AmqpSubscription) consumer.subscribe(collector);
      String big =
          "{\"task_id\":\"big\",\"state\":\"SUCCESS\",\"result\":\""
              + "x".repeat(3_000_000)
              + "\"}";
      List<byte[]> bigOnes = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) bigOnes.add(big.getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < 60; i += 10) producer.send(bigOnes.subList(i, i + 10));
      collector.awaitCount(60, java.time.Duration.ofSeconds(60));
      long window =
          Math.max(
              AmqpSubscription.MAX_UNACKED_BYTES,
              AmqpSubscription.INITIAL_PREFETCH * (long) big.length());
      assertThat(subscription.maxHeldBytes())
          .as("bytes held at once")
          .isLessThanOrEqualTo(window + big.length());
      assertThat(subscription.prefetch())
          .isLessThanOrEqualTo((int) (AmqpSubscription.MAX_UNACKED_BYTES / big.length()));
      producer.send(payloads(20_000));
      collector.awaitCount(20_060, java.time.Duration.ofSeconds(60));
      assertThat(subscription.prefetch()).as("grown back for small messages").isGreaterThan(100);
    }
  }

  @Test
  void send_publishesWhatPythonConsumersExpect() throws Exception {
    String prefix = freshPrefix();
    try (RabbitMqTransport transport = open(prefix, "props");
        Connection admin = RabbitMqBroker.adminConnection()) {
      Channel channel = admin.createChannel();
      // a queue bound like a Python consumer's, declared before anything is published
      String queue = prefix + ".events.python-side";
      RabbitMqBroker.deleteLater(prefix + ".events", queue);
      channel.exchangeDeclare(prefix + ".events", BuiltinExchangeType.FANOUT, true);
      channel.queueDeclare(
          queue, true, false, false, Map.of("x-message-ttl", 5_000, "x-expires", 65_000));
      channel.queueBind(queue, prefix + ".events", "");

      byte[] event = "{\"task_id\":\"t1\",\"state\":\"PENDING\"}".getBytes(StandardCharsets.UTF_8);
      transport.send(List.of(event));

      GetResponse response = awaitMessage(channel, queue);
      AMQP.BasicProperties properties = response.getProps();
      assertThat(response.getBody()).isEqualTo(event);
      assertThat(properties.getContentType()).isEqualTo("application/json");
      assertThat(properties.getContentEncoding()).isEqualTo("utf-8");
      assertThat(properties.getDeliveryMode()).isEqualTo(2);
      assertThat(response.getEnvelope().getExchange()).isEqualTo(prefix + ".events");
    }
  }

  @Test
  void subscribe_queueDeclaredByPython_isReusedWithoutPreconditionFailure() throws Exception {
    String prefix = freshPrefix();
    try (Connection admin = RabbitMqBroker.adminConnection()) {
      Channel channel = admin.createChannel();
      // what Python stemtrace declares for ttl=5: x-message-ttl 5000 ms, x-expires 60 s longer
      // (kombu
      // sends Python ints as 32-bit signed integers; the Java side declares longs, which RabbitMQ
      // accepts)
      String queue = prefix + ".events.shared-host";
      RabbitMqBroker.deleteLater(prefix + ".events", queue);
      channel.exchangeDeclare(prefix + ".events", BuiltinExchangeType.FANOUT, true, false, null);
      channel.queueDeclare(
          queue, true, false, false, Map.of("x-message-ttl", 5_000, "x-expires", 65_000));

      try (RabbitMqTransport transport = open(prefix, "shared-host")) {
        Collector collector = new Collector();
        try (Subscription subscription = transport.subscribe(collector)) {
          assertThat(subscription.isConnected()).isTrue();
          // a Python producer's message: kombu JSON, persistent, priority 0
          byte[] body =
              "{\"task_id\":\"py-1\",\"state\":\"SUCCESS\",\"timestamp\":\"2026-11-26T03:35:48.652721Z\"}"
                  .getBytes(StandardCharsets.UTF_8);
          channel.basicPublish(
              prefix + ".events",
              "",
              new AMQP.BasicProperties.Builder()
                  .contentType("application/json")
                  .contentEncoding("utf-8")
                  .deliveryMode(2)
                  .priority(0)
                  .headers(Map.of())
                  .build(),
              body);
          collector.awaitCount(1, deliveryTimeout());
          assertThat(collector.received.get(0)).isEqualTo(body);
        }
      }
    }
  }

  @Test
  void subscribe_queueWithOtherRetention_isConsumedAsItIs() throws Exception {
    String prefix = freshPrefix();
    try (Connection admin = RabbitMqBroker.adminConnection()) {
      Channel channel = admin.createChannel();
      String queue = prefix + ".events.other-retention";
      RabbitMqBroker.deleteLater(prefix + ".events", queue);
      channel.exchangeDeclare(prefix + ".events", BuiltinExchangeType.FANOUT, true);
      channel.queueDeclare(
          queue, true, false, false, Map.of("x-message-ttl", 7_000, "x-expires", 67_000));

      try (RabbitMqTransport transport = open(prefix, "other-retention")) {
        Collector collector = new Collector();
        try (Subscription subscription = transport.subscribe(collector)) {
          List<byte[]> events = payloads(5);
          transport.send(events);
          collector.awaitCount(5, deliveryTimeout());
          assertThat(collector.strings()).containsExactlyElementsOf(strings(events));
        }
      }
    }
  }

  @Test
  void subscribe_structurallyBadMessages_areRejectedCountedAndNotRequeued() throws Exception {
    String prefix = freshPrefix();
    try (RabbitMqTransport transport = open(prefix, "rejects");
        Connection admin = RabbitMqBroker.adminConnection()) {
      Collector collector = new Collector();
      try (Subscription subscription = transport.subscribe(collector)) {
        Channel channel = admin.createChannel();
        String exchange = prefix + ".events";
        byte[] good = "{\"task_id\":\"good\"}".getBytes(StandardCharsets.UTF_8);
        channel.basicPublish(exchange, "", props("application/json", "utf-8"), new byte[0]);
        channel.basicPublish(
            exchange,
            "",
            props("application/x-python-serialize", "binary"),
            new byte[] {(byte) 0x80, 4});
        channel.basicPublish(
            exchange, "", props("application/json", "utf-8"), new byte[] {'{', (byte) 0xC3, '}'});
        channel.basicPublish(exchange, "", props("application/json", "utf-8"), good);

        collector.awaitCount(1, deliveryTimeout());
        assertThat(collector.received).hasSize(1);
        assertThat(collector.received.get(0)).isEqualTo(good);
        assertThat(transport.rejectedMessages()).isEqualTo(3);
        // nothing is left in the queue or requeued: the rejected messages are gone
        assertThat(awaitLag(subscription, 0)).isZero();
      }
    }
  }

  @Test
  void subscriptionClose_returnsUnappliedDeliveriesToTheQueue() throws Exception {
    String prefix = freshPrefix();
    try (RabbitMqTransport transport = open(prefix, "redeliver")) {
      // the first sink holds its first batch while the rest of the prefetch waits in the transport
      java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      List<String> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
      Subscription first =
          transport.subscribe(
              batch -> {
                applied.addAll(strings(batch));
                entered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      List<byte[]> events = payloads(2_000);
      transport.send(events);
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      Thread closer = new Thread(first::close);
      closer.start();
      Thread.sleep(200);
      release.countDown();
      closer.join(15_000);
      assertThat(applied).isNotEmpty().hasSizeLessThan(events.size());

      // the batch the sink returned from is acknowledged; everything else comes back, once
      Collector collector = new Collector();
      try (Subscription next = transport.subscribe(collector)) {
        collector.awaitCount(events.size() - applied.size(), deliveryTimeout());
        Thread.sleep(200);
        List<String> all = new java.util.ArrayList<>(applied);
        all.addAll(collector.strings());
        assertThat(all).containsExactlyInAnyOrderElementsOf(strings(events));
      }
    }
  }

  @Test
  void subscribe_queueDeletedUnderneath_declaresItAgainAndGoesOn() throws Exception {
    String prefix = freshPrefix();
    try (RabbitMqTransport transport = open(prefix, "deleted");
        Connection admin = RabbitMqBroker.adminConnection()) {
      Collector collector = new Collector();
      try (Subscription subscription = transport.subscribe(collector)) {
        List<byte[]> before = payloads(5);
        transport.send(before);
        collector.awaitCount(5, deliveryTimeout());

        admin.createChannel().queueDelete(transport.queueName());
        // the broker cancels the consumer; the subscription declares the queue and consumes again
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<byte[]> after = payloads(5);
        while (System.nanoTime() < deadline) {
          Thread.sleep(100);
          if (!subscription.isConnected()) continue;
          if (admin.createChannel().queueDeclarePassive(transport.queueName()).getConsumerCount()
              == 1) break;
        }
        transport.send(after);
        collector.awaitCount(10, deliveryTimeout());
        assertThat(collector.strings())
            .containsExactlyElementsOf(
                java.util.stream.Stream.concat(strings(before).stream(), strings(after).stream())
                    .toList());
      }
    }
  }

  @Test
  void subscribe_threadIsNamedWithoutPassword() throws Exception {
    try (RabbitMqTransport transport = open(freshPrefix(), "names");
        Subscription subscription = transport.subscribe(batch -> {})) {
      assertThat(Thread.getAllStackTraces().keySet())
          .map(Thread::getName)
          .contains("stemtrace-consumer{amqp://127.0.0.1:" + RabbitMqBroker.PORT + "/%2F}")
          .noneMatch(name -> name.contains("guest:guest"));
      assertThat(transport.describe())
          .isEqualTo("amqp://127.0.0.1:" + RabbitMqBroker.PORT + "/%2F");
    }
  }

  @Test
  void subscribe_wrongPassword_failsWithIOException() {
    RabbitMqTransport transport =
        RabbitMqTransport.create(
            "amqp://guest:not-the-password@127.0.0.1:" + RabbitMqBroker.PORT + "/%2F?" + OPTIONS,
            freshPrefix());
    try (transport) {
      assertThatThrownBy(() -> transport.subscribe(batch -> {}))
          .isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> transport.send(payloads(1)))
          .isInstanceOf(java.io.IOException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password"));
    }
  }

  @Test
  void send_noBroker_failsFastWithIOException() {
    try (RabbitMqTransport transport =
        RabbitMqTransport.create("amqp://127.0.0.1:1/%2F", freshPrefix())) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> transport.send(payloads(1)))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("amqp://127.0.0.1:1/");
      // the second attempt inside the back-off does not dial again
      assertThatThrownBy(() -> transport.send(payloads(1)))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("not connected");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  private static long awaitLag(Subscription subscription, long expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long lag = -1;
    while (System.nanoTime() < deadline) {
      lag = subscription.lag().orElse(-1);
      if (lag == expected) return lag;
      Thread.sleep(50);
    }
    return lag;
  }

  private static AMQP.BasicProperties props(String contentType, String contentEncoding) {
    return new AMQP.BasicProperties.Builder()
        .contentType(contentType)
        .contentEncoding(contentEncoding)
        .deliveryMode(2)
        .build();
  }

  private static GetResponse awaitMessage(Channel channel, String queue) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      GetResponse response = channel.basicGet(queue, true);
      if (response != null) return response;
      Thread.sleep(20);
    }
    throw new AssertionError("no message arrived in " + queue);
  }
}
