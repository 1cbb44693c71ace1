package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.ForwardingGraphStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A batch counts as consumed when {@link EventConsumer#accept} returns; with a durable store it
 * returns only once the store made the batch durable, however often that failed first.
 */
class EventConsumerFlushTest {

  /** A store whose flush fails a set number of times, as a database that is away would. */
  private static final class FlakyDurableStore extends ForwardingGraphStore {
    final InMemoryGraphStore memory = InMemoryGraphStore.create(1_000);
    final AtomicInteger failuresLeft;
    final AtomicInteger flushes = new AtomicInteger();
    final List<Integer> appliedAtEachFlush = new ArrayList<>();

    FlakyDurableStore(int failures) {
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    protected GraphStore delegate() {
      return memory;
    }

    @Override
    public void flush() {
      flushes.incrementAndGet();
      if (failuresLeft.getAndDecrement() > 0) throw new IllegalStateException("database away");
      appliedAtEachFlush.add((int) memory.taskCount());
    }
  }

  private static List<byte[]> batch(int tasks) {
    EventCodec codec = EventCodec.standard();
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      batch.add(
          codec.encode(
              TaskEvent.builder("flush-" + i, TaskState.SUCCESS)
                  .name("app.flush")
                  .timestamp(Instant.parse("2026-12-04T00:00:00Z").plusMillis(i))
                  .build()));
    }
    return batch;
  }

  @Test
  void accept_returnsOnlyAfterTheStoreMadeTheBatchDurable_retryingFailures() {
    FlakyDurableStore store = new FlakyDurableStore(3);
    EventConsumer consumer = EventConsumer.builder(store).build();

    consumer.accept(batch(10));

    assertThat(store.flushes.get()).isEqualTo(4);
    assertThat(store.appliedAtEachFlush).containsExactly(10);
    assertThat(consumer.metrics().eventsApplied()).isEqualTo(10);
  }

  @Test
  void importedEvents_areMadeDurableToo() {
    FlakyDurableStore store = new FlakyDurableStore(0);
    EventConsumer consumer = EventConsumer.builder(store).build();
    consumer.acceptEvents(
        List.of(
            TaskEvent.builder("imported", TaskState.SUCCESS)
                .name("app.imported")
                .timestamp(Instant.EPOCH)
                .build()));
    assertThat(store.flushes.get()).isEqualTo(1);
  }

  @Test
  void close_endsTheRetries_ofAStoreThatStaysAway() throws Exception {
    FlakyDurableStore store = new FlakyDurableStore(Integer.MAX_VALUE);
    EventConsumer consumer = EventConsumer.builder(store).build();
    CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> consumer.accept(batch(1)));
    while (store.flushes.get() < 2) Thread.sleep(10);
    assertThat(accepting).isNotDone();

    consumer.close();

    accepting.get(10, TimeUnit.SECONDS);
    assertThat(store.appliedAtEachFlush).isEmpty();
  }
}
