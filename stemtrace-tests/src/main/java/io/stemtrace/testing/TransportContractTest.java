package io.stemtrace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Transport} keeps. Each implementation's test module extends this class;
 * a user's own transport can run it too (depend on {@code stemtrace-tests}).
 *
 * <p>Every test uses a fresh prefix, so tests never see each other's events on a shared broker.
 */
public abstract class TransportContractTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  /**
   * A new transport on the given prefix. Called several times per test; each is closed after the
   * test.
   */
  protected abstract Transport newTransport(String prefix) throws Exception;

  /**
   * A transport for an independent subscriber (one that must get every event, not share them with
   * others). Transports whose subscribers compete by default (a shared queue) override this to give
   * each its own id.
   */
  protected Transport newIndependentSubscriberTransport(String prefix, String subscriberName)
      throws Exception {
    return newTransport(prefix);
  }

  /**
   * A transport whose broker cannot be reached (a closed port, say), with a password in its URL;
   * null (the default) for transports without a broker, which skips the test of how a subscription
   * reports being disconnected.
   */
  protected Transport newUnreachableTransport(String prefix) throws Exception {
    return null;
  }

  /** The password {@link #newUnreachableTransport} puts in its URL, never to be reported. */
  protected static final String UNREACHABLE_PASSWORD = "s3cret-never-shown";

  /** How long delivery may take on this transport before a test gives up. */
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(20);
  }

  protected final Transport open(String prefix) throws Exception {
    Transport transport = newTransport(prefix);
    toClose.add(transport);
    return transport;
  }

  protected static String freshPrefix() {
    return "contract-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) closeable.close();
    toClose.clear();
  }

  @Test
  void subscribe_receivesEverySentEvent_inOrder() throws Exception {
    String prefix = freshPrefix();
    Transport consumerSide = open(prefix);
    Transport producerSide = open(prefix);
    Collector collector = new Collector();
    toClose.add(consumerSide.subscribe(collector));

    List<byte[]> expected = payloads(2_500);
    // batches of varying sizes, as a publisher hands them over
    int[] sizes = {1, 7, 100, 500, 1_892};
    int from = 0;
    for (int size : sizes) {
      producerSide.send(expected.subList(from, from + size));
      from += size;
    }

    collector.awaitCount(expected.size(), deliveryTimeout());
    assertThat(collector.strings()).containsExactlyElementsOf(strings(expected));
  }

  @Test
  void subscribe_twoIndependentSubscribers_eachGetEveryEvent() throws Exception {
    String prefix = freshPrefix();
    Transport first = newIndependentSubscriberTransport(prefix, "first");
    Transport second = newIndependentSubscriberTransport(prefix, "second");
    toClose.add(first);
    toClose.add(second);
    Collector a = new Collector();
    Collector b = new Collector();
    toClose.add(first.subscribe(a));
    toClose.add(second.subscribe(b));

    List<byte[]> expected = payloads(300);
    open(prefix).send(expected);

    a.awaitCount(expected.size(), deliveryTimeout());
    b.awaitCount(expected.size(), deliveryTimeout());
    assertThat(a.strings()).containsExactlyElementsOf(strings(expected));
    assertThat(b.strings()).containsExactlyElementsOf(strings(expected));
  }

  @Test
  void send_keepsPayloadBytesUnchanged() throws Exception {
    String prefix = freshPrefix();
    Transport transport = open(prefix);
    Collector collector = new Collector();
    toClose.add(transport.subscribe(collector));
    byte[] unicode =
        "{\"task_id\":\"ü-✓-日本\",\"args\":[\"\\u0000\",\"😀\"]}".getBytes(StandardCharsets.UTF_8);
    transport.send(List.of(unicode));
    collector.awaitCount(1, deliveryTimeout());
    assertThat(collector.received.get(0)).isEqualTo(unicode);
  }

  @Test
  void send_emptyBatch_isAllowed() throws Exception {
    Transport transport = open(freshPrefix());
    transport.send(List.of());
  }

  @Test
  void subscriptionClose_stopsDelivery() throws Exception {
    String prefix = freshPrefix();
    Transport transport = open(prefix);
    Collector collector = new Collector();
    Subscription subscription = transport.subscribe(collector);
    transport.send(payloads(10));
    collector.awaitCount(10, deliveryTimeout());

    subscription.close();
    subscription.close(); // idempotent
    transport.send(payloads(10));
    // give a misbehaving transport the chance to deliver anyway
    Thread.sleep(300);
    assertThat(collector.received).hasSize(10);
  }

  @Test
  void close_isIdempotent_andSendAfterCloseFails() throws Exception {
    Transport transport = newTransport(freshPrefix());
    transport.close();
    transport.close();
    assertThatThrownBy(() -> transport.send(payloads(1)))
        .isInstanceOfAny(IllegalStateException.class, java.io.IOException.class);
  }

  @Test
  void connectedSubscription_reportsNoDisconnectionNorError() throws Exception {
    Transport transport = open(freshPrefix());
    Collector collector = new Collector();
    Subscription subscription = transport.subscribe(collector);
    transport.send(payloads(1));
    collector.awaitCount(1, deliveryTimeout());
    assertThat(subscription.isConnected()).isTrue();
    assertThat(subscription.disconnectedSince()).isEmpty();
    assertThat(subscription.lastError()).isEmpty();
  }

  @Test
  void subscribe_brokerUnreachable_keepsRetrying_andReportsSinceWhenAndWhy() throws Exception {
    Transport transport = newUnreachableTransport(freshPrefix());
    Assumptions.assumeTrue(transport != null, "this transport has no broker to be unreachable");
    toClose.add(transport);
    Instant before = Instant.now();
    // subscribing does not fail: the broker may come up later
    Subscription subscription = transport.subscribe(new Collector());
    long deadline = System.nanoTime() + deliveryTimeout().toNanos();
    while (subscription.lastError().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);

    assertThat(subscription.isConnected()).isFalse();
    assertThat(subscription.lastError()).as("last error").isPresent();
    String error = subscription.lastError().get();
    assertThat(error).isNotBlank().doesNotContain("\n").doesNotContain(UNREACHABLE_PASSWORD);
    assertThat(error).doesNotContain("Exception:").doesNotContain("\tat ");
    assertThat(subscription.disconnectedSince()).as("disconnected since").isPresent();
    assertThat(subscription.disconnectedSince().get())
        .isBetween(before.minusSeconds(1), Instant.now());
    subscription.close();
    assertThat(subscription.isConnected()).isFalse();
  }

  @Test
  void describe_isNotEmpty() throws Exception {
    assertThat(open(freshPrefix()).describe()).isNotBlank();
  }

  protected static List<byte[]> payloads(int count) {
    List<byte[]> payloads = new ArrayList<>(count);
    String run = UUID.randomUUID().toString();
    for (int i = 0; i < count; i++) {
      payloads.add(
          ("{\"task_id\":\""
                  + run
                  + "-"
                  + i
                  + "\",\"state\":\"PENDING\",\"timestamp\":\"2026-01-01T00:00:00Z\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return payloads;
  }

  protected static List<String> strings(List<byte[]> payloads) {
    return payloads.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
  }

  /** An {@link io.stemtrace.api.EventSink} that keeps everything it receives. */
  public static final class Collector implements io.stemtrace.api.EventSink {
    public final List<byte[]> received = new CopyOnWriteArrayList<>();

    public Collector() {}

    @Override
    public void accept(List<byte[]> batch) {
      received.addAll(batch);
    }

    public List<String> strings() {
      return TransportContractTest.strings(received);
    }

    public void awaitCount(int count, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (received.size() < count && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(received)
          .as("events delivered within " + timeout)
          .hasSizeGreaterThanOrEqualTo(count);
    }
  }
}
