package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.core.testing.Captures;
import io.stemtrace.ui.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium, against the real server with the public capture replayed (moved
 * to now at the root; with its recorded times and a clock a week later under a prefix):
 * tasks, timeline, workflows, the chord graph, task detail with args, the flaky task's attempts, workers,
 * registry, anomalies, stats, export, a live event appearing without a reload, and the render time of a
 * 2 000-node workflow. Screenshots of every page land in {@code target/screenshots}.
 */
class BrowserIT {

  private static final int BIG_WORKFLOW = 2_000;

  @Test
  void dashboard_atTheRoot_passesEveryBrowserCheck() throws Exception {
    try (TestServer server = TestServer.start()) {
      BrowserSuite.requireBrowser(uiBuilt());
      String bigRoot = server.addBigWorkflow(BIG_WORKFLOW);

      BrowserSuite.Result result = BrowserSuite.run(server.baseUrl(), Path.of("target/screenshots/root"),
          "--inject-url", "http://127.0.0.1:" + server.port() + "/__test/inject",
          "--big-root", bigRoot,
          // the render figure is printed and reported; the bound here only catches a broken page
          "--big-budget-ms", "20000",
          "--expect-workflows", "8");

      result.assertAllPassed(22);
      System.out.println("figure: " + BIG_WORKFLOW + "-node workflow rendered in " + result.renderMillis() + " ms");
      assertThat(result.renderMillis()).as("render time measured").isPositive();
      assertThat(Path.of("target/screenshots/root/graph.png")).exists();
    }
  }

  @Test
  void dashboard_mountedUnderAPrefix_passesEveryBrowserCheck() throws Exception {
    // here the capture keeps its recorded times and the server's clock runs a week after it, as when last
    // week's stream is replayed: the stats page must offer the capture's period instead of an empty page
    Instant captureEnd = Captures.newest(Captures.lines(Captures.PYTHON_CANVAS));
    Clock weekLater = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), captureEnd.plus(Duration.ofDays(7))));
    try (TestServer server = TestServer.start(TestServer.options().mount("/stemtrace").recordedTimes().clock(weekLater))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result = BrowserSuite.run(server.baseUrl(), Path.of("target/screenshots/prefix"),
          "--inject-url", "http://127.0.0.1:" + server.port() + "/__test/inject");

      result.assertAllPassed(21);
    }
  }

  @Test
  void formLogin_signsIn_andThePageReturnsToTheLoginPageWhenTheSessionEnds() throws Exception {
    String password = "correct horse battery";
    try (TestServer server = TestServer.start(TestServer.options().mount("/stemtrace")
        .authentication(io.stemtrace.ui.auth.Authentication.form("admin", password, java.time.Duration.ofSeconds(10))))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result = BrowserSuite.runScript("e2e/session.mjs", server.baseUrl(),
          Path.of("target/screenshots/session"), "--user", "admin", "--password", password, "--session-seconds", "10");

      result.assertAllPassed(4);
    }
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
