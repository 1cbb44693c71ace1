package io.stemtrace.transport.redis;

import io.stemtrace.api.GraphStore;
import io.stemtrace.testing.GraphStoreContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole GraphStore contract with every event travelling producer transport -> Redis stream ->
 * consumer -> in-memory store: the graphs built through Redis are the graphs the store builds from
 * direct calls.
 */
class GraphContractOverRedisIT extends GraphStoreContractTest {

  private final List<RedisRoutedGraphStore> stores = new ArrayList<>();

  @BeforeAll
  static void redisRunning() {
    RedisTestSupport.requireRedis();
  }

  @Override
  protected GraphStore newStore(int maxNodes) {
    try {
      RedisRoutedGraphStore store =
          new RedisRoutedGraphStore(
              RedisTestSupport.URL,
              "graph-contract-" + UUID.randomUUID().toString().substring(0, 8),
              maxNodes);
      stores.add(store);
      return store;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void closeStoresAndDeleteStreams() {
    try (var redis = new RedisTestSupport.RawRedis(RedisTestSupport.PORT)) {
      for (RedisRoutedGraphStore store : stores) {
        store.close();
        redis.commands().del(store.prefix() + ":events");
      }
    }
    stores.clear();
  }
}
