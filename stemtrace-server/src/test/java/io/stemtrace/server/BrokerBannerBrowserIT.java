package io.stemtrace.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stemtrace.ui.browser.BrowserSuite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium ({@code frontend/e2e/broker.mjs}) over a redis-server of the
 * test's own, which the script kills and starts again through a control endpoint: the broker banner
 * and the header indicator while it is down and once it is back, and how 4xx, 404 and a From after
 * the To show. Screenshots land in {@code target/screenshots/broker}.
 */
class BrokerBannerBrowserIT {

  @Test
  void brokerDownAndBack_andRequestErrors_passEveryBrowserCheck(@TempDir Path dir)
      throws Exception {
    BrowserSuite.requireBrowser(uiBuilt());
    try (PrivateRedis redis = PrivateRedis.start(dir);
        StemtraceServer server =
            StemtraceServer.start(
                CliOptions.parse(
                    List.of(
                        "server",
                        "--transport-url",
                        redis.url() + "?timeout=PT1S",
                        "--prefix",
                        "banner-it",
                        "--port",
                        "0"),
                    Map.of()))) {
      HttpServer control =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      control.createContext("/down", exchange -> answer(exchange, redis::kill));
      control.createContext("/up", exchange -> answer(exchange, redis::start));
      control.start();
      try {
        BrowserSuite.Result result =
            BrowserSuite.runScript(
                "e2e/broker.mjs",
                server.url().replaceAll("/$", ""),
                Path.of("target/screenshots/broker"),
                "--control",
                "http://127.0.0.1:" + control.getAddress().getPort(),
                "--broker",
                "127.0.0.1:" + redis.port());
        System.out.println(result.output());
        result.assertAllPassed(10);
      } finally {
        control.stop(0);
      }
    }
  }

  /** What the control endpoint runs: 204 when done, 500 with the reason when not. */
  private interface Action {
    void run() throws Exception;
  }

  private static void answer(HttpExchange exchange, Action action) throws IOException {
    int status = 204;
    try {
      action.run();
    } catch (Exception e) {
      status = 500;
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private static boolean uiBuilt() {
    return BrokerBannerBrowserIT.class
            .getClassLoader()
            .getResource("io/stemtrace/ui/static/index.html")
        != null;
  }
}
