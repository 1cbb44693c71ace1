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
 * Anomaly triage in a real headless Chromium ({@code e2e/anomalies.mjs}): three stuck tasks of one
 * name and one of another become two open groups once the server's clock (a {@link MutableClock}
 * the script moves) passes the threshold; the badge counts open groups; acknowledging and muting
 * move them between tabs; the acknowledged one resolves live when its task finishes and leaves the
 * list once the retention has passed.
 */
class AnomaliesBrowserIT {

  private static final String HOST = "jvm-e2e@host-anomalies";
  private static final String OTHER_TASK = "e2e-other-1";
  private static final Duration STUCK_AFTER = Duration.ofSeconds(60);
  private static final Duration RETENTION = Duration.ofMinutes(10);
  private static final EventCodec CODEC = EventCodec.standard();

  @Test
  void anomaliesPage_groupsTriagesAndResolves() throws Exception {
    Instant t0 = Instant.parse("2026-12-04T05:00:00Z");
    MutableClock clock = new MutableClock(t0.plusSeconds(5));
    try (TestServer server =
        TestServer.start(
            TestServer.options()
                .replayCapture(false)
                .clock(clock)
                .stuckAfter(STUCK_AFTER)
                .anomalyRetention(RETENTION))) {
      BrowserSuite.requireBrowser(uiBuilt());
      List<StemtraceEvent> events = new ArrayList<>();
      events.add(
          new WorkerEvent(
              WorkerEvent.Type.READY,
              HOST,
              100,
              t0,
              List.of("e2e.slow", "e2e.other"),
              Map.of(),
              null));
      for (int i = 1; i <= 3; i++) {
        events.add(started("e2e-slow-" + i, "e2e.slow", t0.plusMillis(i)));
      }
      events.add(started(OTHER_TASK, "e2e.other", t0.plusMillis(10)));
      List<byte[]> payloads = events.stream().map(CODEC::encode).toList();
      server.inject(payloads);
      server.awaitApplied(payloads.size());

      String origin = "http://127.0.0.1:" + server.port();
      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/anomalies.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/anomalies"),
              "--inject-url",
              origin + "/__test/inject",
              "--clock-url",
              origin + "/__test/clock",
              "--other-task",
              OTHER_TASK,
              "--stuck-after-seconds",
              String.valueOf(STUCK_AFTER.toSeconds()),
              "--retention-minutes",
              String.valueOf(RETENTION.toMinutes()));

      result.assertAllPassed(11);
    }
  }

  private static TaskEvent started(String id, String name, Instant at) {
    return TaskEvent.builder(id, TaskState.STARTED).name(name).timestamp(at).hostname(HOST).build();
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
