package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.TransportContractTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Transport contract plus Redis specifics, against the Redis on 127.0.0.1:6379. */
class RedisTransportIT extends TransportContractTest {

  private final RedisTestSupport.StreamPrefixes streams = new RedisTestSupport.StreamPrefixes();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  @Override
  protected Transport newTransport(String prefix) {
    return newTransport(prefix, "");
  }

  @Override
  protected Transport newUnreachableTransport(String prefix) throws Exception {
    return Transports.open(
        "redis://:" + UNREACHABLE_PASSWORD + "@127.0.0.1:" + closedPort() + "/0?timeout=PT1S",
        prefix);
  }

  /** A loopback port nothing listens on: bound once for its number, then closed. */
  static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private Transport newTransport(String prefix, String options) {
    return Transports.open(RedisTestSupport.URL + options, streams.track(prefix));
  }

  @AfterEach
  void deleteStreams() {
    streams.deleteAll();
  }

  private Transport openWith(String prefix, String options) {
    Transport transport = newTransport(prefix, options);
    closeLater(transport);
    return transport;
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  @AfterEach
  void closeOwn() throws Exception {
    for (AutoCloseable closeable : closeables) closeable.close();
    closeables.clear();
  }

  @Test
  void builder_withTheCallersClientResources_sendsAndReceives_andLeavesThemRunning()
      throws Exception {
    String prefix = streams.track(freshPrefix());
    ClientResources resources = DefaultClientResources.create();
    try {
      try (RedisTransport transport =
          RedisTransport.builder(RedisTestSupport.URL + "?timeout=2s&verifypeer=yes")
              .prefix(prefix)
              .clientResources(resources)
              .build()) {
        Collector collector = new Collector();
        try (Subscription subscription = transport.subscribe(collector)) {
          List<byte[]> sent = payloads(50);
          transport.send(sent);
          collector.awaitCount(sent.size(), deliveryTimeout());
          assertThat(collector.strings()).containsExactlyElementsOf(strings(sent));
        }
        assertThat(transport.describe()).contains(prefix + ":events");
      }
      assertThat(resources.eventExecutorGroup().isShuttingDown())
          .as("the caller's event loops outlive the transport")
          .isFalse();
    } finally {
      resources.shutdown();
    }
    assertThatThrownBy(() -> RedisTransport.builder("amqp://h").build())
        .hasMessageContaining("not a redis:// or rediss:// URL");
    assertThatThrownBy(() -> RedisTransport.builder(RedisTestSupport.URL + "?colour=red").build())
        .hasMessageContaining("unknown redis transport option 'colour'");
  }

  @Test
  void send_writesEntriesShapedLikePythonStemtrace() throws Exception {
    String prefix = freshPrefix();
    EventCodec codec = EventCodec.standard();
    List<String> pythonLines = Captures.lines(Captures.PYTHON_CANVAS);
    // the JVM encoding of each captured event, sent through the transport
    List<byte[]> jvmPayloads = new ArrayList<>();
    for (String line : pythonLines) {
      DecodeResult decoded = codec.decode(line);
      assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
      jvmPayloads.add(codec.encode(((DecodeResult.Decoded) decoded).event()));
    }
    openWith(prefix, "").send(jvmPayloads);

    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      List<StreamMessage<String, String>> entries =
          redis.commands().xrange(prefix + ":events", Range.create("-", "+"));
      assertThat(entries).hasSize(pythonLines.size());
      for (int i = 0; i < entries.size(); i++) {
        Map<String, String> body = entries.get(i).getBody();
        assertThat(body.keySet()).as("fields of entry %d", i).containsExactly("data");
        assertThat(fieldNames(body.get("data")))
            .as("JSON fields of entry %d", i)
            .isEqualTo(fieldNames(pythonLines.get(i)));
      }
    }
  }

  @Test
  void subscribe_streamWrittenByPythonStemtrace_deliversEveryEntryUnchanged() throws Exception {
    String prefix = freshPrefix();
    streams.track(prefix);
    List<String> pythonLines = Captures.lines(Captures.PYTHON_CANVAS);
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      // exactly what the Python library does: XADD {prefix}:events MAXLEN ~ 10000 * data <json>
      for (String line : pythonLines) {
        redis
            .commands()
            .xadd(
                prefix + ":events",
                new io.lettuce.core.XAddArgs().maxlen(10_000).approximateTrimming(),
                "data",
                line);
      }
    }
    Collector collector = new Collector();
    closeLater(openWith(prefix, "").subscribe(collector));
    collector.awaitCount(pythonLines.size(), Duration.ofSeconds(10));
    assertThat(collector.strings()).containsExactlyElementsOf(pythonLines);
    EventCodec codec = EventCodec.standard();
    assertThat(collector.received)
        .allSatisfy(
            payload -> assertThat(codec.decode(payload)).isInstanceOf(DecodeResult.Decoded.class));
  }

  @Test
  void subscribe_replaysWhatTheStreamHolds_thenFollowsNewEntries() throws Exception {
    String prefix = freshPrefix();
    Transport producer = openWith(prefix, "");
    List<byte[]> before = payloads(1_500);
    List<byte[]> after = payloads(700);
    producer.send(before);
    Collector collector = new Collector();
    closeLater(openWith(prefix, "").subscribe(collector));
    collector.awaitCount(before.size(), Duration.ofSeconds(10));
    producer.send(after);
    collector.awaitCount(before.size() + after.size(), Duration.ofSeconds(10));
    List<String> expected = new ArrayList<>(strings(before));
    expected.addAll(strings(after));
    assertThat(collector.strings()).containsExactlyElementsOf(expected);
  }

  @Test
  void subscribe_startNew_skipsEntriesAlreadyInTheStream() throws Exception {
    String prefix = freshPrefix();
    Transport producer = openWith(prefix, "");
    producer.send(payloads(50));
    Collector collector = new Collector();
    RedisSubscription subscription =
        (RedisSubscription) closeLater(openWith(prefix, "?start=$").subscribe(collector));
    awaitTrue(
        () -> subscription.isConnected() && !subscription.position().equals("$"),
        "position resolved");
    List<byte[]> fresh = payloads(20);
    producer.send(fresh);
    collector.awaitCount(20, Duration.ofSeconds(10));
    Thread.sleep(200);
    assertThat(collector.strings()).containsExactlyElementsOf(strings(fresh));
  }

  @Test
  void subscribe_startAtStoredPosition_resumesRightAfterIt() throws Exception {
    String prefix = freshPrefix();
    Transport producer = openWith(prefix, "");
    List<byte[]> first = payloads(30);
    List<byte[]> second = payloads(40);
    producer.send(first);
    Collector firstRun = new Collector();
    RedisSubscription subscription = (RedisSubscription) openWith(prefix, "").subscribe(firstRun);
    firstRun.awaitCount(30, Duration.ofSeconds(10));
    String stored = subscription.position();
    subscription.close();

    producer.send(second);
    Collector resumed = new Collector();
    closeLater(openWith(prefix, "?start=" + stored).subscribe(resumed));
    resumed.awaitCount(40, Duration.ofSeconds(10));
    Thread.sleep(200);
    assertThat(resumed.strings()).containsExactlyElementsOf(strings(second));
  }

  @Test
  void subscribe_entryWithoutDataField_isCountedAndSkipped() throws Exception {
    String prefix = freshPrefix();
    streams.track(prefix);
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      redis.commands().xadd(prefix + ":events", "data", "{\"task_id\":\"a\"}");
      redis.commands().xadd(prefix + ":events", "payload", "{\"task_id\":\"wrong-field\"}");
      redis
          .commands()
          .xadd(
              prefix + ":events",
              "data",
              "not json at all: the consumer counts it, not the transport");
      redis.commands().xadd(prefix + ":events", "data", "{\"task_id\":\"b\"}");
    }
    Collector collector = new Collector();
    RedisSubscription subscription =
        (RedisSubscription) closeLater(openWith(prefix, "").subscribe(collector));
    collector.awaitCount(3, Duration.ofSeconds(10));
    assertThat(collector.strings())
        .containsExactly(
            "{\"task_id\":\"a\"}",
            "not json at all: the consumer counts it, not the transport",
            "{\"task_id\":\"b\"}");
    assertThat(subscription.skippedEntries()).isEqualTo(1);
    assertThat(subscription.deliveredEntries()).isEqualTo(3);
  }

  @Test
  void lag_countsEntriesBehindTheEnd_andDropsToZeroWhenCaughtUp() throws Exception {
    String prefix = freshPrefix();
    Transport producer = openWith(prefix, "");
    producer.send(payloads(5_000));
    CountDownLatch release = new CountDownLatch(1);
    Collector collector = new Collector();
    RedisSubscription subscription =
        (RedisSubscription)
            closeLater(
                openWith(prefix, "")
                    .subscribe(
                        batch -> {
                          try {
                            release.await(
                                10,
                                TimeUnit
                                    .SECONDS); // hold the first batch: the rest of the stream stays
                            // behind
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          collector.accept(batch);
                        }));
    awaitTrue(() -> subscription.lag().isPresent(), "lag known");
    assertThat(subscription.lag().getAsLong()).isEqualTo(5_000);
    release.countDown();
    collector.awaitCount(5_000, Duration.ofSeconds(10));
    producer.send(payloads(10));
    collector.awaitCount(5_010, Duration.ofSeconds(10));
    awaitTrue(() -> subscription.lag().getAsLong() == 0, "lag back to zero");
  }

  @Test
  void send_trimsTheStreamToAboutMaxlen() throws Exception {
    String prefix = freshPrefix();
    Transport producer = openWith(prefix, "?maxlen=1000");
    for (int i = 0; i < 10; i++) producer.send(payloads(500));
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      // MAXLEN ~ trims whole stream nodes (100 entries each by default), so it keeps at least 1000
      assertThat(redis.commands().xlen(prefix + ":events")).isBetween(1_000L, 1_200L);
    }
  }

  @Test
  void send_withRetention_trimsEntriesOlderThanIt() throws Exception {
    String prefix = freshPrefix();
    streams.track(prefix);
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      RedisCommands<String, String> commands = redis.commands();
      for (int i = 1; i <= 300; i++) { // entries from 1970: far older than any retention
        commands.xadd(
            prefix + ":events",
            new io.lettuce.core.XAddArgs().id(i + "-0"),
            "data",
            "{\"task_id\":\"old-" + i + "\"}");
      }
      openWith(prefix, "?retention=PT1H").send(payloads(10));
      List<StreamMessage<String, String>> left =
          commands.xrange(prefix + ":events", Range.create("-", "+"));
      long oldLeft =
          left.stream().filter(entry -> entry.getBody().get("data").contains("old-")).count();
      // MINID ~ drops whole nodes, so a node holding old and new entries may stay until the next
      // trim
      assertThat(oldLeft).isLessThan(300);
      assertThat(left.stream().filter(entry -> !entry.getBody().get("data").contains("old-")))
          .hasSize(10);
    }
  }

  @Test
  void subscribe_deliversOnANamedDaemonThread_withoutThePassword() throws Exception {
    String prefix = freshPrefix();
    Transport transport = openWith(prefix, "");
    List<Thread> threads = new ArrayList<>();
    CountDownLatch delivered = new CountDownLatch(1);
    closeLater(
        transport.subscribe(
            batch -> {
              threads.add(Thread.currentThread());
              delivered.countDown();
            }));
    transport.send(payloads(1));
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(threads.get(0).getName()).isEqualTo("stemtrace-consumer{redis://127.0.0.1:6379/0}");
    assertThat(threads.get(0).isDaemon()).isTrue();
  }

  @Test
  void send_withRepliesForEachEntryOrOnlyTheLast_writesTheSameEntries() throws Exception {
    for (String replies : List.of("each", "batch")) {
      String prefix = freshPrefix();
      RedisTransport transport = (RedisTransport) openWith(prefix, "?replies=" + replies);
      List<byte[]> batch = payloads(300); // several chunks of 128
      transport.send(batch);
      transport.send(batch.subList(0, 1)); // a batch of one: no quiet chunk at all
      assertThat(transport.repliesPerBatchOnly()).as(replies).isEqualTo(replies.equals("batch"));
      try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
        List<String> stored =
            redis
                .commands()
                .xrange(prefix + ":events", io.lettuce.core.Range.create("-", "+"))
                .stream()
                .map(entry -> entry.getBody().get("data"))
                .toList();
        List<String> sent = new ArrayList<>();
        for (byte[] payload : batch)
          sent.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        sent.add(sent.get(0));
        assertThat(stored).as(replies).isEqualTo(sent);
      }
      assertThat(transport.sentEntries()).isEqualTo(301);
    }
  }

  @Test
  void send_asAUserWithoutClientCommands_fallsBackToAReplyPerEntry() throws Exception {
    String prefix = freshPrefix();
    String user = "stemtrace-noclient-" + prefix;
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      // everything but CLIENT REPLY, as a managed Redis or a proxy may refuse it
      redis
          .commands()
          .dispatch(
              io.lettuce.core.protocol.CommandType.ACL,
              new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
              new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                  .add("SETUSER")
                  .add(user)
                  .add("on")
                  .add(">pw")
                  .add("~*")
                  .add("&*")
                  .add("+@all")
                  .add("-client|reply"));
      try {
        RedisTransport transport =
            (RedisTransport)
                Transports.open(
                    "redis://" + user + ":pw@127.0.0.1:" + RedisTestSupport.PORT + "/0",
                    streams.track(prefix));
        closeLater(transport);
        transport.send(payloads(200));
        assertThat(transport.repliesPerBatchOnly()).isFalse();
        assertThat(redis.commands().xlen(prefix + ":events")).isEqualTo(200);
        assertThat(transport.failedBatches()).isZero();
      } finally {
        redis.commands().aclDeluser(user);
      }
    }
  }

  @Test
  void send_refusedByRedis_throwsAndKeepsTheConnectionForTheNextBatch() throws Exception {
    String prefix = freshPrefix();
    RedisTransport transport = (RedisTransport) openWith(prefix, "");
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      redis.commands().set(prefix + ":events", "not a stream");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.send(payloads(5)))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("WRONGTYPE");
      redis.commands().del(prefix + ":events");
      transport.send(payloads(5));
      assertThat(redis.commands().xlen(prefix + ":events")).isEqualTo(5);
      assertThat(transport.failedBatches()).isEqualTo(1);
      assertThat(transport.sentEntries()).isEqualTo(5);
    }
  }

  @Test
  void send_toUnreachableRedis_failsWithinTheTimeout() throws Exception {
    Transport transport = Transports.open("redis://127.0.0.1:1/0?timeout=PT0.5S", freshPrefix());
    closeLater(transport);
    long started = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.send(payloads(3)))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("127.0.0.1:1");
    // the second attempt falls inside the backoff window and fails without trying the network
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.send(payloads(3)))
        .hasMessageContaining("next connection attempt");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(((RedisTransport) transport).failedBatches()).isEqualTo(2);
    Subscription subscription = closeLater(transport.subscribe(batch -> {}));
    Thread.sleep(300);
    assertThat(subscription.isConnected()).isFalse();
  }

  private Set<String> fieldNames(String payload) throws Exception {
    Set<String> names = new HashSet<>();
    for (Iterator<String> it = json.readTree(payload.getBytes(StandardCharsets.UTF_8)).fieldNames();
        it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(20);
    }
  }
}
