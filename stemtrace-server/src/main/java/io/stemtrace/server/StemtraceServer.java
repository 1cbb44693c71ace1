package io.stemtrace.server;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.core.export.WorkflowExport;
import io.stemtrace.ui.SecuritySettings;
import io.stemtrace.ui.StemtraceHandler;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standalone server behind {@code ./stemtrace server} and {@code ./stemtrace demo}: one
 * Undertow listener with the {@link StemtraceHandler} mounted at {@code /}.
 *
 * <p>Exit codes: 0 after a clean stop (Ctrl-C), 2 for a bad command line, an unknown transport
 * scheme or a port in use (one line on stderr saying which), 1 for anything else.
 */
public final class StemtraceServer implements AutoCloseable {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StemtraceServer.class);

  /**
   * How long a client has to send a request's headers once it began; then the connection is closed.
   */
  static final Duration REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** How long a connection may stay open without a request. */
  static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(60);

  private final Undertow undertow;
  private final StemtraceHandler handler;
  private final Transport demoTransport;
  private final DemoWorkload demo;
  private final int port;
  private final String url;
  private final WorkflowExport.ImportResult imported;

  private StemtraceServer(
      Undertow undertow,
      StemtraceHandler handler,
      Transport demoTransport,
      DemoWorkload demo,
      int port,
      String url,
      WorkflowExport.ImportResult imported) {
    this.imported = imported;
    this.undertow = undertow;
    this.handler = handler;
    this.demoTransport = demoTransport;
    this.demo = demo;
    this.port = port;
    this.url = url;
  }

  // Undertow and XNIO log their versions at INFO through java.util.logging; the launcher's output
  // should be
  // the ready line. Held here so the configured loggers are not garbage collected.
  private static final List<java.util.logging.Logger> QUIET_LOGGERS = new ArrayList<>();

  /**
   * Undertow and XNIO log through jboss-logging, which picks SLF4J only beside Logback and falls
   * back to java.util.logging's two-line format otherwise: told to use SLF4J, every record of the
   * server renders in the one format of simplelogger.properties. A provider set by the user stays.
   */
  static void routeLibraryLoggingToSlf4j() {
    if (System.getProperty(JBOSS_LOGGING_PROVIDER) == null) {
      System.setProperty(JBOSS_LOGGING_PROVIDER, "slf4j");
    }
  }

  static final String JBOSS_LOGGING_PROVIDER = "org.jboss.logging.provider";

  public static void main(String[] args) {
    routeLibraryLoggingToSlf4j();
    for (String name : new String[] {"org.xnio", "io.undertow", "org.jboss"}) {
      java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
      logger.setLevel(java.util.logging.Level.WARNING);
      QUIET_LOGGERS.add(logger);
    }
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) System.exit(code);
    // code 0: the server runs on its own (non-daemon) threads until Ctrl-C
  }

  /** Parses, starts and registers the shutdown hook; returns the exit code when not started. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CliOptions options;
    try {
      options = CliOptions.parse(Arrays.asList(args), env);
    } catch (CliOptions.UsageException e) {
      err.println("stemtrace: " + e.getMessage());
      return 2;
    }
    if (options.help()) {
      out.println(CliOptions.usage(options.command()));
      return 0;
    }
    if (options.command() == CliOptions.Command.COLLECT)
      return CollectCommand.run(options, out, err);
    StemtraceServer server;
    try {
      server = start(options);
    } catch (StartException e) {
      err.println("stemtrace: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("stemtrace: cannot start: " + e);
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stemtrace-shutdown"));
    if (server.imported() != null) {
      out.println(importedLine(server.imported(), options.importFile()));
    }
    out.println(
        "stemtrace "
            + (options.command() == CliOptions.Command.DEMO ? "demo" : "server")
            + " ready: "
            + server.url()
            + " (Ctrl-C to stop)");
    out.flush();
    return 0;
  }

  /** {@code stemtrace: imported 1 event from bug.json (0 rejected), workflows [..]}. */
  static String importedLine(WorkflowExport.ImportResult imported, String file) {
    return "stemtrace: imported "
        + imported.imported()
        + (imported.imported() == 1 ? " event from " : " events from ")
        + file
        + " ("
        + imported.rejected()
        + " rejected), "
        + (imported.rootIds().size() == 1 ? "workflow " : "workflows ")
        + imported.rootIds();
  }

  /** A start that failed for a reason the user can fix; the message is the one line to print. */
  static final class StartException extends RuntimeException {
    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts a server for the options (port 0 picks a free port).
   *
   * @throws StartException for an unknown transport scheme, a malformed URL or a port in use
   */
  static StemtraceServer start(CliOptions options) {
    WorkflowExport.ImportResult imported = null;
    Transport demoTransport = null;
    DemoWorkload demo = null;
    StemtraceHandler handler;
    try {
      SecurityOptions security = options.security();
      StemtraceHandler.Builder builder =
          StemtraceHandler.builder()
              .storeUrl(options.storeUrl())
              .maxNodes(options.maxNodes())
              .maxBytes(options.maxBytes())
              .authentication(security.authentication())
              .openHealth(security.openHealth())
              .healthDegradedStatus(options.healthDegradedStatus())
              .frameAncestors(security.frameAncestors())
              .allowedOrigins(security.allowedOrigins().toArray(String[]::new))
              .maxWebSocketsPerAddress(security.maxWebSocketsPerAddress())
              .nodeAlias(options.nodeAlias());
      if (security.allowedHosts().contains(SecuritySettings.ANY_HOST)) {
        builder.allowAnyHost();
      } else {
        builder.allowedHosts(security.allowedHosts().toArray(String[]::new));
      }
      if (options.command() == CliOptions.Command.DEMO) {
        demoTransport = Transports.open(options.transportUrl(), options.prefix());
        // short thresholds, so that the demo shows every anomaly type within a minute
        builder
            .transport(demoTransport)
            .stuckPendingAfter(DEMO_STUCK_AFTER)
            .stuckStartedAfter(DEMO_STUCK_AFTER)
            .chordJoinWithin(DEMO_CHORD_JOIN_WITHIN);
      } else if (options.noConsumer()) {
        builder.readOnly(true);
      } else {
        builder.transportUrl(options.transportUrl()).prefix(options.prefix());
      }
      options
          .anomalies()
          .applyTo(
              builder::stuckPendingAfter,
              builder::stuckStartedAfter,
              builder::chordJoinWithin,
              builder::workerOfflineAfter,
              builder::anomalyRetention);
      handler = builder.build();
    } catch (IllegalArgumentException e) {
      if (demoTransport != null) demoTransport.close();
      throw new StartException(e.getMessage(), e);
    } catch (IllegalStateException e) {
      // a store that cannot be opened (PostgreSQL down, a refused login, a newer schema)
      if (demoTransport != null) demoTransport.close();
      throw new StartException(oneLine(e), e);
    } catch (UncheckedIOException e) {
      // a broker that is down is retried by the transport; what reaches here needs the user (a
      // refused login), told in one line
      if (demoTransport != null) demoTransport.close();
      throw new StartException(oneLine(e), e);
    }
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(options.port(), options.host())
            .setServerOption(
                UndertowOptions.MAX_ENTITY_SIZE,
                1L << 20) // the handler sets each request's own limit
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 << 10)
            .setServerOption(UndertowOptions.MAX_PARAMETERS, 256)
            // a client that starts a request must finish its headers in time, and an idle one is
            // closed: a few
            // slow-header (slowloris) connections must not hold the server's connections and
            // threads
            .setServerOption(
                UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) REQUEST_HEADER_TIMEOUT.toMillis())
            .setServerOption(
                UndertowOptions.NO_REQUEST_TIMEOUT, (int) IDLE_CONNECTION_TIMEOUT.toMillis())
            .setHandler(handler)
            .build();
    try {
      undertow.start();
    } catch (RuntimeException e) {
      handler.close();
      if (demoTransport != null) demoTransport.close();
      Throwable bind = cause(e, BindException.class);
      if (bind != null) {
        boolean inUse =
            String.valueOf(bind.getMessage()).toLowerCase(Locale.ROOT).contains("in use");
        throw new StartException(
            "cannot listen on "
                + options.host()
                + ":"
                + options.port()
                + ": "
                + (inUse
                    ? "the port is in use (choose another with --port)"
                    : bind.getMessage() + " (check --host)"),
            e);
      }
      Throwable unknownHost = cause(e, UnknownHostException.class);
      if (unknownHost != null) {
        throw new StartException(
            "cannot listen on " + options.host() + ": unknown host (check --host)", e);
      }
      throw e;
    }
    if (options.importFile() != null) {
      try {
        byte[] document = Files.readAllBytes(Path.of(options.importFile()));
        imported = handler.collector().importDocument(document);
      } catch (IOException | IllegalArgumentException e) {
        undertow.stop();
        handler.close();
        if (demoTransport != null) demoTransport.close();
        throw new StartException(
            "cannot import "
                + options.importFile()
                + ": "
                + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()),
            e);
      }
    }
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    warnIfOpenToTheNetwork(options, port);
    String host =
        options.host().equals("0.0.0.0") || options.host().equals("::")
            ? "localhost"
            : options.host();
    String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    if (demoTransport != null) {
      demo = DemoWorkload.start(demoTransport);
    }
    return new StemtraceServer(undertow, handler, demoTransport, demo, port, url, imported);
  }

  /**
   * Every interface and no authentication: worth a WARN, and a hint when only loopback names will
   * be served.
   */
  private static void warnIfOpenToTheNetwork(CliOptions options, int port) {
    SecurityOptions security = options.security();
    String host = options.host().trim();
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    if (!wildcard || security.mode() != SecurityOptions.Mode.NONE) return;
    LOG.warn(
        "listening on {}:{} without authentication: anyone who can reach this port reads task arguments and"
            + " results (turn on --auth basic or --auth form). {}",
        host,
        port,
        security.allowedHosts().isEmpty()
            ? "Only localhost and IP addresses are accepted as Host (421 otherwise, against DNS rebinding): add"
                + " --allowed-host NAME for the name clients use"
            : "Hosts served: localhost, IP addresses and " + security.allowedHosts());
  }

  /** The demo's STUCK_PENDING and STUCK_STARTED threshold. */
  static final Duration DEMO_STUCK_AFTER = Duration.ofSeconds(20);

  /** The demo's CHORD_NOT_JOINED threshold. */
  static final Duration DEMO_CHORD_JOIN_WITHIN = Duration.ofSeconds(10);

  /** The messages of an exception and its causes, without class names, repeats or line breaks. */
  static String oneLine(Throwable e) {
    StringBuilder line = new StringBuilder();
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String message = t.getMessage();
      if (message == null || message.isBlank()) continue;
      message = message.strip().replaceAll("\\s+", " ");
      if (line.indexOf(message) >= 0) continue;
      if (line.length() > 0) line.append(": ");
      line.append(message);
    }
    return line.length() == 0 ? e.getClass().getSimpleName() : line.toString();
  }

  private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return t;
    }
    return null;
  }

  int port() {
    return port;
  }

  String url() {
    return url;
  }

  /** What {@code --import} loaded, or null. */
  WorkflowExport.ImportResult imported() {
    return imported;
  }

  StemtraceHandler handler() {
    return handler;
  }

  /** Stops the workload, the listener, the consumer, in that order. Idempotent. */
  @Override
  public synchronized void close() {
    if (demo != null) demo.close();
    undertow.stop();
    handler.close();
    if (demoTransport != null) demoTransport.close();
  }
}
