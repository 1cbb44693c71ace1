package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class CustomAuthTest {

  static final HttpString TOKEN = new HttpString("X-Host-Token");

  @Test
  void custom_predicateDecidesEveryRoute() {
    Authentication auth =
        Authentication.custom(
            exchange -> "let-me-in".equals(exchange.getRequestHeaders().getFirst(TOKEN)));
    try (AuthServer server = new AuthServer(auth, "/dash")) {
      for (String path : new String[] {"/", "/assets/a.js", "/api/tasks"}) {
        assertThat(server.get(path).statusCode()).isEqualTo(401);
        assertThat(server.get(path, "X-Host-Token", "let-me-in").body())
            .isEqualTo("ok GET " + path);
      }
      HttpRequest post =
          server.request("/api/import").POST(HttpRequest.BodyPublishers.ofString("x")).build();
      assertThat(server.send(post).statusCode()).isEqualTo(401);
      assertThat(server.websocket()).isEqualTo("refused 401");
      assertThat(server.websocket("X-Host-Token", "let-me-in")).isEqualTo("hello");
    }
  }

  @Test
  void custom_predicateThatThrows_refusesWithoutStackTrace() {
    Authentication auth =
        Authentication.custom(
            exchange -> {
              throw new IllegalStateException("session store down");
            });
    try (AuthServer server = new AuthServer(auth, "/dash")) {
      var response = server.get("/api/tasks");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).doesNotContain("session store down").doesNotContain("Exception");
    }
  }

  @Test
  void wrapping_hostHandlerDecides() {
    Authentication auth =
        Authentication.wrapping(
            next ->
                exchange -> {
                  if ("let-me-in".equals(exchange.getRequestHeaders().getFirst(TOKEN))) {
                    next.handleRequest(exchange);
                  } else {
                    exchange.setStatusCode(StatusCodes.FORBIDDEN);
                    exchange.endExchange();
                  }
                });
    assertThat(auth.isEnabled()).isTrue();
    try (AuthServer server = new AuthServer(auth, "/dash")) {
      assertThat(server.get("/api/tasks").statusCode()).isEqualTo(403);
      assertThat(server.get("/api/tasks", "X-Host-Token", "let-me-in").body())
          .isEqualTo("ok GET /api/tasks");
      assertThat(server.websocket()).isEqualTo("refused 403");
      assertThat(server.websocket("X-Host-Token", "let-me-in")).isEqualTo("hello");
    }
  }

  @Test
  void none_isOpen() {
    assertThat(Authentication.none().isEnabled()).isFalse();
    try (AuthServer server = new AuthServer(Authentication.none(), "/")) {
      assertThat(server.get("/api/tasks").body()).isEqualTo("ok GET /api/tasks");
    }
  }
}
