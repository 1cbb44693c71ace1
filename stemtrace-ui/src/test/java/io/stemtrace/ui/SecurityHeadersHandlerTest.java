package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityHeadersHandlerTest {

  @Test
  void inlineScripts_hashesExactlyTheInlineScriptBodies() {
    String html =
        "<html><head><script>window.__STEMTRACE_BASE__=\"/dash\";</script>"
            + "<script type=\"module\" crossorigin src=\"/dash/assets/app.js\"></script>"
            + "<SCRIPT nonce=x>alert(1)</SCRIPT></head></html>";
    // expected values computed independently (Python hashlib) for the exact script text
    assertThat(SecurityHeadersHandler.inlineScripts(html).sources())
        .containsExactly(
            "'sha256-lYFdLYpvwuyAXLMBlFiaj9xMJkaxn4+0c+n3TVbjrGs='",
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
  }

  @Test
  void policy_allowsOnlyOwnScriptsAndTheGivenHashes() {
    SecurityHeadersHandler handler = new SecurityHeadersHandler(exchange -> {}, "'none'");
    String policy = handler.policy(List.of("'sha256-abc='"), "dash.example.com:8443");
    assertThat(policy)
        .contains("default-src 'self'")
        .contains("script-src 'self' 'sha256-abc=';")
        .contains("connect-src 'self' ws://dash.example.com:8443 wss://dash.example.com:8443;")
        .contains("frame-ancestors 'none'")
        .contains("object-src 'none'")
        .contains("base-uri 'self'")
        .doesNotContain("unsafe-eval")
        .doesNotContain("script-src 'self' 'unsafe-inline'");
  }

  @Test
  void policy_ignoresAHostHeaderThatCouldInjectDirectives() {
    SecurityHeadersHandler handler = new SecurityHeadersHandler(exchange -> {}, "'none'");
    assertThat(handler.policy(List.of(), "evil; script-src *"))
        .doesNotContain("evil")
        .doesNotContain("*");
    assertThat(handler.policy(List.of(), "[::1]:8000")).contains("ws://[::1]:8000");
  }

  @Test
  void frameAncestors_isValidated() {
    assertThatThrownBy(() -> new SecurityHeadersHandler(exchange -> {}, "'self'; script-src *"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecurityHeadersHandler(exchange -> {}, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyResponse_carriesTheHeaders_andHandlerSetOnesAreKept() throws Exception {
    HttpHandler inner =
        exchange -> {
          if (exchange.getRelativePath().equals("/page")) {
            exchange.putAttachment(
                SecurityHeadersHandler.INLINE_SCRIPT_HASHES,
                SecurityHeadersHandler.inlineScripts("<script>alert(1)</script>"));
          }
          if (exchange.getRelativePath().equals("/framed")) {
            exchange
                .getResponseHeaders()
                .put(SecurityHeadersHandler.REFERRER_POLICY, "no-referrer");
          }
          exchange.getResponseSender().send("x");
        };
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(new SecurityHeadersHandler(inner, "'self' https://admin.example.com"))
            .build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> page =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/page")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='")
          .contains("frame-ancestors 'self' https://admin.example.com");
      assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(page.headers().firstValue("Referrer-Policy")).contains("same-origin");
      assertThat(page.headers().firstValue("X-Frame-Options")).isEmpty();
      HttpResponse<String> other =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/framed")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(other.headers().firstValue("Referrer-Policy")).contains("no-referrer");
      assertThat(other.headers().firstValue("Content-Security-Policy").orElseThrow())
          .doesNotContain("sha256");
    } finally {
      undertow.stop();
    }
  }
}
