package io.stemtrace.examples;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.Captures;
import io.stemtrace.ui.browser.BrowserSuite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard works in a real browser when a host application mounts it under {@code /stemtrace}.
 */
class EmbeddedHostBrowserIT {

  @Test
  void dashboardUnderSlashStemtrace_inTheExampleHost_passesTheBrowserChecks() throws Exception {
    String url = "memory://example-browser-it";
    try (EmbeddedHostExample host = EmbeddedHostExample.start(url, 0);
        Transport transport = Transports.open(url, "stemtrace")) {
      BrowserSuite.requireBrowser(dashboardBuilt(host.port()));
      // moved to now: the host runs on the real clock, and the checks read stats windows and
      // anomalies
      transport.send(Captures.pythonCanvasEndingAt(Instant.now()));
      awaitTasks(host.port(), 18);

      // the live-update check needs the test server's inject hook; the stemtrace-ui browser test
      // covers it
      BrowserSuite.Result result =
          BrowserSuite.run(
              "http://127.0.0.1:" + host.port() + "/stemtrace",
              Path.of("target/screenshots/example-host"));

      result.assertAllPassed(14);
    }
  }

  private static boolean dashboardBuilt(int port) throws Exception {
    return get(port, "/stemtrace/").contains("__STEMTRACE_BASE__");
  }

  private static void awaitTasks(int port, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String health = "";
    while (System.nanoTime() < deadline) {
      health = get(port, "/stemtrace/api/health");
      if (health.contains("\"node_count\":" + count + ",")) return;
      Thread.sleep(20);
    }
    throw new AssertionError("the capture did not arrive in the example host: " + health);
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
