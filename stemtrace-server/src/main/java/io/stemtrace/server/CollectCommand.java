package io.stemtrace.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.StemtraceCollector;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./stemtrace collect}: a broker consumed into a shared store with no dashboard. It stands
 * by while another collector writes to the store, and answers {@code GET /health} on {@code
 * --health-port} meanwhile and after.
 */
final class CollectCommand implements AutoCloseable {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CollectCommand.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final StemtraceCollector collector;
  private final Undertow health;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean writing;

  /** the writer lock is held: replaying the store, then consuming */
  private volatile boolean lockHeld;

  private CollectCommand(StemtraceCollector collector, Undertow health) {
    this.collector = collector;
    this.health = health;
  }

  /** Starts, standing by first when another collector writes; answers the exit code. */
  static int run(CliOptions options, PrintStream out, PrintStream err) {
    CollectCommand command;
    try {
      command = create(options);
    } catch (StemtraceServer.StartException e) {
      err.println("stemtrace: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(command::close, "stemtrace-shutdown"));
    // the collector's threads are daemons: this one keeps the process alive until Ctrl-C
    Thread keeper = new Thread(command::awaitStop, "stemtrace-collect");
    keeper.start();
    if (command.health != null) {
      out.println(
          "stemtrace collect: health on http://"
              + options.host()
              + ":"
              + command.healthPort()
              + "/health");
      out.flush();
    }
    try {
      // blocks while another collector writes to the store; then this one is the writer, and
      // replays the store before it consumes
      command.collector.store().awaitExclusiveWrites();
      command.lockHeld = true;
      command.collector.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      command.close();
      return 1;
    } catch (RuntimeException e) {
      err.println("stemtrace: cannot start: " + StemtraceServer.oneLine(e));
      command.close();
      return e instanceof IllegalStateException || e instanceof UncheckedIOException ? 2 : 1;
    }
    command.writing = true;
    out.println(
        "stemtrace collect ready: consuming "
            + command.collector.transportDescription().orElse("?")
            + " into "
            + command.collector.store()
            + " (Ctrl-C to stop)");
    out.flush();
    return 0;
  }

  static CollectCommand create(CliOptions options) {
    StemtraceCollector collector;
    try {
      StemtraceCollector.Builder builder =
          StemtraceCollector.builder()
              .transportUrl(options.transportUrl())
              .prefix(options.prefix())
              .storeUrl(options.storeUrl())
              .maxNodes(options.maxNodes())
              .maxBytes(options.maxBytes());
      options
          .anomalies()
          .applyTo(
              builder::stuckPendingAfter,
              builder::stuckStartedAfter,
              builder::chordJoinWithin,
              builder::workerOfflineAfter,
              builder::anomalyRetention);
      collector = builder.build();
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      throw new StemtraceServer.StartException(StemtraceServer.oneLine(e), e);
    }
    Undertow health = null;
    CollectCommand command;
    if (options.port() != CliOptions.NO_PORT) {
      CollectCommand[] self = new CollectCommand[1];
      health =
          Undertow.builder()
              .addHttpListener(options.port(), options.host())
              .setHandler(
                  exchange -> {
                    if (!exchange.getRequestPath().equals("/health")) {
                      exchange.setStatusCode(StatusCodes.NOT_FOUND);
                      exchange.getResponseSender().send("{\"detail\":\"not found: GET /health\"}");
                      return;
                    }
                    String body = self[0].healthJson();
                    exchange.setStatusCode(
                        body.contains("\"status\":\"degraded\"")
                            ? StatusCodes.SERVICE_UNAVAILABLE
                            : StatusCodes.OK);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(body);
                  })
              .build();
      try {
        health.start();
      } catch (RuntimeException e) {
        collector.close();
        throw new StemtraceServer.StartException(
            "cannot serve health on "
                + options.host()
                + ":"
                + options.port()
                + ": "
                + StemtraceServer.oneLine(e),
            e);
      }
      command = new CollectCommand(collector, health);
      self[0] = command;
    } else {
      command = new CollectCommand(collector, null);
    }
    return command;
  }

  int healthPort() {
    return ((InetSocketAddress) health.getListenerInfo().get(0).getAddress()).getPort();
  }

  /**
   * standby while another collector writes; starting while it replays the store after taking over;
   * degraded while the broker is away.
   */
  String healthJson() {
    ConsumerMetrics metrics = collector.metrics();
    String status =
        !lockHeld ? "standby" : !writing ? "starting" : metrics.connected() ? "ok" : "degraded";
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("status", status);
      g.writeStringField("transport", collector.transportDescription().orElse(null));
      g.writeStringField("store", String.valueOf(collector.store()));
      g.writeBooleanField("consumer_connected", writing && metrics.connected());
      g.writeStringField("last_error", metrics.lastError().orElse(null));
      g.writeNumberField("events_applied", metrics.eventsApplied());
      g.writeNumberField("events_rejected", metrics.eventsRejected());
      g.writeNumberField("node_count", collector.store().taskCount());
      g.writeNumberField("workflow_count", collector.store().workflowCount());
      if (metrics.lag().isPresent()) g.writeNumberField("lag", metrics.lag().getAsLong());
      else g.writeNullField("lag");
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  StemtraceCollector collector() {
    return collector;
  }

  boolean writing() {
    return writing;
  }

  @Override
  public void close() {
    if (stopped.getCount() == 0) return;
    LOG.info("stopping the collector");
    collector.close();
    if (health != null) health.stop();
    stopped.countDown();
  }
}
