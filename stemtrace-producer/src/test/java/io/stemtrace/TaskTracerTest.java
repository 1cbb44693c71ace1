package io.stemtrace;

import static io.stemtrace.api.TaskState.FAILURE;
import static io.stemtrace.api.TaskState.PENDING;
import static io.stemtrace.api.TaskState.RECEIVED;
import static io.stemtrace.api.TaskState.RETRY;
import static io.stemtrace.api.TaskState.REVOKED;
import static io.stemtrace.api.TaskState.STARTED;
import static io.stemtrace.api.TaskState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.TaskEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskTracerTest {

  static final Instant NOW = Instant.parse("2026-11-26T03:35:48.652721Z");

  RecordingTransport transport = new RecordingTransport();
  Stemtrace stemtrace =
      Stemtrace.builder()
          .transport(transport)
          .shutdownHook(false)
          .workerEvents(false)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .build();
  TaskTracer tracer = stemtrace.tracer();

  @AfterEach
  void tearDown() {
    stemtrace.close();
  }

  @Test
  void rootTask_isItsOwnRootAndTrace_everyStateCarriesThePayload() {
    TracedTask task = tracer.newTask("capp.add");
    task.pending(List.of(1, 2), Map.of("mode", "fast"));
    task.received();
    task.started(List.of(1, 2), null);
    task.success(3);

    List<TaskEvent> events = EventLog.of(stemtrace, transport).of(task.id());
    assertThat(events)
        .extracting(TaskEvent::state)
        .containsExactly(PENDING, RECEIVED, STARTED, SUCCESS);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.name()).isEqualTo("capp.add");
              assertThat(e.parentId()).isNull();
              assertThat(e.rootId()).isEqualTo(task.id());
              assertThat(e.traceId()).isEqualTo(task.id());
              assertThat(e.timestamp()).isEqualTo(NOW);
            });
    assertThat(events.get(0).args()).isEqualTo(List.of(1, 2));
    assertThat(events.get(0).kwargs()).isEqualTo(Map.of("mode", "fast"));
    assertThat(events.get(3).result()).isEqualTo(3);
    assertThat(task.id())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void childTask_inheritsParentRootAndTrace_fromTheCurrentTask() {
    TracedTask root = tracer.newTask("root");
    TracedTask child;
    TracedTask grandchild;
    try (Scope outer = root.makeCurrent()) {
      child = tracer.newTask("child");
      try (Scope inner = child.makeCurrent()) {
        grandchild = tracer.newTask("grandchild");
        assertThat(tracer.currentContext()).isEqualTo(child.context());
      }
      assertThat(tracer.currentContext()).isEqualTo(root.context());
    }
    assertThat(tracer.currentContext()).isNull();

    assertThat(child.parentId()).isEqualTo(root.id());
    assertThat(child.rootId()).isEqualTo(root.id());
    assertThat(grandchild.parentId()).isEqualTo(child.id());
    assertThat(grandchild.rootId()).isEqualTo(root.id());
    assertThat(grandchild.traceId()).isEqualTo(root.id());
  }

  @Test
  void taskBuilder_explicitIdGroupChordAndNoParent() {
    TracedTask root = tracer.newTask("root");
    TracedTask member;
    try (Scope scope = root.makeCurrent()) {
      member =
          tracer
              .task("member")
              .taskId("m-1")
              .groupId("g-1")
              .chordCallbackId("cb-1")
              .chordId("c-1")
              .parent(null)
              .build();
    }
    member.pending();

    TaskEvent event = EventLog.of(stemtrace, transport).last("m-1");
    assertThat(event.parentId()).isNull();
    assertThat(event.rootId()).isEqualTo("m-1");
    assertThat(event.groupId()).isEqualTo("g-1");
    assertThat(event.chordCallbackId()).isEqualTo("cb-1");
    assertThat(event.chordId()).isEqualTo("c-1");
  }

  @Test
  void retry_emitsRetryForThisAttemptThenCountsTheNext() {
    TracedTask task = tracer.newTask("flaky");
    task.started();
    task.retry(new IllegalStateException("flaky"));
    task.started();
    task.retry("Retry: later", null);
    task.started();
    task.failure(new IllegalArgumentException("gave up"));

    List<TaskEvent> events = EventLog.of(stemtrace, transport).of(task.id());
    assertThat(events)
        .extracting(TaskEvent::state)
        .containsExactly(STARTED, RETRY, STARTED, RETRY, STARTED, FAILURE);
    assertThat(events).extracting(TaskEvent::retries).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(events.get(1).exception()).isEqualTo("java.lang.IllegalStateException: flaky");
    assertThat(events.get(1).traceback()).contains("TaskTracerTest");
    assertThat(events.get(3).exception()).isEqualTo("Retry: later");
  }

  @Test
  void revokedAndAnyStateWithEmit() {
    TracedTask task = tracer.newTask("cancelled");
    task.pending().revoked();
    TracedTask odd = tracer.newTask("odd");
    odd.emit(io.stemtrace.api.TaskState.REJECTED, null, null, null, "Reject: no capacity", null);

    EventLog log = EventLog.of(stemtrace, transport);
    assertThat(log.states(task.id())).containsExactly(PENDING, REVOKED);
    assertThat(log.last(odd.id()).exception()).isEqualTo("Reject: no capacity");
  }

  @Test
  void unregisteredTaskName_canBeAnnouncedWithoutRunning() {
    tracer.newTask("capp.not_registered_anywhere").pending(List.of(1), null);

    EventLog log = EventLog.of(stemtrace, transport);
    assertThat(log.states(log.idNamed("capp.not_registered_anywhere"))).containsExactly(PENDING);
  }

  @Test
  void payloads_areScrubbedBeforeTheyLeave() {
    TracedTask task = tracer.newTask("capp.flaky");
    task.pending(List.of(7, Map.of("password", "hunter2")), Map.of("password", "hunter2", "n", 7));
    task.success(Map.of("accessToken", "abc", "author", "me"));

    EventLog log = EventLog.of(stemtrace, transport);
    String json = new String(transport.payloads().get(0), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("hunter2");
    assertThat(log.of(task.id()).get(0).kwargs())
        .isEqualTo(Map.of("password", "[Filtered]", "n", 7));
    assertThat(log.last(task.id()).result())
        .isEqualTo(Map.of("accessToken", "[Filtered]", "author", "me"));
  }

  @Test
  void captureOff_sendsNoArgsOrResults() {
    RecordingTransport quiet = new RecordingTransport();
    try (Stemtrace off =
        Stemtrace.builder()
            .transport(quiet)
            .captureArgs(false)
            .captureResults(false)
            .workerEvents(false)
            .shutdownHook(false)
            .build()) {
      TracedTask task = off.tracer().newTask("t");
      task.pending(List.of(1), Map.of("a", 1));
      task.success("r");
      EventLog log = EventLog.of(off, quiet);
      assertThat(log.of(task.id()))
          .allSatisfy(
              e -> {
                assertThat(e.args()).isNull();
                assertThat(e.kwargs()).isNull();
                assertThat(e.result()).isNull();
              });
    }
  }

  /**
   * The FAILURE event a producer limited to 1 KiB per value sends for this exception and traceback.
   */
  private static TaskEvent failureWithin1KiB(String exception, String traceback) {
    RecordingTransport small = new RecordingTransport();
    try (Stemtrace limited =
        Stemtrace.builder()
            .transport(small)
            .maxPayloadBytes(1024)
            .workerEvents(false)
            .shutdownHook(false)
            .build()) {
      TracedTask task = limited.tracer().newTask("t");
      task.failure(exception, traceback);
      return EventLog.of(limited, small).last(task.id());
    }
  }

  @Test
  void hugeTraceback_isTruncatedNotDropped() {
    TaskEvent event = failureWithin1KiB("E: " + "x".repeat(10_000), "y".repeat(10_000));
    assertThat(event.exception()).hasSizeLessThan(1100).endsWith("[Truncated: 10003 chars]");
    assertThat(event.traceback()).hasSizeLessThan(1100);
  }

  @Test
  void multibyteTraceback_isCutByItsUtf8Bytes_neverInsideACharacter() {
    // 3 bytes per CJK character, 4 per emoji (a surrogate pair): 1 000 of either are far over 1 KiB
    TaskEvent event = failureWithin1KiB("E: " + "日".repeat(1_000), "😀".repeat(1_000));
    String exceptionKept =
        event.exception().substring(0, event.exception().indexOf("...[Truncated"));
    String tracebackKept =
        event.traceback().substring(0, event.traceback().indexOf("...[Truncated"));
    assertThat(exceptionKept.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(1024)
        .isGreaterThan(1000);
    assertThat(tracebackKept.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(1024)
        .isGreaterThan(1000);
    assertThat(tracebackKept).matches("(😀)+");
    assertThat(event.traceback()).endsWith("[Truncated: 2000 chars]");
  }

  @Test
  void eventThatCannotBeBuilt_isCountedAsDropped_andTheTaskGoesOn() {
    RecordingTransport quiet = new RecordingTransport();
    // a clock that fails: building the event's timestamp throws inside the tracer
    Clock failing =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            throw new IllegalStateException("clock broke");
          }
        };
    try (Stemtrace broken =
        Stemtrace.builder()
            .transport(quiet)
            .clock(failing)
            .workerEvents(false)
            .shutdownHook(false)
            .build()) {
      TracedTask task = broken.tracer().newTask("t");
      task.started();
      task.success("done");
      assertThat(broken.metrics().dropped()).isEqualTo(2);
    }
  }

  @Test
  void injectExtract_roundTripsTheContext_headerNamesInAnyCase() {
    TracedTask root = tracer.newTask("root");
    TracedTask child = tracer.task("child").parent(root.context()).groupId("g").build();
    Map<String, String> headers = new HashMap<>();
    stemtrace.inject(child.context(), headers);
    Map<String, String> shouted = new HashMap<>();
    headers.forEach((k, v) -> shouted.put(k.toUpperCase(java.util.Locale.ROOT), v));

    assertThat(stemtrace.extract(headers)).contains(child.context());
    assertThat(stemtrace.extract(shouted)).contains(child.context());
    assertThat(stemtrace.extract(Map.of())).isEmpty();
  }

  @Test
  void injectCurrent_withoutCurrentTask_leavesHeadersAlone() {
    Map<String, String> headers = new HashMap<>();
    stemtrace.inject(headers);
    assertThat(headers).isEmpty();
  }
}
