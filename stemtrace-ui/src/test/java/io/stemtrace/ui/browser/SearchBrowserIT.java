package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.core.NodeAlias;
import io.stemtrace.ui.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The header's search box and node aliases in a real headless Chromium ({@code e2e/search.mjs}),
 * against the real server with the public capture replayed and capp.add tasks named by their first
 * argument: a whole id jumps to the task, a prefix lists its matches, a Flower-syntax query filters
 * the list, a bad one shows the server's reason, and graph nodes show the alias.
 */
class SearchBrowserIT {

  @Test
  void searchBoxAndAliases_passEveryBrowserCheck() throws Exception {
    try (TestServer server =
        TestServer.start(TestServer.options().nodeAlias(NodeAlias.parse("capp.add=0")))) {
      BrowserSuite.requireBrowser(uiBuilt());

      BrowserSuite.Result result =
          BrowserSuite.runScript(
              "e2e/search.mjs",
              server.baseUrl(),
              Path.of("target/screenshots/search"),
              "--task-id",
              "1a9af1b1-d7f8-4279-b40d-0c4275f6f47c",
              "--prefix",
              "5",
              "--prefix-count",
              "2",
              "--alias-root",
              "2286e677-e9ff-4278-acff-9970fcbfd019");

      result.assertAllPassed(7);
      assertThat(Path.of("target/screenshots/search/search-query.png")).exists();
    }
  }

  private static boolean uiBuilt() {
    return Files.isRegularFile(Path.of("target/classes/io/stemtrace/ui/static/index.html"));
  }
}
