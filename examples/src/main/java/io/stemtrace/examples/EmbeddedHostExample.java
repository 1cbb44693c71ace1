package io.stemtrace.examples;

import io.stemtrace.ui.StemtraceHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/**
 * A plain Undertow application that mounts the stemtrace dashboard under {@code /stemtrace} beside its own
 * routes. Run it with {@code ./stemtrace example}, then open http://127.0.0.1:8080/ (the host) and
 * http://127.0.0.1:8080/stemtrace/ (the dashboard).
 *
 * <p>Configuration: {@code STEMTRACE_TRANSPORT_URL} (default {@code memory://example}, so the example runs
 * without a broker) and {@code PORT} (default 8080).
 */
public final class EmbeddedHostExample implements AutoCloseable {

  private final Undertow server;
  private final StemtraceHandler stemtrace;

  private EmbeddedHostExample(Undertow server, StemtraceHandler stemtrace) {
    this.server = server;
    this.stemtrace = stemtrace;
  }

  /** Starts the host on {@code port} (0 picks a free one). */
  public static EmbeddedHostExample start(String transportUrl, int port) {
    StemtraceHandler stemtrace = StemtraceHandler.builder()
        .transportUrl(transportUrl)
        .maxNodes(50_000)
        .build();

    PathHandler routes = Handlers.path(hostHome())
        .addExactPath("/hello", text("hello from the host application\n"))
        .addPrefixPath("/stemtrace", stemtrace);

    Undertow server = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(routes).build();
    server.start();
    return new EmbeddedHostExample(server, stemtrace);
  }

  /** The port the host listens on. */
  public int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  private static HttpHandler hostHome() {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
      exchange.getResponseSender().send("<!doctype html><title>host</title><h1>My application</h1>"
          + "<p><a href=\"/hello\">/hello</a> is the host's own route; "
          + "<a href=\"/stemtrace/\">/stemtrace/</a> is the task dashboard.</p>");
    };
  }

  private static HttpHandler text(String body) {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
      exchange.getResponseSender().send(body);
    };
  }

  @Override
  public void close() {
    server.stop();
    stemtrace.close();
  }

  public static void main(String[] args) {
    String transportUrl = System.getenv().getOrDefault("STEMTRACE_TRANSPORT_URL", "memory://example");
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    EmbeddedHostExample host = start(transportUrl, port);
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, "example-shutdown"));
    System.out.println("host: http://127.0.0.1:" + host.port() + "/  dashboard: http://127.0.0.1:" + host.port()
        + "/stemtrace/  (Ctrl-C to stop)");
  }
}
