package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.ui.auth.Authentication;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding against the real handler on a real socket: without authentication only loopback
 * names, IP addresses and configured hosts are answered, on every kind of route; with
 * authentication any Host is.
 */
class HostCheckTest {

  static final String UPGRADE =
      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

  static TestServer server(TestServer.Options options) {
    return TestServer.start(options.staticRoot("io/stemtrace/ui/testui/").replayCapture(false));
  }

  /** The status line and body of one raw request; {@code host} null sends none (HTTP/1.0). */
  static String[] raw(
      TestServer server,
      String method,
      String path,
      String host,
      String extraHeaders,
      String body) {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      String request =
          method
              + " "
              + path
              + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n")
              + extraHeaders
              + "Content-Length: "
              + body.getBytes(StandardCharsets.UTF_8).length
              + "\r\nConnection: close\r\n\r\n"
              + body;
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      String response =
          new String(
              path.equals("/ws") ? in.readNBytes(12) : in.readAllBytes(), StandardCharsets.UTF_8);
      int bodyStart = response.indexOf("\r\n\r\n");
      return new String[] {
        response.substring(0, 12), bodyStart < 0 ? "" : response.substring(bodyStart + 4)
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int status(TestServer server, String method, String path, String host) {
    String extra = path.equals("/ws") ? UPGRADE : "";
    return Integer.parseInt(
        raw(server, method, path, host, extra, method.equals("POST") ? "{}" : "")[0].substring(
            9, 12));
  }

  static final List<String[]> ROUTES =
      List.of(
          new String[] {"GET", "/api/tasks"},
          new String[] {"GET", "/ws"},
          new String[] {"POST", "/api/import"},
          new String[] {"GET", "/"},
          new String[] {"GET", "/graphs"},
          new String[] {"GET", "/api/health"});

  @Test
  void withoutAuthentication_aForeignHost_gets421OnEveryRoute() {
    try (TestServer server = server(TestServer.options())) {
      for (String[] route : ROUTES) {
        for (String host :
            List.of("evil.example", "evil.example:" + server.port(), "EVIL.example.")) {
          assertThat(status(server, route[0], route[1], host))
              .as(route[1] + " Host: " + host)
              .isEqualTo(421);
        }
      }
      String[] refused = raw(server, "GET", "/api/tasks", "evil.example:8000", "", "");
      assertThat(refused[1])
          .contains("\"detail\"")
          .contains("'evil.example'")
          .contains("--allowed-host evil.example")
          .doesNotContain("task_id");
      assertThat(raw(server, "GET", "/api/tasks", "<b>x</b>", "", "")[1]).doesNotContain("<b>");
    }
  }

  @Test
  void withoutAuthentication_loopbackNamesAndAddresses_areServed() {
    try (TestServer server = server(TestServer.options())) {
      for (String host :
          List.of(
              "localhost:8000",
              "localhost",
              "127.0.0.1",
              "127.0.0.1:" + server.port(),
              "[::1]",
              "[::1]:" + server.port(),
              "dash.localhost")) {
        assertThat(status(server, "GET", "/api/tasks", host)).as(host).isEqualTo(200);
        assertThat(status(server, "GET", "/", host)).as(host).isEqualTo(200);
        assertThat(status(server, "GET", "/ws", host)).as(host).isEqualTo(101);
        assertThat(status(server, "POST", "/api/import", host))
            .as(host)
            .isEqualTo(400); // {} is not an export
      }
      assertThat(status(server, "GET", "/api/tasks", null))
          .as("HTTP/1.0 without Host")
          .isEqualTo(200);
    }
  }

  @Test
  void configuredHosts_areServed_othersStillRefused() {
    try (TestServer server =
        server(TestServer.options().allowedHosts("dash.internal", "*.corp.example"))) {
      for (String[] route : ROUTES) {
        int expected = route[1].equals("/ws") ? 101 : route[0].equals("POST") ? 400 : 200;
        assertThat(status(server, route[0], route[1], "Dash.Internal:8000"))
            .as(route[1])
            .isEqualTo(expected);
        assertThat(status(server, route[0], route[1], "a.corp.example"))
            .as(route[1])
            .isEqualTo(expected);
        assertThat(status(server, route[0], route[1], "evil.example")).as(route[1]).isEqualTo(421);
      }
    }
  }

  @Test
  void withAuthentication_anyHostReachesTheCredentialCheck() {
    try (TestServer server =
        server(TestServer.options().authentication(Authentication.basic("admin", "pw")))) {
      assertThat(status(server, "GET", "/api/tasks", "evil.example")).isEqualTo(401);
      String basic =
          "Authorization: Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8))
              + "\r\n";
      assertThat(raw(server, "GET", "/api/tasks", "dash.example.com", basic, "")[0])
          .isEqualTo("HTTP/1.1 200");
    }
  }

  @Test
  void allowAnyHost_servesEveryHostWithoutAuthentication() throws IOException {
    try (StemtraceHandler handler = StemtraceHandler.builder().allowAnyHost().build()) {
      io.undertow.Undertow undertow =
          io.undertow.Undertow.builder()
              .addHttpListener(0, "127.0.0.1")
              .setHandler(handler)
              .build();
      undertow.start();
      try {
        int port =
            ((java.net.InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket
              .getOutputStream()
              .write(
                  "GET /api/health HTTP/1.1\r\nHost: proxied.example\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.ISO_8859_1));
          assertThat(
                  new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
              .isEqualTo("HTTP/1.1 200");
        }
      } finally {
        undertow.stop();
      }
    }
  }
}
