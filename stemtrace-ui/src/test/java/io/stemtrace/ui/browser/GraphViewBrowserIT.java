package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.ui.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Workflow durations and the graph page's readability in a real headless Chromium, against the real
 * server with the public capture replayed and a few workflows added by e2e/graphview.mjs: one
 * duration on the list, graph and task pages for a chord and a retried task, elapsed time ticking
 * while a workflow runs, an interrupted task's wording, queue time in the info box and the
 * timeline, full names, arrowheads and edge kinds, the side panel, the timeline tab, Enter on a
 * node, a single-node workflow, a chord callback's context and a group of four laid out evenly.
 * Screenshots at 1400 and 800 px, light and dark, land in {@code target/screenshots/graphview}.
 */
class GraphViewBrowserIT {

  private static final int CHECKS = 15;

  @Test
  void graphPage_durationsAndReadability_passEveryBrowserCheck() throws Exception {
    try (TestServer server = TestServer.start()) {
      BrowserSuite.requireBrowser(
          Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html")));
      Path screenshots = Path.of("target/screenshots/graphview");

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/graphview.mjs",
              server.baseUrl(),
              screenshots,
              "--inject-url",
              "http://127.0.0.1:" + server.port() + "/__test/inject");

      result.assertAllPassed(CHECKS);
      for (String shot :
          new String[] {
            "graph-1400-light", "graph-1400-dark", "graph-800-light", "graph-800-dark"
          }) {
        assertThat(screenshots.resolve(shot + ".png")).exists();
      }
    }
  }
}
