package io.stemtrace.transport.redis;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.ForwardingGraphStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GraphStore} whose events take the whole trip: {@code apply} encodes and queues, the
 * first query after it sends the queued events through a Redis transport as one batch, waits until
 * an {@link EventConsumer} subscribed on the same stream applied them to an {@link
 * InMemoryGraphStore}, and then answers from that store. The GraphStore contract run against it
 * checks the graph built through Redis.
 */
final class RedisRoutedGraphStore extends ForwardingGraphStore {

  private final String prefix;
  private final EventCodec codec = EventCodec.standard();
  private final InMemoryGraphStore target;
  private final Transport producer;
  private final Transport consumerSide;
  private final EventConsumer consumer;
  private final List<byte[]> pending = new ArrayList<>();
  private long sent;

  RedisRoutedGraphStore(String url, String prefix, int maxNodes) throws IOException {
    this.prefix = prefix;
    this.target = InMemoryGraphStore.create(maxNodes);
    this.producer = Transports.open(url, prefix);
    this.consumerSide = Transports.open(url, prefix);
    this.consumer = EventConsumer.builder(target).transport(consumerSide).build();
    consumer.start();
  }

  String prefix() {
    return prefix;
  }

  @Override
  public synchronized void apply(TaskEvent event) {
    pending.add(codec.encode(event));
  }

  @Override
  public synchronized void apply(WorkerEvent event) {
    pending.add(codec.encode(event));
  }

  /**
   * Sends what was applied since the last query, then waits until the consumer applied all of it:
   * queries see it.
   */
  @Override
  protected synchronized GraphStore delegate() {
    try {
      if (!pending.isEmpty()) {
        producer.send(pending);
        sent += pending.size();
        pending.clear();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        var metrics = consumer.metrics();
        if (metrics.eventsApplied() + metrics.eventsRejected() + metrics.applyFailures() >= sent)
          return target;
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "consumer applied "
                  + metrics.eventsApplied()
                  + " of "
                  + sent
                  + " events sent via Redis");
        }
        Thread.sleep(1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    consumer.close();
    consumerSide.close();
    producer.close();
  }
}
