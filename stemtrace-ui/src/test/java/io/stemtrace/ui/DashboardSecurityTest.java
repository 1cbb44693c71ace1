package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.ui.auth.Authentication;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The real handler (API over the capture, WebSocket feed, packaged UI fixture) mounted under /dash
 * with each kind of authentication: every route refuses without credentials and works with them.
 */
class DashboardSecurityTest {

  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<String> ROUTES =
      List.of(
          "/",
          "/graphs",
          "/tasks/abc",
          "/assets/app-3f9a1c.js",
          "/favicon.svg",
          "/api/tasks",
          "/api/graphs",
          "/api/workers",
          "/api/health");
  static final String PASSWORD = "correct horse battery";

  static TestServer server(Authentication authentication, boolean openHealth) {
    return TestServer.start(
        TestServer.options()
            .mount("/dash")
            .staticRoot("io/stemtrace/ui/testui/")
            .authentication(authentication)
            .openHealth(openHealth));
  }

  static HttpResponse<String> get(TestServer server, String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) request.headers(headers);
    return send(request.build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** "open" when the upgrade succeeded, else "refused STATUS". */
  static String websocket(TestServer server, String... headers) {
    WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
    try {
      WebSocket socket =
          builder
              .buildAsync(
                  URI.create(server.baseUrl().replace("http://", "ws://") + "/ws"),
                  new WebSocket.Listener() {})
              .join();
      socket.abort();
      return "open";
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException handshake) {
        return "refused " + handshake.getResponse().statusCode();
      }
      throw e;
    }
  }

  static void assertServed(HttpResponse<String> response, String path) {
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    if (path.startsWith("/api/")) assertThat(response.body()).as(path).startsWith("{");
    if (path.equals("/") || path.equals("/graphs") || path.startsWith("/tasks/")) {
      assertThat(response.body()).contains("stemtrace fixture");
    }
  }

  @Nested
  class Basic {
    final String good =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    final String wrong =
        "Basic "
            + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));

    @Test
    void everyRoute_refusesWithoutCredentials_andServesWithThem() {
      try (TestServer server = server(Authentication.basic("admin", PASSWORD), false)) {
        for (String path : ROUTES) {
          HttpResponse<String> refused = get(server, path);
          assertThat(refused.statusCode()).as(path).isEqualTo(401);
          assertThat(refused.body())
              .as(path)
              .doesNotContain("stemtrace fixture")
              .doesNotContain("task_id");
          assertThat(get(server, path, "Authorization", wrong).statusCode())
              .as(path)
              .isEqualTo(401);
          assertServed(get(server, path, "Authorization", good), path);
        }
        assertThat(websocket(server)).isEqualTo("refused 401");
        assertThat(websocket(server, "Authorization", wrong)).isEqualTo("refused 401");
        assertThat(websocket(server, "Authorization", good)).isEqualTo("open");
      }
    }

    @Test
    void writes_needCredentials() {
      try (TestServer server = server(Authentication.basic("admin", PASSWORD), false)) {
        HttpRequest anonymous =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/import"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThat(send(anonymous).statusCode()).isEqualTo(401);
        HttpRequest authorized =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/import"))
                .header("Authorization", good)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThat(send(authorized).statusCode()).isNotEqualTo(401);
      }
    }

    @Test
    void openHealth_leavesOnlyTheHealthEndpointOpen() {
      try (TestServer server = server(Authentication.basic("admin", PASSWORD), true)) {
        HttpResponse<String> health = get(server, "/api/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"");
        assertThat(health.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(get(server, "/api/health/").statusCode()).isEqualTo(401);
        assertThat(get(server, "/api/tasks").statusCode()).isEqualTo(401);
        assertThat(get(server, "/").statusCode()).isEqualTo(401);
        HttpRequest post =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        assertThat(send(post).statusCode()).as("only reads of health are open").isEqualTo(401);
        HttpRequest head =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        assertThat(send(head).statusCode()).as("a HEAD probe of open health").isEqualTo(200);
        HttpRequest headTasks =
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/tasks"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        assertThat(send(headTasks).statusCode()).isEqualTo(401);
      }
    }
  }

  @Nested
  class Form {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    String login(TestServer server) {
      HttpResponse<String> page = get(server, "/login?next=%2Fdash%2Fgraphs");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("form-action 'self'");
      Matcher matcher = CSRF.matcher(page.body());
      assertThat(matcher.find()).isTrue();
      String csrfCookie = cookie(page, "stemtrace_csrf");
      String form =
          "csrf="
              + URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8)
              + "&next=%2Fdash%2Fgraphs"
              + "&username=admin&password="
              + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Cookie", "stemtrace_csrf=" + csrfCookie)
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build());
      assertThat(response.statusCode()).isEqualTo(303);
      assertThat(response.headers().firstValue("Location")).contains("/dash/graphs");
      return "stemtrace_session=" + cookie(response, "stemtrace_session");
    }

    static String cookie(HttpResponse<?> response, String name) {
      for (String header : response.headers().allValues("Set-Cookie")) {
        if (header.startsWith(name + "="))
          return header.substring(name.length() + 1, header.indexOf(';'));
      }
      throw new AssertionError("no cookie " + name);
    }

    @Test
    void everyRoute_refusesWithoutSession_andServesAfterLogin() {
      try (TestServer server =
          server(
              Authentication.form(
                  "admin", PASSWORD, "replica-shared-secret-0123456789", Duration.ofHours(1)),
              false)) {
        for (String path : ROUTES) {
          HttpResponse<String> refused = get(server, path);
          assertThat(refused.body())
              .as(path)
              .doesNotContain("stemtrace fixture")
              .doesNotContain("task_id");
          if (path.startsWith("/api/")) {
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
          } else {
            assertThat(refused.statusCode()).as(path).isEqualTo(302);
            assertThat(refused.headers().firstValue("Location").orElseThrow())
                .startsWith("/dash/login?next=");
          }
        }
        assertThat(websocket(server)).isEqualTo("refused 401");
        String session = login(server);
        for (String path : ROUTES) assertServed(get(server, path, "Cookie", session), path);
        assertThat(websocket(server, "Cookie", session)).isEqualTo("open");
        assertThat(websocket(server, "Cookie", session + "x")).isEqualTo("refused 401");
      }
    }

    @Test
    void websocket_isClosedWithinSecondsOfItsSessionSigningOut_anotherSessionsStaysOpen()
        throws Exception {
      try (TestServer server =
          server(Authentication.form("admin", PASSWORD, Duration.ofHours(1)), false)) {
        String signingOut = login(server);
        String staying = login(server);
        ClosingListener closing = ClosingListener.open(server, signingOut);
        ClosingListener lasting = ClosingListener.open(server, staying);
        HttpResponse<String> page = get(server, "/logout", "Cookie", signingOut);
        Matcher matcher = CSRF.matcher(page.body());
        assertThat(matcher.find()).isTrue();
        HttpResponse<String> out =
            send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/logout"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(
                        "Cookie", signingOut + "; stemtrace_csrf=" + cookie(page, "stemtrace_csrf"))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "csrf=" + URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8)))
                    .build());
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(closing.awaitClose(Duration.ofSeconds(20)))
            .isEqualTo(java.util.Map.entry(1008, "signed out"));
        assertThat(lasting.closed.getCount()).as("the other session's socket").isEqualTo(1);
        lasting.socket.abort();
      }
    }

    @Test
    void websocket_isClosedWhenTheSessionThatOpenedItExpires() throws Exception {
      try (TestServer shortSessions =
              server(Authentication.form("admin", PASSWORD, Duration.ofSeconds(5)), false);
          TestServer longSessions =
              server(Authentication.form("admin", PASSWORD, Duration.ofHours(1)), false)) {
        ClosingListener expiring = ClosingListener.open(shortSessions, login(shortSessions));
        ClosingListener lasting = ClosingListener.open(longSessions, login(longSessions));
        assertThat(expiring.closed.getCount()).as("open after the upgrade").isEqualTo(1);
        java.util.Map.Entry<Integer, String> close = expiring.awaitClose(Duration.ofSeconds(20));
        assertThat(close).isEqualTo(java.util.Map.entry(1008, "session expired"));
        // same server code, same wait, a session still valid: still open
        assertThat(lasting.closed.getCount()).isEqualTo(1);
        lasting.socket.abort();
      }
    }
  }

  /** A WebSocket client that records how the server closed it. */
  static final class ClosingListener implements WebSocket.Listener {
    final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    volatile java.util.Map.Entry<Integer, String> close;
    WebSocket socket;

    static ClosingListener open(TestServer server, String cookie) {
      ClosingListener listener = new ClosingListener();
      listener.socket =
          CLIENT
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .header("Cookie", cookie)
              .buildAsync(
                  URI.create(server.baseUrl().replace("http://", "ws://") + "/ws"), listener)
              .join();
      return listener;
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onClose(
        WebSocket webSocket, int statusCode, String reason) {
      close = java.util.Map.entry(statusCode, reason);
      closed.countDown();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      close = java.util.Map.entry(-1, String.valueOf(error));
      closed.countDown();
    }

    java.util.Map.Entry<Integer, String> awaitClose(Duration timeout) throws InterruptedException {
      assertThat(closed.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
          .as("closed by the server")
          .isTrue();
      return close;
    }
  }

  @Nested
  class Headers {
    @Test
    void indexHtml_csp_allowsExactlyItsInlineScript() throws Exception {
      try (TestServer server = server(Authentication.none(), false)) {
        HttpResponse<String> page = get(server, "/graphs");
        Matcher inline =
            Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page.body());
        assertThat(inline.find()).isTrue();
        assertThat(inline.group(1)).isEqualTo("window.__STEMTRACE_BASE__=\"/dash\";");
        String hash =
            Base64.getEncoder()
                .encodeToString(
                    MessageDigest.getInstance("SHA-256")
                        .digest(inline.group(1).getBytes(StandardCharsets.UTF_8)));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp)
            .contains("script-src 'self' 'sha256-" + hash + "';")
            .contains("frame-ancestors 'none'")
            .doesNotContain("'unsafe-eval'");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      }
    }

    @Test
    void apiAndErrors_carryTheHeadersToo() {
      try (TestServer server = server(Authentication.none(), false)) {
        for (String path :
            List.of(
                "/api/tasks", "/api/tasks/nope", "/assets/app-3f9a1c.js", "/api/tasks?limit=x")) {
          HttpResponse<String> response = get(server, path);
          assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).isPresent();
          assertThat(response.headers().firstValue("X-Content-Type-Options"))
              .as(path)
              .contains("nosniff");
          assertThat(response.body()).as(path).doesNotContain("Exception").doesNotContain("\tat ");
        }
      }
    }

    @Test
    void crossOriginWebSocket_isRefused_evenWithoutAuthentication() {
      try (TestServer server = server(Authentication.none(), false)) {
        assertThat(websocket(server, "Origin", "https://evil.example")).isEqualTo("refused 403");
        String self = server.baseUrl().substring(0, server.baseUrl().indexOf("/dash"));
        assertThat(websocket(server, "Origin", self)).isEqualTo("open");
        assertThat(websocket(server)).isEqualTo("open");
      }
    }
  }
}
