package io.stemtrace.examples;

import io.stemtrace.Stemtrace;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.ui.StemtraceHandler;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain Undertow application that mounts the stemtrace dashboard under {@code /stemtrace} beside
 * its own routes, and traces its own background work with the producer library: {@code /checkout}
 * runs a chain of tasks on a traced executor, which then shows in the dashboard. Run it with {@code
 * ./stemtrace example}, then open http://127.0.0.1:8080/ (the host) and
 * http://127.0.0.1:8080/stemtrace/ (the dashboard).
 *
 * <p>Configuration: {@code STEMTRACE_TRANSPORT_URL} (default {@code memory://example}, so the
 * example runs without a broker) and {@code PORT} (default 8080).
 */
public final class EmbeddedHostExample implements AutoCloseable {

  private final Undertow server;
  private final StemtraceHandler stemtrace;
  private final Stemtrace tracing;
  private final ExecutorService threads;

  private EmbeddedHostExample(
      Undertow server, StemtraceHandler stemtrace, Stemtrace tracing, ExecutorService threads) {
    this.server = server;
    this.stemtrace = stemtrace;
    this.tracing = tracing;
    this.threads = threads;
  }

  /** Starts the host on {@code port} (0 picks a free one). */
  public static EmbeddedHostExample start(String transportUrl, int port) {
    StemtraceHandler stemtrace =
        StemtraceHandler.builder().transportUrl(transportUrl).maxNodes(50_000).build();

    // the application's own background work, traced onto the same transport
    Stemtrace tracing =
        Stemtrace.builder()
            .transportUrl(transportUrl)
            .hostname("example-host@localhost")
            .registeredTasks("orders.checkout", "payments.charge", "email.send")
            .build();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    TracingExecutorService executor = tracing.wrap(threads);

    PathHandler routes =
        Handlers.path(hostHome())
            .addExactPath("/hello", text("hello from the host application\n"))
            .addExactPath("/checkout", checkout(executor))
            .addPrefixPath("/stemtrace", stemtrace);

    Undertow server =
        Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(routes).build();
    server.start();
    return new EmbeddedHostExample(server, stemtrace, tracing, threads);
  }

  /** Starts a traced chain: orders.checkout, then payments.charge, then email.send. */
  private static HttpHandler checkout(TracingExecutorService executor) {
    return exchange -> {
      long orderId = ThreadLocalRandom.current().nextLong(1_000, 9_999);
      executor
          .chain("orders.checkout", () -> Map.of("order_id", orderId))
          .then("payments.charge", order -> Map.of("charge_id", "ch_" + order.get("order_id")))
          .then("email.send", charge -> "receipt sent for " + charge.get("charge_id"))
          .start();
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
      exchange
          .getResponseSender()
          .send("checkout of order " + orderId + " started; see /stemtrace/\n");
    };
  }

  /** The port the host listens on. */
  public int port() {
    return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  private static HttpHandler hostHome() {
    return exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
      exchange
          .getResponseSender()
          .send(
              "<!doctype html><title>host</title><h1>My application</h1>"
                  + "<p><a href=\"/hello\">/hello</a> and <a href=\"/checkout\">/checkout</a> are the host's own routes; "
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
    threads.shutdown();
    tracing.close();
    stemtrace.close();
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: ./stemtrace example",
          "",
          "Runs a plain Undertow host with its own routes and the stemtrace dashboard under /stemtrace,",
          "tracing its own background work: open http://127.0.0.1:8080/ and /stemtrace/.",
          "",
          "environment:",
          "  STEMTRACE_TRANSPORT_URL  default memory://example (no broker needed)",
          "  PORT                     default 8080",
          "");

  public static void main(String[] args) {
    if (args.length > 0) {
      boolean help = args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help");
      // an option the example does not know must not start it as if it had been understood
      (help ? System.out : System.err)
          .print((help ? "" : "unknown option '" + args[0] + "'\n") + USAGE);
      if (!help) System.exit(2);
      return;
    }
    // Undertow's jboss-logging would pick java.util.logging's format; SLF4J renders every record
    // in the one format of simplelogger.properties
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
    String transportUrl =
        System.getenv().getOrDefault("STEMTRACE_TRANSPORT_URL", "memory://example");
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    EmbeddedHostExample host = start(transportUrl, port);
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, "example-shutdown"));
    System.out.println(
        "host: http://127.0.0.1:"
            + host.port()
            + "/  dashboard: http://127.0.0.1:"
            + host.port()
            + "/stemtrace/  (Ctrl-C to stop)");
  }
}
