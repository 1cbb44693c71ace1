package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Queue time: the first PENDING or RECEIVED to the first STARTED, as the task page's timeline. */
class QueueTimeTest {

  private static final Instant T0 = Instant.parse("2026-12-04T03:00:00Z");

  private final InMemoryGraphStore store = InMemoryGraphStore.create();

  private void event(TaskState state, long atMillis) {
    store.apply(
        TaskEvent.builder("t", state).name("app.t").timestamp(T0.plusMillis(atMillis)).build());
  }

  private Duration queueTime() {
    return store.task("t").orElseThrow().queueTime();
  }

  @Test
  void queueTime_receivedWithoutPending_countsFromReceived() {
    event(TaskState.RECEIVED, 5);
    event(TaskState.STARTED, 25);
    assertThat(queueTime()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void queueTime_pendingThenReceived_countsFromTheEarlier() {
    event(TaskState.RECEIVED, 8);
    event(TaskState.STARTED, 30);
    event(TaskState.PENDING, 0);
    assertThat(queueTime()).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void queueTime_notStarted_isUnknown() {
    event(TaskState.PENDING, 0);
    assertThat(queueTime()).isNull();
  }
}
