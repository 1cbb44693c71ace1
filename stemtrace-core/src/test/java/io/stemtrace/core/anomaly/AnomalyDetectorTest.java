package io.stemtrace.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CanvasCaptures;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AnomalyDetectorTest {

  static final Instant T0 = Instant.parse("2026-11-26T04:00:00Z");
  static final Duration PENDING = Duration.ofMinutes(5);
  static final Duration STARTED = Duration.ofMinutes(30);
  static final Duration CHORD = Duration.ofMinutes(1);

  final MutableClock clock = new MutableClock(T0);
  InMemoryGraphStore store = InMemoryGraphStore.create();
  final List<AnomalyChange> changes = new CopyOnWriteArrayList<>();
  AnomalyDetector detector = newDetector(store);
  EventConsumer consumer = EventConsumer.builder(store).listener(detector).build();

  AnomalyDetector newDetector(InMemoryGraphStore forStore) {
    return AnomalyDetector.builder(forStore)
        .clock(clock)
        .pendingThreshold(PENDING)
        .startedThreshold(STARTED)
        .chordThreshold(CHORD)
        .listener(changes::addAll)
        .build();
  }

  // ---------------------------------------------------------------- generated events

  static TaskEvent task(String id, String name, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name(name).timestamp(at).build();
  }

  static TaskEvent task(String id, String name, TaskState state, Instant at, int retries) {
    return TaskEvent.builder(id, state).name(name).timestamp(at).retries(retries).build();
  }

  static WorkerEvent ready(String host, Instant at, String... names) {
    return new WorkerEvent(WorkerEvent.Type.READY, host, 42, at, List.of(names), Map.of(), null);
  }

  static WorkerEvent shutdown(String host, Instant at) {
    return new WorkerEvent(WorkerEvent.Type.SHUTDOWN, host, 42, at, List.of(), Map.of(), at);
  }

  void feed(StemtraceEvent... events) {
    consumer.acceptEvents(List.of(events));
  }

  void after(Duration duration) {
    clock.advance(duration);
    detector.checkDeadlines();
  }

  Set<AnomalyType> flags(String id) {
    return detector.anomaliesOf(id);
  }

  List<Anomaly> all() {
    return detector.anomalies(Set.of(), 1000, 0).items();
  }

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  // ---------------------------------------------------------------- bounds

  @Test
  void hostnameFlood_keepsAtMostTheWorkerCap_andTheNewestStillAttributesItsTasks() {
    int flood = io.stemtrace.core.WorkerLimits.MAX_WORKERS * 3;
    StemtraceEvent[] events = new StemtraceEvent[flood];
    for (int i = 0; i < flood; i++)
      events[i] = ready("flood-" + i, T0.plusMillis(i), "app.name" + i);
    feed(events);
    assertThat(detector.workerCount()).isEqualTo(io.stemtrace.core.WorkerLimits.MAX_WORKERS);
    // a forgotten worker's names are no longer registered: its task is flagged, the newest worker's
    // is not
    feed(
        task("old", "app.name0", TaskState.PENDING, at(10)),
        task("new", "app.name" + (flood - 1), TaskState.PENDING, at(10)));
    assertThat(flags("old")).containsExactly(AnomalyType.UNREGISTERED);
    assertThat(flags("new")).isEmpty();
  }

  @Test
  void offlineWorker_isForgottenAfterTheRetention_itsRunningTaskNoLongerAttributed() {
    feed(ready("w1", at(0), "app.add"), shutdown("w1", at(5)));
    feed(
        ready(
            "w2",
            at(5).plus(io.stemtrace.core.WorkerLimits.OFFLINE_RETENTION).plusSeconds(1),
            "app.other"));
    assertThat(detector.workerCount()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- UNREGISTERED

  @Test
  void unregistered_pendingTaskNoWorkerRegisters_isFlaggedAtOnce() {
    feed(ready("w1", at(0), "app.add"), task("t1", "app.nobody", TaskState.PENDING, at(1)));

    assertThat(flags("t1")).containsExactly(AnomalyType.UNREGISTERED);
    Anomaly anomaly = all().get(0);
    assertThat(anomaly.type()).isEqualTo(AnomalyType.UNREGISTERED);
    assertThat(anomaly.taskId()).isEqualTo("t1");
    assertThat(anomaly.name()).isEqualTo("app.nobody");
    assertThat(anomaly.workflowId()).isEqualTo("t1");
    assertThat(anomaly.since()).isEqualTo(at(1));
    assertThat(anomaly.detectedAt()).isEqualTo(T0);
    assertThat(anomaly.worker()).isNull();
    assertThat(anomaly.detail()).contains("app.nobody").contains("w1");
    assertThat(changes).containsExactly(new AnomalyChange(AnomalyType.UNREGISTERED, "t1", true));
  }

  @Test
  void unregistered_clearsWhenAWorkerRegistersTheName_thenCanBecomeStuckPending() {
    feed(ready("w1", at(0), "app.add"), task("t1", "app.late", TaskState.PENDING, at(1)));
    assertThat(flags("t1")).containsExactly(AnomalyType.UNREGISTERED);

    feed(ready("w2", at(2), "app.late"));
    assertThat(flags("t1")).isEmpty();
    assertThat(changes)
        .containsExactly(
            new AnomalyChange(AnomalyType.UNREGISTERED, "t1", true),
            new AnomalyChange(AnomalyType.UNREGISTERED, "t1", false));

    after(PENDING.plusSeconds(2));
    assertThat(flags("t1")).containsExactly(AnomalyType.STUCK_PENDING);
  }

  @Test
  void unregistered_clearsWhenTheTaskStarts() {
    feed(ready("w1", at(0), "app.add"), task("t1", "app.odd", TaskState.PENDING, at(1)));
    feed(task("t1", "app.odd", TaskState.STARTED, at(2)));

    assertThat(flags("t1")).isEmpty();
    assertThat(all()).isEmpty();
  }

  @Test
  void unregistered_notRaisedWhileNoWorkerIsKnown_butFoundAtTheDeadlineOnceOneIs() {
    feed(task("t1", "app.odd", TaskState.PENDING, at(1)));
    assertThat(flags("t1")).isEmpty();

    feed(ready("w1", at(2), "app.add"));
    after(PENDING.plusSeconds(2));
    assertThat(flags("t1")).containsExactly(AnomalyType.UNREGISTERED);
  }

  @Test
  void unregistered_capture_flagsTheUnregisteredTask_withTheWorkerListFromWorkerReady() {
    clock.set(Instant.parse("2026-11-26T03:36:01Z")); // just after the capture ends
    consumer.acceptEvents(CaptureExpectations.pythonCanvasEvents());

    String unregistered = "9644dd94-f807-4048-8183-4b983e7112e8";
    assertThat(all())
        .singleElement()
        .satisfies(
            anomaly -> {
              assertThat(anomaly.type()).isEqualTo(AnomalyType.UNREGISTERED);
              assertThat(anomaly.taskId()).isEqualTo(unregistered);
              assertThat(anomaly.name()).isEqualTo("capp.not_registered_anywhere");
              assertThat(anomaly.since()).isEqualTo(Instant.parse("2026-11-26T03:35:48.686054Z"));
              assertThat(anomaly.detail()).contains("w1@vm");
            });
    // the shutdown's empty list did not replace the one worker_ready sent
    WorkerInfo worker = store.worker("w1@vm").orElseThrow();
    assertThat(worker.status()).isEqualTo(WorkerInfo.Status.OFFLINE);
    assertThat(worker.registeredTasks())
        .containsExactly("capp.boom", "capp.parent", "capp.add", "capp.flaky", "capp.tsum");

    // an hour later it is still UNREGISTERED (not STUCK_PENDING), and nothing else is raised
    after(Duration.ofHours(1));
    assertThat(all()).extracting(Anomaly::type).containsExactly(AnomalyType.UNREGISTERED);
    assertThat(flags(unregistered)).containsExactly(AnomalyType.UNREGISTERED);
  }

  // ---------------------------------------------------------------- STUCK_PENDING

  @Test
  void stuckPending_raisedOnlyAfterTheThreshold_andClearsWhenTheTaskStarts() {
    feed(ready("w1", at(0), "app.add"), task("t1", "app.add", TaskState.PENDING, at(0)));

    after(PENDING.minusSeconds(1));
    assertThat(flags("t1")).isEmpty();
    after(Duration.ofSeconds(1));
    assertThat(flags("t1")).containsExactly(AnomalyType.STUCK_PENDING);
    assertThat(all().get(0).since()).isEqualTo(at(0));

    feed(task("t1", "app.add", TaskState.STARTED, clock.instant()));
    assertThat(flags("t1")).isEmpty();
    assertThat(changes)
        .containsExactly(
            new AnomalyChange(AnomalyType.STUCK_PENDING, "t1", true),
            new AnomalyChange(AnomalyType.STUCK_PENDING, "t1", false));
  }

  @Test
  void stuckPending_coversReceivedAndRetry_andClearsOnTerminal() {
    feed(
        ready("w1", at(0), "app.add"),
        task("t1", "app.add", TaskState.PENDING, at(0)),
        task("t1", "app.add", TaskState.RECEIVED, at(1)));
    after(PENDING.plusSeconds(1));
    assertThat(flags("t1")).containsExactly(AnomalyType.STUCK_PENDING);

    feed(task("t1", "app.add", TaskState.REVOKED, clock.instant()));
    assertThat(flags("t1")).isEmpty();
    assertThat(detector.watchedCount()).isZero();
    assertThat(detector.scheduledCount()).isZero();
  }

  // ---------------------------------------------------------------- STUCK_STARTED

  @Test
  void stuckStarted_raisedAfterTheThreshold_andClearsOnSuccess() {
    feed(
        ready("w1", at(0), "app.slow"),
        task("t1", "app.slow", TaskState.PENDING, at(0)),
        task("t1", "app.slow", TaskState.STARTED, at(1)));

    after(STARTED);
    assertThat(flags("t1")).isEmpty();
    after(Duration.ofSeconds(1));
    assertThat(flags("t1")).containsExactly(AnomalyType.STUCK_STARTED);
    assertThat(all().get(0).since()).isEqualTo(at(1));
    assertThat(all().get(0).worker()).isEqualTo("w1");

    feed(task("t1", "app.slow", TaskState.SUCCESS, clock.instant()));
    assertThat(flags("t1")).isEmpty();
    assertThat(all()).isEmpty();
  }

  @Test
  void stuckStarted_newAttemptStartsTheClockAgain() {
    feed(ready("w1", at(0), "app.slow"), task("t1", "app.slow", TaskState.STARTED, at(0)));
    after(STARTED.plusSeconds(1));
    assertThat(flags("t1")).containsExactly(AnomalyType.STUCK_STARTED);

    Instant retry = clock.instant();
    feed(
        task("t1", "app.slow", TaskState.RETRY, retry),
        task("t1", "app.slow", TaskState.STARTED, retry, 1));
    assertThat(flags("t1")).isEmpty();
    after(STARTED.minusSeconds(1));
    assertThat(flags("t1")).isEmpty();
    after(Duration.ofSeconds(2));
    assertThat(all()).singleElement().satisfies(a -> assertThat(a.since()).isEqualTo(retry));
  }

  // ---------------------------------------------------------------- INTERRUPTED

  @Test
  void interrupted_workerShutsDownWhileTheTaskRuns() {
    feed(
        ready("w1", at(0), "app.export"),
        task("t1", "app.export", TaskState.PENDING, at(1)),
        task("t1", "app.export", TaskState.STARTED, at(2)),
        shutdown("w1", at(3)));

    assertThat(flags("t1")).containsExactly(AnomalyType.INTERRUPTED);
    Anomaly anomaly = all().get(0);
    assertThat(anomaly.worker()).isEqualTo("w1");
    assertThat(anomaly.since()).isEqualTo(at(3));
    assertThat(anomaly.detail()).contains("w1");

    // the interruption explains the task not finishing: no STUCK_STARTED on top
    after(STARTED.plusMinutes(1));
    assertThat(flags("t1")).containsExactly(AnomalyType.INTERRUPTED);
  }

  @Test
  void interrupted_clearsWhenTheTaskRunsAgainElsewhereOrFinishes() {
    feed(
        ready("w1", at(0), "app.export"),
        task("t1", "app.export", TaskState.STARTED, at(2)),
        shutdown("w1", at(3)));
    assertThat(flags("t1")).containsExactly(AnomalyType.INTERRUPTED);

    feed(ready("w1", at(4), "app.export"), task("t1", "app.export", TaskState.STARTED, at(5)));
    assertThat(flags("t1")).isEmpty();

    feed(shutdown("w1", at(6)));
    assertThat(flags("t1")).containsExactly(AnomalyType.INTERRUPTED);
    feed(task("t1", "app.export", TaskState.FAILURE, at(7)));
    assertThat(flags("t1")).isEmpty();
    assertThat(detector.watchedCount()).isZero();
  }

  @Test
  void interrupted_notRaisedForTasksFinishedBeforeTheShutdown_orWaiting() {
    feed(
        ready("w1", at(0), "app.a", "app.b"),
        task("done", "app.a", TaskState.STARTED, at(1)),
        task("done", "app.a", TaskState.SUCCESS, at(2)),
        task("queued", "app.b", TaskState.PENDING, at(2)),
        shutdown("w1", at(3)));

    assertThat(all()).isEmpty();
  }

  @Test
  void interrupted_ambiguousWorker_isNotGuessed() {
    feed(
        ready("w1", at(0), "app.a"),
        ready("w2", at(0), "app.a"),
        task("t1", "app.a", TaskState.STARTED, at(1)),
        shutdown("w1", at(2)));

    assertThat(flags("t1")).isEmpty();
  }

  @Test
  void interrupted_shutdownSeenBeforeTheStartedEvent_stillFlags() {
    feed(
        ready("w1", at(0), "app.a"),
        shutdown("w1", at(5)),
        task("t1", "app.a", TaskState.STARTED, at(3)));

    assertThat(flags("t1")).containsExactly(AnomalyType.INTERRUPTED);
  }

  // ---------------------------------------------------------------- CHORD_NOT_JOINED

  List<StemtraceEvent> chordHeaders(
      String groupId, String callbackId, TaskState state, Instant at, String... ids) {
    List<StemtraceEvent> events = new ArrayList<>();
    for (String id : ids) {
      events.add(
          TaskEvent.builder(id, state)
              .name("app.part")
              .timestamp(at)
              .groupId(groupId)
              .chordCallbackId(callbackId)
              .build());
    }
    return events;
  }

  @Test
  void chordNotJoined_allHeadersSucceededButTheCallbackNeverStarts_raisedOnTheContainer() {
    feed(ready("w1", at(0), "app.part", "app.sum"));
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.STARTED, at(1), "h1", "h2", "h3"));
    feed(task("cb", "app.sum", TaskState.PENDING, at(1)));
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.SUCCESS, at(2), "h1", "h2", "h3"));

    after(CHORD.minusSeconds(1));
    assertThat(flags("group:g1")).isEmpty();
    after(Duration.ofSeconds(5));
    assertThat(flags("group:g1")).containsExactly(AnomalyType.CHORD_NOT_JOINED);
    Anomaly anomaly =
        detector.anomalies(Set.of(AnomalyType.CHORD_NOT_JOINED), 10, 0).items().get(0);
    assertThat(anomaly.taskId()).isEqualTo("group:g1");
    assertThat(anomaly.name()).isEqualTo("chord");
    assertThat(anomaly.since()).isEqualTo(at(2));
    assertThat(anomaly.workflowId()).isEqualTo(store.workflowOf("h1").orElseThrow());
    assertThat(anomaly.detail()).contains("3 header tasks").contains("cb");

    feed(task("cb", "app.sum", TaskState.STARTED, clock.instant()));
    assertThat(flags("group:g1")).isEmpty();
    assertThat(changes)
        .contains(new AnomalyChange(AnomalyType.CHORD_NOT_JOINED, "group:g1", false));
  }

  @Test
  void chordNotJoined_notRaisedWhileAHeaderRuns_orWhenTheCallbackStartsInTime() {
    feed(ready("w1", at(0), "app.part", "app.sum"));
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.STARTED, at(1), "h1", "h2"));
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.SUCCESS, at(2), "h1"));
    after(CHORD.plusMinutes(5));
    assertThat(flags("group:g1")).isEmpty();

    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.SUCCESS, clock.instant(), "h2"));
    feed(task("cb", "app.sum", TaskState.STARTED, clock.instant().plusSeconds(1)));
    after(CHORD.plusMinutes(5));
    assertThat(all()).filteredOn(a -> a.type() == AnomalyType.CHORD_NOT_JOINED).isEmpty();
  }

  @Test
  void chordNotJoined_aFailedHeader_isNotAChordAnomaly() {
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.SUCCESS, at(1), "h1"));
    consumer.acceptEvents(chordHeaders("g1", "cb", TaskState.FAILURE, at(2), "h2"));
    after(CHORD.plusMinutes(5));

    assertThat(flags("group:g1")).isEmpty();
    assertThat(detector.watchedCount()).isZero();
  }

  List<StemtraceEvent> recorded(CanvasCaptures.Shape shape, boolean reversed) {
    EventCodec codec = EventCodec.standard();
    List<StemtraceEvent> events = new ArrayList<>();
    for (String line : Captures.shiftedToEndAt(CanvasCaptures.lines(shape), clock.instant())) {
      events.add(
          ((DecodeResult.Decoded) codec.decode(line.getBytes(StandardCharsets.UTF_8))).event());
    }
    if (reversed) Collections.reverse(events);
    return events;
  }

  @ParameterizedTest
  @EnumSource(CanvasCaptures.Shape.class)
  void chordNotJoined_recordedCanvasesWhoseBodiesRan_inOrderAndReversed_areNotFlagged(
      CanvasCaptures.Shape shape) {
    for (boolean reversed : new boolean[] {false, true}) {
      InMemoryGraphStore fresh = InMemoryGraphStore.create();
      AnomalyDetector watching = newDetector(fresh);
      EventConsumer feeding = EventConsumer.builder(fresh).listener(watching).build();
      feeding.acceptEvents(recorded(shape, reversed));
      clock.advance(CHORD.plusMinutes(5));
      watching.checkDeadlines();
      assertThat(watching.anomalies(Set.of(AnomalyType.CHORD_NOT_JOINED), 100, 0).items())
          .as("%s %s", shape, reversed ? "reversed" : "in order")
          .isEmpty();
    }
  }

  @Test
  void chordNotJoined_chainOfGroupsWhoseSecondGroupNeverRan_isFlagged() {
    List<StemtraceEvent> firstStage =
        recorded(CanvasCaptures.Shape.CHAIN_OF_GROUPS, false).stream()
            .filter(e -> !(e instanceof TaskEvent t && t.name().endsWith(".tsum")))
            .toList();
    consumer.acceptEvents(firstStage);
    after(CHORD.plusMinutes(5));
    assertThat(all())
        .filteredOn(a -> a.type() == AnomalyType.CHORD_NOT_JOINED)
        .singleElement()
        .satisfies(
            a -> assertThat(a.detail()).contains("3 header tasks").contains("was never seen"));
  }

  // ---------------------------------------------------------------- cost, staleness, bounds

  @Test
  void healthyTasks_leaveNothingWatchedOrScheduled() {
    feed(ready("w1", at(0), "app.add"));
    List<StemtraceEvent> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String id = "t" + i;
      events.add(task(id, "app.add", TaskState.PENDING, at(1)));
      events.add(task(id, "app.add", TaskState.STARTED, at(2)));
      events.add(task(id, "app.add", TaskState.SUCCESS, at(3)));
    }
    consumer.acceptEvents(events);

    assertThat(detector.watchedCount()).isZero();
    assertThat(detector.scheduledCount()).isZero();
    after(Duration.ofHours(2));
    assertThat(all()).isEmpty();
  }

  @Test
  void latePendingAfterSuccess_raisesNothing() {
    feed(
        ready("w1", at(0), "app.add"),
        task("t1", "app.add", TaskState.SUCCESS, at(3)),
        task("t1", "app.add", TaskState.PENDING, at(1)));
    after(PENDING.plusHours(1));

    assertThat(all()).isEmpty();
    assertThat(detector.watchedCount()).isZero();
  }

  @Test
  void evictedTasks_areDroppedAtTheirDeadline() {
    store = InMemoryGraphStore.create(1);
    detector = newDetector(store);
    consumer = EventConsumer.builder(store).listener(detector).build();
    feed(
        ready("w1", at(0), "app.add"),
        task("t1", "app.add", TaskState.STARTED, at(0)),
        task("t2", "app.add", TaskState.SUCCESS, at(1)));
    assertThat(store.task("t1")).isEmpty();

    after(STARTED.plusSeconds(1));
    assertThat(all()).isEmpty();
    assertThat(detector.watchedCount()).isZero();
  }

  @Test
  void maxWatched_dropsTheOldestWatches() {
    detector = AnomalyDetector.builder(store).clock(clock).maxWatched(2).build();
    consumer = EventConsumer.builder(store).listener(detector).build();
    feed(
        ready("w1", at(0), "app.x"),
        task("a", "app.nobody", TaskState.PENDING, at(1)),
        task("b", "app.nobody", TaskState.PENDING, at(2)),
        task("c", "app.nobody", TaskState.PENDING, at(3)));

    assertThat(detector.watchedCount()).isEqualTo(2);
    assertThat(all()).extracting(Anomaly::taskId).containsExactly("c", "b");
  }

  @Test
  void anomalies_filterByType_newestFirst_paginated() {
    feed(ready("w1", at(0), "app.run"), task("u1", "app.nobody", TaskState.PENDING, at(1)));
    clock.advance(Duration.ofSeconds(1));
    feed(
        task("u2", "app.nobody", TaskState.PENDING, at(2)),
        task("r1", "app.run", TaskState.STARTED, at(2)));
    after(STARTED.plusSeconds(5));

    assertThat(all()).extracting(Anomaly::taskId).containsExactly("r1", "u2", "u1");
    var page = detector.anomalies(Set.of(AnomalyType.UNREGISTERED), 1, 1);
    assertThat(page.total()).isEqualTo(2);
    assertThat(page.items()).extracting(Anomaly::taskId).containsExactly("u1");
    assertThat(detector.count()).isEqualTo(3);
    assertThatThrownBy(() -> detector.anomalies(Set.of(), 0, 0)).hasMessage("limit < 1: 0");
  }

  @Test
  void start_runsTheTimerOnADaemonThread_andCloseStopsIt() throws Exception {
    AnomalyDetector running =
        AnomalyDetector.builder(store).checkInterval(Duration.ofMillis(10)).build().start();
    try {
      Thread timer =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("stemtrace-anomalies"))
              .findFirst()
              .orElseThrow();
      assertThat(timer.isDaemon()).isTrue();
    } finally {
      running.close();
    }
    assertThatThrownBy(running::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_rejectsBadThresholds() {
    assertThatThrownBy(() -> AnomalyDetector.builder(store).pendingThreshold(Duration.ZERO))
        .hasMessage("pendingThreshold <= 0: PT0S");
    assertThatThrownBy(() -> AnomalyDetector.builder(store).maxWatched(0))
        .hasMessage("maxWatched < 1: 0");
    assertThatThrownBy(() -> AnomalyDetector.builder(null)).hasMessage("store == null");
  }
}
