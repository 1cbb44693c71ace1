package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.XAddArgs;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.TransportContractTest.Collector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream under the key is replaced while the consumer follows it (deleted and written again
 * with ids below the position, or recreated with fewer entries): the consumer notices, counts it,
 * and reads the new stream from its start. Trimming and XDEL are not a replacement.
 */
class RedisStreamResetIT {

  private final RedisTestSupport.StreamPrefixes streams = new RedisTestSupport.StreamPrefixes();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable closeable : closeables) closeable.close();
    streams.deleteAll();
  }

  private RedisSubscription follow(String prefix, Collector collector) throws java.io.IOException {
    Transport transport = Transports.open(RedisTestSupport.URL, streams.track(prefix));
    closeables.add(transport);
    RedisSubscription subscription = (RedisSubscription) transport.subscribe(collector);
    closeables.add(subscription);
    return subscription;
  }

  /**
   * Ten entries written and read, and the stream's entries-added seen: a consumer at a position.
   */
  private RedisSubscription tenReadThenFollowing(
      RedisTestSupport.RawRedis redis, String prefix, Collector collector) throws Exception {
    for (int i = 0; i < 10; i++) add(redis, prefix + ":events", null, data("a", i));
    RedisSubscription subscription = follow(prefix, collector);
    collector.awaitCount(10, Duration.ofSeconds(10));
    RedisTransportIT.awaitTrue(() -> subscription.lag().isPresent(), "entries-added seen");
    return subscription;
  }

  private static String data(String run, int i) {
    return "{\"task_id\":\"" + run + "-" + i + "\",\"state\":\"PENDING\"}";
  }

  private static void add(RedisTestSupport.RawRedis redis, String key, String id, String data) {
    XAddArgs args = new XAddArgs();
    if (id != null) args.id(id);
    redis.commands().xadd(key, args, Map.of("data", data));
  }

  @Test
  void deletedAndWrittenAgainBelowThePosition_everyNewEntryIsReadOnce() throws Exception {
    String prefix = "reset-" + UUID.randomUUID();
    String key = prefix + ":events";
    Collector collector = new Collector();
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      RedisSubscription subscription = tenReadThenFollowing(redis, prefix, collector);
      redis.commands().del(key);
      List<String> second = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        add(redis, key, "1-" + (i + 1), data("b", i));
        second.add(data("b", i));
      }
      collector.awaitCount(15, Duration.ofSeconds(10));
      Thread.sleep(1_500); // another look at the stream: no second reset, nothing twice
      assertThat(collector.strings()).hasSize(15);
      assertThat(collector.strings().subList(10, 15)).containsExactlyElementsOf(second);
      assertThat(subscription.streamResets()).isEqualTo(1);
      RedisTransportIT.awaitTrue(() -> subscription.lag().orElse(-1) == 0, "lag back to zero");
    }
  }

  @Test
  void recreatedWithFewerEntries_aboveThePosition_isAResetToo_nothingLost() throws Exception {
    String prefix = "reset-" + UUID.randomUUID();
    String key = prefix + ":events";
    Collector collector = new Collector();
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      RedisSubscription subscription = tenReadThenFollowing(redis, prefix, collector);
      redis.commands().del(key);
      // one entry below the position, two above it: only entries-added (3 < 10) tells the streams
      // apart
      String position = subscription.position();
      long millis = Long.parseLong(position.substring(0, position.indexOf('-')));
      add(redis, key, "1-1", data("b", 0));
      add(redis, key, (millis + 1) + "-0", data("b", 1));
      add(redis, key, (millis + 2) + "-0", data("b", 2));
      RedisTransportIT.awaitTrue(() -> subscription.streamResets() == 1, "reset noticed");
      RedisTransportIT.awaitTrue(
          () -> collector.strings().contains(data("b", 0)), "the entry below the position read");
      // entries above the position may come twice (read before the reset was seen): at least once,
      // never lost
      assertThat(collector.strings()).contains(data("b", 1), data("b", 2));
    }
  }

  @Test
  void trimmingAndXdel_areNoReset_andLoseNothingTheStreamHolds() throws Exception {
    String prefix = "reset-" + UUID.randomUUID();
    String key = prefix + ":events";
    Collector collector = new Collector();
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      RedisSubscription subscription = tenReadThenFollowing(redis, prefix, collector);
      redis.commands().xtrim(key, 2);
      String last =
          redis
              .commands()
              .xrevrange(
                  key, io.lettuce.core.Range.create("-", "+"), io.lettuce.core.Limit.create(0, 1))
              .get(0)
              .getId();
      redis.commands().xdel(key, last);
      for (int i = 0; i < 5; i++) add(redis, key, null, data("c", i));
      collector.awaitCount(15, Duration.ofSeconds(10));
      Thread.sleep(1_500); // at least one more look at the stream
      assertThat(subscription.streamResets()).isZero();
      assertThat(collector.strings()).hasSize(15);
      redis.commands().del(key);
      RedisTransportIT.awaitTrue(
          () -> subscription.streamResets() == 1, "a deleted key counts once entries were read");
    }
  }
}
