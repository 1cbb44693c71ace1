package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream of 10 MB entries among small ones: every read holds at most its byte budget plus one
 * entry, an entry over the codec's cap arrives as its first cap + 1 bytes (so it is counted
 * TOO_LARGE, as the whole would be), and every entry arrives once, in order.
 */
class RedisReadBytesIT {

  private final RedisTestSupport.StreamPrefixes streams = new RedisTestSupport.StreamPrefixes();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  @AfterEach
  void cleanUp() {
    streams.deleteAll();
  }

  @Test
  void hugeEntries_readsStayWithinTheBudget_everyEntryDeliveredOnceInOrder() throws Exception {
    String prefix = streams.track("bytes-" + UUID.randomUUID());
    long budget = 8L << 20;
    List<String> expectedStarts = new ArrayList<>();
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      for (int i = 0; i < 60; i++) {
        String data =
            i % 3 == 0
                ? "{\"task_id\":\"huge-" + i + "\",\"result\":\"" + "x".repeat(10_000_000) + "\"}"
                : "{\"task_id\":\"small-" + i + "\",\"state\":\"PENDING\"}";
        redis.commands().xadd(prefix + ":events", Map.of("data", data));
        expectedStarts.add(data.substring(0, Math.min(30, data.length())));
      }
    }
    List<Long> batchBytes = new CopyOnWriteArrayList<>();
    List<byte[]> received = new CopyOnWriteArrayList<>();
    try (Transport transport =
            Transports.open(RedisTestSupport.URL + "?maxreadbytes=" + budget, prefix);
        var subscription =
            transport.subscribe(
                batch -> {
                  batchBytes.add(batch.stream().mapToLong(b -> b.length).sum());
                  received.addAll(batch);
                })) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < 60 && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(received).hasSize(60);
    }
    for (int i = 0; i < 60; i++) {
      String text =
          new String(
              received.get(i), 0, Math.min(30, received.get(i).length), StandardCharsets.UTF_8);
      assertThat(text).as("entry " + i).isEqualTo(expectedStarts.get(i));
      if (i % 3 == 0) {
        assertThat(received.get(i)).hasSize(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES + 1);
        assertThat(EventCodec.standard().decode(received.get(i)).toString()).contains("TOO_LARGE");
      }
    }
    // the budget, plus the one entry (at most cap + 1 bytes) that crossed it
    assertThat(batchBytes)
        .allMatch(bytes -> bytes <= budget + EventCodec.DEFAULT_MAX_PAYLOAD_BYTES + 1);
    assertThat(batchBytes.size()).as("batches").isGreaterThan(1);
    assertThat(Arrays.asList(RedisTransportConfig.MAX_ENTRY_BYTES))
        .containsExactly(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES + 1);
  }
}
