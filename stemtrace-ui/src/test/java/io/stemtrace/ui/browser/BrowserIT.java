package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.testing.CanvasCaptures;
import io.stemtrace.testing.Captures;
import io.stemtrace.ui.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium, against the real server with the public capture
 * replayed (moved to now at the root; with its recorded times and a clock a week later under a
 * prefix): tasks, timeline, workflows, the chord graph, task detail with args, the flaky task's
 * attempts, workers, registry, anomalies, stats, export, a live event appearing without a reload,
 * and the render time of a 2 000-node workflow; and the recorded nested Celery canvases, their
 * frames inside each other and each body after its frame. Screenshots of every page land in {@code
 * target/screenshots}.
 */
class BrowserIT {

  private static final int BIG_WORKFLOW = 2_000;

  @Test
  void dashboard_atTheRoot_passesEveryBrowserCheck() throws Exception {
    try (TestServer server = TestServer.start()) {
      BrowserSuite.requireBrowser(uiBuilt());
      String bigRoot = server.addBigWorkflow(BIG_WORKFLOW);

      BrowserSuite.Result result =
          BrowserSuite.run(
              server.baseUrl(),
              Path.of("target/screenshots/root"),
              "--inject-url",
              "http://127.0.0.1:" + server.port() + "/__test/inject",
              "--big-root",
              bigRoot,
              // the render figure is printed and reported; the bound here only catches a broken
              // page
              "--big-budget-ms",
              "20000",
              "--expect-workflows",
              "8");

      result.assertAllPassed(22);
      System.out.println(
          "figure: "
              + BIG_WORKFLOW
              + "-node workflow rendered in "
              + result.renderMillis()
              + " ms");
      assertThat(result.renderMillis()).as("render time measured").isPositive();
      assertThat(Path.of("target/screenshots/root/graph.png")).exists();
    }
  }

  @Test
  void dashboard_mountedUnderAPrefix_passesEveryBrowserCheck() throws Exception {
    // here the capture keeps its recorded times and the server's clock runs a week after it, as
    // when last
    // week's stream is replayed: the stats page must offer the capture's period instead of an empty
    // page
    Instant captureEnd = Captures.newest(Captures.lines(Captures.PYTHON_CANVAS));
    Clock weekLater =
        Clock.offset(
            Clock.systemUTC(),
            Duration.between(Instant.now(), captureEnd.plus(Duration.ofDays(7))));
    try (TestServer server =
        TestServer.start(
            TestServer.options().mount("/stemtrace").recordedTimes().clock(weekLater))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result =
          BrowserSuite.run(
              server.baseUrl(),
              Path.of("target/screenshots/prefix"),
              "--inject-url",
              "http://127.0.0.1:" + server.port() + "/__test/inject");

      result.assertAllPassed(21);
    }
  }

  @Test
  void formLogin_signsIn_andThePageReturnsToTheLoginPageWhenTheSessionEnds() throws Exception {
    String password = "correct horse battery";
    try (TestServer server =
        TestServer.start(
            TestServer.options()
                .mount("/stemtrace")
                .authentication(
                    io.stemtrace.ui.auth.Authentication.form(
                        "admin", password, java.time.Duration.ofSeconds(10))))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/session.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/session"),
              "--user",
              "admin",
              "--password",
              password,
              "--session-seconds",
              "10");

      result.assertAllPassed(4);
    }
  }

  @Test
  void nestedCeleryCanvases_drawnWithTheirContainersInsideEachOther_stageAfterStage()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.options().replayCapture(false))) {
      BrowserSuite.requireBrowser(uiBuilt());
      Map<CanvasCaptures.Shape, String> roots = new EnumMap<>(CanvasCaptures.Shape.class);
      long sent = 0;
      for (CanvasCaptures.Shape shape :
          List.of(
              CanvasCaptures.Shape.NESTED_CHORD,
              CanvasCaptures.Shape.CHAIN_OF_GROUPS,
              CanvasCaptures.Shape.CHORD_IN_CHAIN,
              CanvasCaptures.Shape.CHORD_OF_CHAINS)) {
        List<byte[]> payloads =
            Captures.shiftedToEndAt(CanvasCaptures.lines(shape), Instant.now()).stream()
                .map(line -> line.getBytes(StandardCharsets.UTF_8))
                .toList();
        server.inject(payloads);
        sent += payloads.size();
        server.awaitApplied(sent);
        String anyHeader =
            CanvasCaptures.taskId(
                shape, "add", shape == CanvasCaptures.Shape.CHORD_IN_CHAIN ? "[6,3]" : "[1,1]");
        roots.put(shape, server.handler().store().workflowOf(anyHeader).orElseThrow());
      }
      assertThat(roots.values()).allSatisfy(root -> assertThat(root).startsWith("group:"));

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/canvas.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/canvas"),
              "--nested-root",
              roots.get(CanvasCaptures.Shape.NESTED_CHORD),
              "--chain-of-groups-root",
              roots.get(CanvasCaptures.Shape.CHAIN_OF_GROUPS),
              "--chord-in-chain-root",
              roots.get(CanvasCaptures.Shape.CHORD_IN_CHAIN),
              "--root",
              roots.get(CanvasCaptures.Shape.CHORD_OF_CHAINS));

      result.assertAllPassed(20);
      assertThat(Path.of("target/screenshots/canvas")).isDirectoryContaining("glob:**.png");
    }
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
