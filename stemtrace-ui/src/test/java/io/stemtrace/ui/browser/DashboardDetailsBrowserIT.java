package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.ui.TestServer;
import io.stemtrace.ui.auth.Authentication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The small things a user notices, in a real headless Chromium against the real server mounted
 * under a prefix with the public capture replayed: tab titles, the favicon, absolute times with
 * their zone, counts in the singular, the lifecycle legend in the bars' colours, importing a
 * workflow file (success and the server's reason for a refusal), and with form login a sign-out
 * button that ends the session. Screenshots land in {@code target/screenshots/details*}.
 */
class DashboardDetailsBrowserIT {

  @Test
  void dashboard_underAPrefix_titlesFaviconTimesCountsLegendAndImport() throws Exception {
    try (TestServer server = TestServer.start(TestServer.options().mount("/stemtrace"))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/polish.mjs", server.baseUrl(), Path.of("target/screenshots/details"));

      result.assertAllPassed(9);
      assertThat(Path.of("target/screenshots/details/import-done.png")).exists();
    }
  }

  @Test
  void formLogin_theHeaderSignsOut_andLandsOnTheLoginPage() throws Exception {
    String password = "correct horse battery";
    try (TestServer server =
        TestServer.start(
            TestServer.options()
                .mount("/stemtrace")
                .authentication(Authentication.form("admin", password, Duration.ofHours(1))))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/polish.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/details-signout"),
              "--user",
              "admin",
              "--password",
              password);

      result.assertAllPassed(3);
    }
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
