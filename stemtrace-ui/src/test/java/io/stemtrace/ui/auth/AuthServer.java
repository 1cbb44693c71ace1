package io.stemtrace.ui.auth;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Undertow on a free port serving a stand-in dashboard (page, asset, API of any method,
 * WebSocket) behind an {@link Authentication}, mounted at a prefix like a host would.
 */
final class AuthServer implements AutoCloseable {

  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Undertow undertow;
  final String base;
  final String mount;

  AuthServer(Authentication authentication, String mount) {
    this.mount = mount;
    HttpHandler websocket =
        Handlers.websocket(
            (exchange, channel) -> {
              WebSockets.sendText("hello", channel, null);
              channel.resumeReceives();
            });
    HttpHandler dashboard =
        exchange -> {
          String relative = exchange.getRelativePath();
          if (relative.equals("/ws")) {
            websocket.handleRequest(exchange);
            return;
          }
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          exchange.getResponseSender().send("ok " + exchange.getRequestMethod() + " " + relative);
        };
    HttpHandler protectedDashboard = authentication.protect(dashboard);
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                mount.equals("/")
                    ? protectedDashboard
                    : Handlers.path().addPrefixPath(mount, protectedDashboard))
            .build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    base = "http://127.0.0.1:" + port + (mount.equals("/") ? "" : mount);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder builder = request(path).GET();
    if (headers.length > 0) builder.headers(headers);
    return send(builder.build());
  }

  /**
   * Opens a WebSocket to {@code /ws} with the given headers; returns the first message, or the HTTP
   * status of a refused handshake as {@code "refused <status>"}.
   */
  String websocket(String... headers) {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) builder.header(headers[i], headers[i + 1]);
    try {
      WebSocket socket =
          builder
              .buildAsync(
                  URI.create(base.replace("http://", "ws://") + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletableFuture<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      first.complete(data.toString());
                      return null;
                    }
                  })
              .join();
      String message = first.get(10, TimeUnit.SECONDS);
      socket.abort();
      return message;
    } catch (CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException handshake) {
        return "refused " + handshake.getResponse().statusCode();
      }
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    undertow.stop();
  }
}
