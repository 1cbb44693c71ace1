package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicAuthTest {

  // a server per test: wrong credentials sent by one test must not throttle the next
  io.stemtrace.testing.MutableClock clock =
      new io.stemtrace.testing.MutableClock(java.time.Instant.parse("2026-11-26T04:00:00Z"));
  AuthServer server;

  @BeforeEach
  void start() {
    server = new AuthServer(Authentication.basic("admin", "s3cret pass:word", clock), "/dash");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void failures_areForgottenAfterAQuietSpell() {
    String wrong = basic("admin", "guess");
    for (int i = 1; i <= FailedLoginThrottle.FREE_FAILURES; i++) {
      assertThat(server.get("/api/tasks", "Authorization", wrong).statusCode()).isEqualTo(401);
    }
    clock.advance(FailedLoginThrottle.FORGET_AFTER.plusSeconds(1));
    // counted afresh: one failure, no delay (the sixth in a row would have been delayed)
    assertThat(server.get("/api/tasks", "Authorization", wrong).statusCode()).isEqualTo(401);
    assertThat(server.get("/api/tasks", "Authorization", GOOD).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongCredentials_fromOneAddress_areThrottled_untilTheDelayHasPassed() {
    String wrong = basic("admin", "guess");
    for (int i = 1; i <= FailedLoginThrottle.FREE_FAILURES + 1; i++) {
      assertThat(server.get("/api/tasks", "Authorization", wrong).statusCode())
          .as("attempt " + i)
          .isEqualTo(401);
    }
    HttpResponse<String> refused = server.get("/api/tasks", "Authorization", GOOD);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    assertThat(refused.body()).contains("too many failed sign-ins");
    // no credentials is no guess: the browser still gets its challenge
    assertThat(server.get("/api/tasks").headers().firstValue("WWW-Authenticate"))
        .contains(BasicAuthHandler.CHALLENGE);

    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(server.get("/api/tasks", "Authorization", wrong).statusCode()).isEqualTo(401);
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(server.get("/api/tasks", "Authorization", GOOD).statusCode())
        .as("the delay doubled")
        .isEqualTo(429);
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(server.get("/api/tasks", "Authorization", GOOD).statusCode()).isEqualTo(200);
    // a success starts afresh
    assertThat(server.get("/api/tasks", "Authorization", wrong).statusCode()).isEqualTo(401);
    assertThat(server.get("/api/tasks", "Authorization", GOOD).statusCode()).isEqualTo(200);
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static final String GOOD = basic("admin", "s3cret pass:word");

  @ParameterizedTest
  @ValueSource(
      strings = {"/", "/graphs/abc", "/assets/index-1.js", "/api/tasks", "/api/health", "/login"})
  void get_withoutCredentials_isRefusedWithChallenge(String path) {
    HttpResponse<String> response = server.get(path);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains(BasicAuthHandler.CHALLENGE);
    assertThat(response.body())
        .isEqualTo("{\"detail\":\"authentication required\"}")
        .doesNotContain("ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/graphs/abc", "/assets/index-1.js", "/api/tasks"})
  void get_withCredentials_isServed(String path) {
    HttpResponse<String> response = server.get(path, "Authorization", GOOD);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok GET " + path);
  }

  @Test
  void post_toApi_needsCredentials() {
    HttpRequest post =
        server.request("/api/import").POST(HttpRequest.BodyPublishers.ofString("[]")).build();
    assertThat(server.send(post).statusCode()).isEqualTo(401);
    HttpRequest authorized =
        server
            .request("/api/import")
            .header("Authorization", GOOD)
            .POST(HttpRequest.BodyPublishers.ofString("[]"))
            .build();
    assertThat(server.send(authorized).body()).isEqualTo("ok POST /api/import");
  }

  @Test
  void delete_andPut_needCredentials() {
    assertThat(server.send(server.request("/api/tasks/x").DELETE().build()).statusCode())
        .isEqualTo(401);
    assertThat(
            server
                .send(
                    server.request("/api/tasks/x").PUT(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode())
        .isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "admin:wrong",
        "admin:",
        "Admin:s3cret pass:word",
        "admin:s3cret pass:word ",
        ":s3cret pass:word",
        "admin",
        ""
      })
  void get_withWrongCredentials_isRefused(String userColonPassword) {
    String header =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    assertThat(server.get("/api/tasks", "Authorization", header).statusCode()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Bearer abc", "Basic", "Basic !!!notbase64", "Basic YWRtaW46", "Digest x=y"})
  void get_withMalformedHeader_isRefused(String header) {
    assertThat(server.get("/api/tasks", "Authorization", header).statusCode()).isEqualTo(401);
  }

  @Test
  void schemeName_isCaseInsensitive() {
    assertThat(
            server.get("/api/tasks", "Authorization", GOOD.replace("Basic", "bAsIc")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void websocketUpgrade_withoutCredentials_isRefused() {
    assertThat(server.websocket()).isEqualTo("refused 401");
    assertThat(server.websocket("Authorization", basic("admin", "nope"))).isEqualTo("refused 401");
  }

  @Test
  void websocketUpgrade_withCredentials_connects() {
    assertThat(server.websocket("Authorization", GOOD)).isEqualTo("hello");
  }

  @Test
  void basic_rejectsBadConfiguration() {
    assertThatThrownBy(() -> Authentication.basic(null, "x")).hasMessage("user == null");
    assertThatThrownBy(() -> Authentication.basic("a:b", "x")).hasMessageContaining("':'");
    assertThatThrownBy(() -> Authentication.basic("admin", "")).hasMessage("password is empty");
    assertThatThrownBy(() -> Authentication.basic(" ", "x")).hasMessage("user is blank");
  }

  @Test
  void toString_hidesThePassword() {
    assertThat(Authentication.basic("admin", "hunter2").toString())
        .contains("admin")
        .doesNotContain("hunter2");
  }
}
