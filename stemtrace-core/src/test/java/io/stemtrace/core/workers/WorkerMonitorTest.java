package io.stemtrace.core.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.workers.WorkerActivity.Liveness;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerMonitorTest {

  private static final Instant T0 = Instant.parse("2026-12-04T04:00:00Z");
  private static final String HOST = "jvm-1@host-a";

  private final MutableClock clock = new MutableClock(T0);
  private final WorkerMonitor monitor =
      WorkerMonitor.builder().clock(clock).offlineAfter(Duration.ofSeconds(90)).build();

  @Test
  void liveness_followsWhatWasHeard_onTheCollectorsClock() {
    apply(ready(HOST, 100, T0));
    assertThat(liveness()).isEqualTo(Liveness.ONLINE);

    clock.advance(Duration.ofSeconds(90));
    assertThat(liveness()).as("exactly at the threshold").isEqualTo(Liveness.ONLINE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(liveness()).isEqualTo(Liveness.OFFLINE);

    // a heartbeat brings it back, and so does any task event naming it
    apply(ready(HOST, 100, clock.instant()));
    assertThat(liveness()).isEqualTo(Liveness.ONLINE);
    clock.advance(Duration.ofMinutes(5));
    assertThat(liveness()).isEqualTo(Liveness.OFFLINE);
    apply(task("t1", TaskState.STARTED, 0, clock.instant()));
    assertThat(liveness()).isEqualTo(Liveness.ONLINE);
    assertThat(activity().lastHeardAt()).isEqualTo(clock.instant());

    apply(shutdown(HOST, 100, clock.instant()));
    assertThat(liveness()).isEqualTo(Liveness.SHUT_DOWN);
    clock.advance(Duration.ofMinutes(10));
    assertThat(liveness()).as("shut down stays shut down").isEqualTo(Liveness.SHUT_DOWN);
  }

  @Test
  void liveness_ignoresTheWorkersOwnClock() {
    // a worker whose clock is an hour behind is still alive when its events arrive
    apply(ready(HOST, 100, T0.minus(Duration.ofHours(1))));
    assertThat(liveness()).isEqualTo(Liveness.ONLINE);
    assertThat(activity().lastEventAt()).isEqualTo(T0.minus(Duration.ofHours(1)));
  }

  @Test
  void heartbeats_areNotRestarts_newPidOrReadyAfterShutdownAre() {
    apply(ready(HOST, 100, T0));
    apply(ready(HOST, 100, T0.plusSeconds(30)));
    apply(ready(HOST, 100, T0.plusSeconds(60)));
    assertThat(activity().startCount()).isEqualTo(1);
    assertThat(activity().restartCount()).isZero();

    // a crash: the next run announces itself with another pid, no shutdown in between
    apply(ready(HOST, 200, T0.plusSeconds(100)));
    // a clean restart that keeps the pid (pid 1 in a container)
    apply(shutdown(HOST, 200, T0.plusSeconds(200)));
    apply(ready(HOST, 200, T0.plusSeconds(210)));

    WorkerActivity activity = activity();
    assertThat(activity.startCount()).isEqualTo(3);
    assertThat(activity.restartCount()).isEqualTo(2);
    assertThat(activity.starts())
        .containsExactly(
            new WorkerActivity.Start(100, T0, null),
            new WorkerActivity.Start(200, T0.plusSeconds(100), T0.plusSeconds(200)),
            new WorkerActivity.Start(200, T0.plusSeconds(210), null));
    assertThat(activity.liveness()).isEqualTo(Liveness.ONLINE);
  }

  @Test
  void restarts_replayedOrOutOfOrder_countOnce() {
    List<StemtraceEvent> run =
        List.of(
            ready(HOST, 100, T0),
            shutdown(HOST, 100, T0.plusSeconds(10)),
            ready(HOST, 200, T0.plusSeconds(20)));
    apply(run.get(2));
    apply(run.get(0));
    apply(run.get(1));
    apply(run);
    assertThat(activity().startCount()).isEqualTo(2);
    assertThat(activity().starts())
        .extracting(WorkerActivity.Start::pid)
        .containsExactly(100L, 200L);
    assertThat(activity().starts().get(0).stoppedAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(liveness()).isEqualTo(Liveness.ONLINE);
  }

  @Test
  void counts_processedFailedActive_fromTaskEventsWithTheHostname_eachChangeOnce() {
    apply(ready(HOST, 100, T0));
    apply(task("a", TaskState.RECEIVED, 0, T0.plusMillis(1)));
    apply(task("a", TaskState.STARTED, 0, T0.plusMillis(2)));
    apply(task("b", TaskState.STARTED, 0, T0.plusMillis(3)));
    assertThat(activity().active()).isEqualTo(2);

    apply(task("a", TaskState.SUCCESS, 0, T0.plusMillis(4)));
    apply(task("a", TaskState.SUCCESS, 0, T0.plusMillis(4))); // duplicate
    apply(task("a", TaskState.STARTED, 0, T0.plusMillis(2))); // late
    apply(task("b", TaskState.FAILURE, 0, T0.plusMillis(5)));
    // c retries once, then succeeds
    apply(task("c", TaskState.STARTED, 0, T0.plusMillis(6)));
    apply(task("c", TaskState.RETRY, 0, T0.plusMillis(7)));
    apply(task("c", TaskState.STARTED, 1, T0.plusMillis(8)));
    apply(task("c", TaskState.SUCCESS, 1, T0.plusMillis(9)));
    // Python events carry no hostname and count nowhere
    apply(TaskEvent.builder("d", TaskState.FAILURE).timestamp(T0).build());

    WorkerActivity activity = activity();
    assertThat(activity.processed()).isEqualTo(3);
    assertThat(activity.succeeded()).isEqualTo(2);
    assertThat(activity.failed()).isEqualTo(1);
    assertThat(activity.retried()).isEqualTo(1);
    assertThat(activity.active()).isZero();
  }

  @Test
  void counts_aTaskMovingToAnotherWorker_isActiveOnlyThere() {
    apply(task("a", TaskState.STARTED, 0, T0, "w1"));
    apply(task("a", TaskState.RETRY, 0, T0.plusMillis(1), "w1"));
    apply(task("a", TaskState.STARTED, 1, T0.plusMillis(2), "w2"));
    assertThat(monitor.worker("w1").orElseThrow().active()).isZero();
    assertThat(monitor.worker("w1").orElseThrow().retried()).isEqualTo(1);
    assertThat(monitor.worker("w2").orElseThrow().active()).isEqualTo(1);
  }

  @Test
  void restartOrShutdown_leavesNoActiveTasks_andTheirLateEndsDoNotGoNegative() {
    apply(ready(HOST, 100, T0));
    apply(task("a", TaskState.STARTED, 0, T0.plusMillis(1)));
    apply(task("b", TaskState.STARTED, 0, T0.plusMillis(2)));
    apply(ready(HOST, 200, T0.plusSeconds(1)));
    assertThat(activity().active()).isZero();
    apply(task("c", TaskState.STARTED, 0, T0.plusSeconds(2)));
    apply(task("a", TaskState.SUCCESS, 0, T0.plusSeconds(3)));
    assertThat(activity().active()).as("only c, of the new run").isEqualTo(1);
    apply(shutdown(HOST, 200, T0.plusSeconds(4)));
    assertThat(activity().active()).isZero();
    assertThat(activity().processed()).isEqualTo(1);
  }

  @Test
  void workers_onlineFirstThenByHostname_andUnknownIsEmpty() {
    apply(ready("b@x", 1, T0));
    apply(ready("a@x", 1, T0));
    apply(ready("c@x", 1, T0));
    apply(shutdown("a@x", 1, T0.plusSeconds(1)));
    assertThat(monitor.workers())
        .extracting(WorkerActivity::hostname)
        .containsExactly("b@x", "c@x", "a@x");
    assertThat(monitor.worker("nobody")).isEmpty();
  }

  @Test
  void pythonCapture_oneStart_shutDown_noCounts() {
    for (String line : Captures.lines(Captures.PYTHON_CANVAS)) {
      apply(((DecodeResult.Decoded) EventCodec.standard().decode(line)).event());
    }
    WorkerActivity w1 = monitor.worker("w1@vm").orElseThrow();
    assertThat(w1.liveness()).isEqualTo(Liveness.SHUT_DOWN);
    assertThat(w1.startCount()).isEqualTo(1);
    assertThat(w1.starts()).singleElement().satisfies(s -> assertThat(s.pid()).isEqualTo(8334));
    assertThat(w1.starts().get(0).stoppedAt()).isNotNull();
    assertThat(w1.processed()).isZero();
    assertThat(monitor.workers()).hasSize(1);
  }

  @Test
  void bounds_startsKeptPerWorker_newestOnes_allCounted() {
    for (int i = 0; i < 50; i++) apply(ready(HOST, 1000 + i, T0.plusSeconds(i)));
    WorkerActivity activity = activity();
    assertThat(activity.startCount()).isEqualTo(50);
    assertThat(activity.starts()).hasSize(WorkerMonitor.MAX_STARTS_KEPT);
    assertThat(activity.starts().get(0).pid()).isEqualTo(1030);
    assertThat(activity.starts().get(WorkerMonitor.MAX_STARTS_KEPT - 1).pid()).isEqualTo(1049);
  }

  @Test
  void bounds_floodOfHostnames_keepsAtMostMaxWorkers_forgettingTheSilentFirst() {
    WorkerMonitor small = WorkerMonitor.builder().clock(clock).maxWorkers(10).build();
    small.onApplied(List.of(ready("keeper", 1, T0)));
    for (int i = 0; i < 1_000; i++) {
      clock.advance(Duration.ofMillis(1));
      small.onApplied(List.of(task("t" + i, TaskState.STARTED, 0, T0, "h".repeat(500) + i)));
      small.onApplied(List.of(ready("keeper", 1, T0)));
    }
    assertThat(small.workers()).hasSize(10);
    assertThat(small.worker("keeper")).isPresent();
    assertThat(small.forgottenWorkers()).isEqualTo(991);
    // ten workers with 500-character names and the tracked tasks
    assertThat(small.estimatedBytes()).isLessThan(10 * 1_500L + 1_000 * 200L);
  }

  @Test
  void bounds_floodOfLongTaskIds_staysWithinMaxBytes_andActiveNeverGoesNegative() {
    long maxBytes = 1 << 16;
    WorkerMonitor small = WorkerMonitor.builder().clock(clock).maxBytes(maxBytes).build();
    String padding = "x".repeat(EventCodec.MAX_IDENTIFIER_LENGTH - 10);
    for (int i = 0; i < 10_000; i++) {
      small.onApplied(List.of(task(padding + i, TaskState.STARTED, 0, T0, HOST)));
    }
    assertThat(small.estimatedBytes()).isLessThanOrEqualTo(maxBytes + 2_000);
    assertThat(small.trackedTasks()).isLessThan(100);
    WorkerActivity activity = small.worker(HOST).orElseThrow();
    assertThat(activity.active()).isEqualTo(small.trackedTasks());
    for (int i = 0; i < 10_000; i++) {
      small.onApplied(List.of(task(padding + i, TaskState.SUCCESS, 0, T0.plusSeconds(1), HOST)));
    }
    assertThat(small.worker(HOST).orElseThrow().active()).isZero();
    assertThat(small.worker(HOST).orElseThrow().processed()).isEqualTo(10_000);
  }

  @Test
  void builder_failsFastWithPlainMessages() {
    assertThatThrownBy(() -> WorkerMonitor.builder().offlineAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offlineAfter <= 0: PT0S");
    assertThatThrownBy(() -> WorkerMonitor.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock == null");
    assertThatThrownBy(() -> WorkerMonitor.builder().maxTrackedTasks(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTrackedTasks < 1: 0");
  }

  private void apply(StemtraceEvent event) {
    monitor.onApplied(List.of(event));
  }

  private void apply(List<StemtraceEvent> events) {
    monitor.onApplied(events);
  }

  private Liveness liveness() {
    return activity().liveness();
  }

  private WorkerActivity activity() {
    return monitor.worker(HOST).orElseThrow();
  }

  private static WorkerEvent ready(String host, long pid, Instant at) {
    return new WorkerEvent(
        WorkerEvent.Type.READY, host, pid, at, List.of("app.add"), Map.of(), null);
  }

  private static WorkerEvent shutdown(String host, long pid, Instant at) {
    return new WorkerEvent(WorkerEvent.Type.SHUTDOWN, host, pid, at, List.of(), Map.of(), at);
  }

  private static TaskEvent task(String id, TaskState state, int retries, Instant at) {
    return task(id, state, retries, at, HOST);
  }

  private static TaskEvent task(String id, TaskState state, int retries, Instant at, String host) {
    return TaskEvent.builder(id, state).timestamp(at).retries(retries).hostname(host).build();
  }
}
