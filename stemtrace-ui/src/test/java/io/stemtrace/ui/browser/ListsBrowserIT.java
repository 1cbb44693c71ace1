package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.ui.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The live lists in a real headless Chromium ({@code frontend/e2e/lists.mjs}) against the real
 * server: infinite scroll through eight pages of tasks while tasks keep arriving shows no row twice
 * and skips none; an idle tab with those pages loaded stays within one request a second while
 * events keep arriving (the figure is printed); the first page updates in place; the workflow
 * list's failed view, name, state and date filters live in the URL.
 */
class ListsBrowserIT {

  private static final Pattern IDLE_RATE =
      Pattern.compile("(?m)^idle-requests-per-second: ([0-9.]+)$");

  @Test
  void liveLists_scrollWithoutDuplicates_idleTabStaysUnderOneRequestPerSecond_workflowFilters()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.options().replayCapture(false))) {
      BrowserSuite.requireBrowser(
          Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html")));

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/lists.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/lists"),
              "--inject-url",
              "http://127.0.0.1:" + server.port() + "/__test/inject",
              "--idle-seconds",
              "10");

      result.assertAllPassed(9);
      Matcher rate = IDLE_RATE.matcher(result.output());
      assertThat(rate.find())
          .as("idle request rate printed; output:%n%s", result.output())
          .isTrue();
      System.out.println(
          "figure: idle tab, 8 pages loaded, live events: " + rate.group(1) + " requests/s");
      assertThat(Double.parseDouble(rate.group(1))).isLessThanOrEqualTo(1.0);
    }
  }
}
