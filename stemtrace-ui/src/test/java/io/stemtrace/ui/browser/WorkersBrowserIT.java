package io.stemtrace.ui.browser;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.MutableClock;
import io.stemtrace.ui.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Worker liveness in a real headless Chromium ({@code e2e/workers.mjs}): a JVM worker that ran
 * tasks and restarted once shows its counts and runs; when its heartbeats stop and the server's
 * clock (a {@link MutableClock} the script moves) passes the threshold, its card turns offline
 * without a reload, and a heartbeat brings it back; its host name shows in the task list and on the
 * task page.
 */
class WorkersBrowserIT {

  private static final String HOST = "jvm-e2e@host-a";
  private static final Duration OFFLINE_AFTER = Duration.ofSeconds(90);
  private static final EventCodec CODEC = EventCodec.standard();

  @Test
  void workersPage_showsLivenessCountsRestarts_andTasksShowTheirWorker() throws Exception {
    Instant t0 = Instant.parse("2026-12-04T04:00:00Z");
    MutableClock clock = new MutableClock(t0.plusSeconds(10));
    try (TestServer server =
        TestServer.start(
            TestServer.options()
                .replayCapture(false)
                .clock(clock)
                .workerOfflineAfter(OFFLINE_AFTER))) {
      BrowserSuite.requireBrowser(uiBuilt());
      List<StemtraceEvent> events = new ArrayList<>();
      events.add(ready(100, t0));
      succeeded(events, "e2e-w-a", t0.plusMillis(10));
      events.add(shutdown(100, t0.plusSeconds(1)));
      events.add(ready(200, t0.plusSeconds(2)));
      succeeded(events, "e2e-w-b", t0.plusSeconds(3));
      events.add(task("e2e-w-c", TaskState.STARTED, t0.plusSeconds(4)));
      events.add(task("e2e-w-c", TaskState.FAILURE, t0.plusSeconds(5)));
      events.add(task("e2e-w-d", TaskState.STARTED, t0.plusSeconds(6)));
      List<byte[]> payloads = events.stream().map(CODEC::encode).toList();
      server.inject(payloads);
      server.awaitApplied(payloads.size());

      String origin = "http://127.0.0.1:" + server.port();
      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/workers.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/workers"),
              "--inject-url",
              origin + "/__test/inject",
              "--clock-url",
              origin + "/__test/clock",
              "--host",
              HOST,
              "--task-id",
              "e2e-w-b",
              "--offline-after-seconds",
              String.valueOf(OFFLINE_AFTER.toSeconds()));

      result.assertAllPassed(7);
    }
  }

  private static void succeeded(List<StemtraceEvent> events, String id, Instant at) {
    events.add(task(id, TaskState.PENDING, at));
    events.add(task(id, TaskState.STARTED, at.plusMillis(1)));
    events.add(task(id, TaskState.SUCCESS, at.plusMillis(5)));
  }

  private static TaskEvent task(String id, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name("e2e.add").timestamp(at).hostname(HOST).build();
  }

  private static WorkerEvent ready(long pid, Instant at) {
    return new WorkerEvent(
        WorkerEvent.Type.READY, HOST, pid, at, List.of("e2e.add"), Map.of(), null);
  }

  private static WorkerEvent shutdown(long pid, Instant at) {
    return new WorkerEvent(WorkerEvent.Type.SHUTDOWN, HOST, pid, at, List.of(), Map.of(), at);
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
