package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

  static Undertow undertow;
  static String base;
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    HttpHandler inner =
        exchange -> {
          if (exchange.getRelativePath().equals("/boom"))
            throw new IllegalStateException("secret internals at Foo.java:42");
          if (exchange.isInIoThread()) {
            exchange.dispatch(exchange.getDispatchExecutor(), () -> read(exchange));
            return;
          }
          read(exchange);
        };
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                Handlers.path()
                    .addPrefixPath(
                        "/dash",
                        new RequestGuard(
                            inner, Set.of("https://proxy.example.com"), AllowedHosts.ANY)))
            .build();
    undertow.start();
    base =
        "http://127.0.0.1:"
            + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort()
            + "/dash";
  }

  static void read(io.undertow.server.HttpServerExchange exchange) {
    try {
      exchange.startBlocking();
      long bytes;
      try (InputStream in = exchange.getInputStream()) {
        bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      exchange.getResponseSender().send("read " + bytes);
    } catch (java.io.IOException e) {
      exchange.setStatusCode(413);
      exchange.endExchange();
    }
  }

  @AfterAll
  static void stop() {
    undertow.stop();
  }

  static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  @Test
  void longUri_is414_andTooManyOrLongParameters_are400() throws Exception {
    assertThat(
            send(request("/api/tasks?name=" + "a".repeat(RequestGuard.MAX_URI_LENGTH)).build())
                .statusCode())
        .isEqualTo(414);
    StringBuilder many = new StringBuilder("/api/tasks?");
    for (int i = 0; i <= RequestGuard.MAX_QUERY_PARAMETERS; i++)
      many.append("p").append(i).append("=1&");
    assertThat(send(request(many.toString()).build()).statusCode()).isEqualTo(400);
    assertThat(
            send(request("/api/tasks?name=" + "a".repeat(RequestGuard.MAX_PARAMETER_LENGTH + 1))
                    .build())
                .statusCode())
        .isEqualTo(400);
    assertThat(send(request("/api/tasks?name=ok&limit=10").build()).body()).isEqualTo("read 0");
  }

  @Test
  void bodies_areLimited_importMoreGenerously() throws Exception {
    // a declared length over the limit is refused before the body is read: send the headers only
    assertThat(declareBody("/dash/api/other", RequestGuard.MAX_BODY_BYTES + 1))
        .startsWith("HTTP/1.1 413")
        .contains("the body exceeds 64 KiB");
    assertThat(declareBody("/dash/api/import", RequestGuard.MAX_IMPORT_BYTES + 1))
        .startsWith("HTTP/1.1 413")
        .contains("the body exceeds 16 MiB");
    byte[] small = new byte[(int) RequestGuard.MAX_BODY_BYTES + 1];
    HttpResponse<String> imported =
        send(request("/api/import").POST(HttpRequest.BodyPublishers.ofByteArray(small)).build());
    assertThat(imported.body()).isEqualTo("read " + small.length);
  }

  /** A POST that declares {@code length} bytes but sends none; returns the raw response. */
  static String declareBody(String path, long length) throws Exception {
    return rawPost(path, "Content-Length: " + length);
  }

  /** A POST with the given body header and no body bytes; returns the raw response. */
  static String rawPost(String path, String bodyHeader) throws Exception {
    int port = Integer.parseInt(base.replaceAll(".*:(\\d+)/.*", "$1"));
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + bodyHeader
                      + "\r\nContent-Type: application/json\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      byte[] buffer = new byte[4096];
      int read = socket.getInputStream().read(buffer);
      return new String(buffer, 0, Math.max(read, 0), java.nio.charset.StandardCharsets.ISO_8859_1)
          + readRest(socket.getInputStream());
    }
  }

  private static String readRest(InputStream in) {
    try {
      return new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void chunkedBody_isRefusedWithLengthRequired() throws Exception {
    // the refusal comes from the headers alone; sending only them keeps the answer deterministic (a
    // client
    // still streaming a large body may see the connection closed before it reads the 411)
    String response = rawPost("/dash/api/other", "Transfer-Encoding: chunked");
    assertThat(response)
        .startsWith("HTTP/1.1 411")
        .contains("request bodies need a Content-Length");
  }

  @Test
  void crossOriginWrites_andWebSocketUpgrades_areRefused() throws Exception {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{}");
    assertThat(
            send(request("/api/import").header("Origin", "https://evil.example").POST(body).build())
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send(request("/api/import").header("Sec-Fetch-Site", "cross-site").POST(body).build())
                .statusCode())
        .isEqualTo(403);
    assertThat(send(request("/ws").header("Origin", "http://evil.example").build()).statusCode())
        .isEqualTo(403);
    assertThat(send(request("/ws").header("Origin", "null").build()).statusCode()).isEqualTo(403);
    String self = base.substring(0, base.indexOf("/dash"));
    assertThat(send(request("/api/import").header("Origin", self).POST(body).build()).statusCode())
        .isEqualTo(200);
    assertThat(
            send(request("/api/import")
                    .header("Origin", "https://proxy.example.com")
                    .POST(body)
                    .build())
                .statusCode())
        .isEqualTo(200);
    assertThat(send(request("/api/import").POST(body).build()).statusCode())
        .as("no Origin: not a browser")
        .isEqualTo(200);
    // a browser whose referrer policy hides the origin still says same-origin in its fetch metadata
    assertThat(
            send(request("/api/import")
                    .header("Origin", "null")
                    .header("Sec-Fetch-Site", "same-origin")
                    .POST(body)
                    .build())
                .statusCode())
        .isEqualTo(200);
    assertThat(
            send(request("/api/tasks").header("Origin", "https://evil.example").build())
                .statusCode())
        .as("reads are protected by CORS, not refused")
        .isEqualTo(200);
  }

  @Test
  void exception_isAJson500WithoutDetails() throws Exception {
    HttpResponse<String> response = send(request("/boom").build());
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"detail\":\"internal error\"}");
  }

  @Test
  void normalizeOrigin_acceptsOnlyOrigins() {
    assertThat(RequestGuard.normalizeOrigin("HTTPS://Dash.Example.com:8443"))
        .isEqualTo("https://dash.example.com:8443");
    assertThatThrownBy(() -> RequestGuard.normalizeOrigin("https://dash.example.com/path"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestGuard.normalizeOrigin("dash.example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestGuard.normalizeOrigin("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
