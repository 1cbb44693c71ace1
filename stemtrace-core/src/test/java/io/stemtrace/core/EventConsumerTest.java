package io.stemtrace.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.DecodeError;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.ForwardingGraphStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventConsumerTest {

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String task(String id, String state) {
    return "{\"task_id\":\""
        + id
        + "\",\"name\":\"app.t\",\"state\":\""
        + state
        + "\",\"timestamp\":\"2026-11-26T03:35:48.652721Z\",\"retries\":0}";
  }

  @Test
  void accept_capture_buildsTheExpectedGraph() {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    EventConsumer consumer = EventConsumer.builder(store).build();
    consumer.accept(Captures.pythonCanvas());
    assertThat(consumer.metrics().eventsApplied()).isEqualTo(59);
    assertThat(consumer.metrics().eventsRejected()).isZero();
    CaptureExpectations.assertPythonCanvasGraph(store);
  }

  @Test
  void accept_malformedPayloads_areCountedPerKind_andConsumptionContinues() {
    InMemoryGraphStore store = InMemoryGraphStore.create();
    List<List<StemtraceEvent>> told = new ArrayList<>();
    EventConsumer consumer = EventConsumer.builder(store).listener(told::add).build();

    consumer.accept(
        List.of(
            utf8(task("ok-1", "STARTED")),
            utf8("not json at all"),
            utf8("[1, 2]"),
            utf8("{\"hello\": 1}"),
            utf8("{\"task_id\": \"x\", \"timestamp\": \"2026-11-26T03:35:48Z\"}"),
            utf8(task("bad-state", "EXPLODED")),
            utf8(task("bad-time", "STARTED").replace("2026-11-26T03:35:48.652721Z", "yesterday")),
            utf8(
                "{\"task_id\": 12, \"state\": \"STARTED\", \"timestamp\": \"2026-11-26T03:35:48Z\"}"),
            utf8("not json either"),
            utf8(task("ok-2", "SUCCESS"))));

    var metrics = consumer.metrics();
    assertThat(metrics.eventsApplied()).isEqualTo(2);
    assertThat(metrics.eventsRejected()).isEqualTo(8);
    assertThat(metrics.rejectedByKind())
        .isEqualTo(
            Map.of(
                DecodeError.Kind.NOT_JSON, 2L,
                DecodeError.Kind.NOT_AN_OBJECT, 1L,
                DecodeError.Kind.UNKNOWN_EVENT, 1L,
                DecodeError.Kind.MISSING_FIELD, 1L,
                DecodeError.Kind.UNKNOWN_STATE, 1L,
                DecodeError.Kind.BAD_TIMESTAMP, 1L,
                DecodeError.Kind.WRONG_TYPE, 1L));
    assertThat(store.taskCount()).isEqualTo(2);
    assertThat(told).singleElement().satisfies(batch -> assertThat(batch).hasSize(2));

    consumer.accept(List.of(utf8(task("ok-3", "PENDING"))));
    assertThat(consumer.metrics().eventsApplied()).isEqualTo(3);
    assertThat(store.task("ok-3")).isPresent();
  }

  @Test
  void acceptEvents_storeOrListenerThrowing_isCountedAndSkipped() {
    InMemoryGraphStore delegate = InMemoryGraphStore.create();
    // a store that fails on one task id, as a store bug would
    var failing =
        new ForwardingGraphStore() {
          @Override
          protected io.stemtrace.api.GraphStore delegate() {
            return delegate;
          }

          @Override
          public void apply(TaskEvent event) {
            if (event.taskId().equals("poison")) throw new IllegalStateException("store bug");
            delegate.apply(event);
          }
        };
    List<Integer> secondListener = new ArrayList<>();
    EventConsumer consumer =
        EventConsumer.builder(failing)
            .listener(
                events -> {
                  throw new IllegalStateException("listener bug");
                })
            .listener(events -> secondListener.add(events.size()))
            .build();
    Instant at = Instant.parse("2026-11-26T03:00:00Z");
    consumer.acceptEvents(
        List.of(
            TaskEvent.builder("a", TaskState.STARTED).timestamp(at).build(),
            TaskEvent.builder("poison", TaskState.STARTED).timestamp(at).build(),
            TaskEvent.builder("b", TaskState.STARTED).timestamp(at).build()));

    var metrics = consumer.metrics();
    assertThat(metrics.eventsApplied()).isEqualTo(2);
    assertThat(metrics.applyFailures()).isEqualTo(1);
    // the failing listener is told the batch, then each event alone: it threw on both
    assertThat(metrics.listenerFailures()).isEqualTo(2);
    assertThat(secondListener).containsExactly(2);
    assertThat(delegate.taskCount()).isEqualTo(2);
  }

  @Test
  void accept_listenerThrowingOnOneEvent_losesOnlyThatEvent_andCountsIt() {
    List<String> seen = new ArrayList<>();
    EventConsumer consumer =
        EventConsumer.builder(InMemoryGraphStore.create())
            .listener(
                events -> {
                  for (StemtraceEvent event : events) {
                    if (event instanceof TaskEvent task && task.taskId().equals("poison"))
                      throw new ArithmeticException("bug");
                  }
                  for (StemtraceEvent event : events) seen.add(((TaskEvent) event).taskId());
                })
            .build();
    Instant at = Instant.parse("2026-11-26T03:00:00Z");
    List<StemtraceEvent> batch = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      batch.add(
          TaskEvent.builder(i == 49 ? "poison" : "t" + i, TaskState.STARTED).timestamp(at).build());
    }
    consumer.acceptEvents(batch);

    assertThat(seen).hasSize(98).doesNotContain("poison").contains("t0", "t48", "t50", "t98");
    assertThat(consumer.metrics().listenerFailures()).isEqualTo(1);
    assertThat(consumer.metrics().eventsApplied()).isEqualTo(99);
  }

  @Test
  void accept_largeBatch_appliesEveryEventInBatchOrder_andTellsListenersOnce() {
    List<StemtraceEvent> appliedOrder = new ArrayList<>();
    // a store that records what it is given: the pipelined decoder must not reorder or lose
    // anything
    InMemoryGraphStore real = InMemoryGraphStore.create();
    io.stemtrace.api.GraphStore recording = new RecordingStore(real, appliedOrder);
    List<List<StemtraceEvent>> told = new ArrayList<>();
    EventConsumer consumer = EventConsumer.builder(recording).listener(told::add).build();

    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      batch.add(
          i % 97 == 0
              ? utf8("garbage " + i)
              : utf8(task("t-" + i, i % 2 == 0 ? "STARTED" : "SUCCESS")));
    }
    consumer.accept(batch);
    consumer.close();

    List<String> expectedIds = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) if (i % 97 != 0) expectedIds.add("t-" + i);
    assertThat(appliedOrder.stream().map(e -> ((TaskEvent) e).taskId()).toList())
        .isEqualTo(expectedIds);
    assertThat(consumer.metrics().eventsRejected()).isEqualTo(11);
    assertThat(told).hasSize(1);
    assertThat(told.get(0)).hasSize(expectedIds.size());
    assertThat(real.taskCount()).isEqualTo(expectedIds.size());
  }

  /** Forwards to a real store and records the order of task events. */
  private static final class RecordingStore extends ForwardingGraphStore {
    private final InMemoryGraphStore delegate;
    private final List<StemtraceEvent> order;

    RecordingStore(InMemoryGraphStore delegate, List<StemtraceEvent> order) {
      this.delegate = delegate;
      this.order = order;
    }

    @Override
    protected io.stemtrace.api.GraphStore delegate() {
      return delegate;
    }

    @Override
    public void apply(TaskEvent event) {
      order.add(event);
      delegate.apply(event);
    }
  }
}
