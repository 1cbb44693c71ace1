package io.stemtrace.ui;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.MutableClock;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Boots the handler in-process on a free port over its own memory transport, for tests (Java and
 * the browser suite). Test-only extra: {@code POST /__test/inject} in the host around the handler,
 * whose body (one encoded event per line) is sent on the transport, so a test can make live events
 * flow.
 *
 * <p>An empty inject body adds one live task named {@code e2e.live}.
 *
 * <p>With {@code --dump-fixtures} it writes the frontend's fixtures ({@link FrontendFixtures}) and
 * exits. As a main ({@code TestServer [--port N] [--mount /prefix] [--empty] [--big N]}) it replays
 * the Python capture, prints {@code stemtrace test server: URL}, the inject URL and, with {@code
 * --big N}, the root id of an added N-task workflow, and runs until killed: {@code mvn -q -pl
 * stemtrace-ui -am test-compile -Ptest-server -Dtest-server.args="--port 8123"}.
 */
public final class TestServer implements AutoCloseable {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final EventCodec CODEC = EventCodec.standard();

  private final Undertow undertow;
  private final StemtraceHandler handler;
  private final Transport transport;
  private final String baseUrl;
  private final Clock clock;

  private TestServer(Options options) {
    this.clock = options.clock != null ? options.clock : Clock.systemUTC();
    String channel = "test-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID();
    this.transport = Transports.open("memory://" + channel, "stemtrace");
    StemtraceHandler.Builder builder =
        StemtraceHandler.builder()
            .transport(transport)
            .maxNodes(options.maxNodes)
            .pushInterval(options.pushInterval)
            .maxPendingBytes(options.maxPendingBytes)
            .maxWebSocketsPerAddress(options.maxWebSocketsPerAddress)
            .maxTasksPerFrame(options.maxTasksPerFrame);
    if (options.store != null) builder.store(options.store);
    if (options.clock != null) builder.clock(options.clock);
    if (options.workerOfflineAfter != null) builder.workerOfflineAfter(options.workerOfflineAfter);
    if (options.stuckAfter != null)
      builder.stuckPendingAfter(options.stuckAfter).stuckStartedAfter(options.stuckAfter);
    if (options.anomalyRetention != null) builder.anomalyRetention(options.anomalyRetention);
    if (options.staticRoot != null) builder.staticRoot(options.staticRoot);
    if (options.nodeAlias != null) builder.nodeAlias(options.nodeAlias);
    if (options.allowedHosts != null) builder.allowedHosts(options.allowedHosts);
    if (options.authentication != null)
      builder.authentication(options.authentication).openHealth(options.openHealth);
    this.handler = builder.build();
    PathHandler host = Handlers.path();
    if (options.mount == null || options.mount.equals("/")) {
      host.addPrefixPath("/", handler);
    } else {
      host.addPrefixPath(options.mount, handler);
    }
    host.addExactPath("/__test/inject", inject());
    host.addExactPath("/__test/clock", clockControl());
    Undertow.Builder server =
        Undertow.builder().addHttpListener(options.port, "127.0.0.1").setHandler(host);
    if (options.sendBuffer > 0)
      server.setSocketOption(org.xnio.Options.SEND_BUFFER, options.sendBuffer);
    this.undertow = server.build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    String mount = options.mount == null || options.mount.equals("/") ? "" : options.mount;
    this.baseUrl = "http://127.0.0.1:" + port + mount;
    if (options.replayCapture) {
      List<byte[]> capture =
          options.recordedTimes
              ? Captures.pythonCanvas()
              : Captures.pythonCanvasEndingAt(clock.instant());
      inject(capture);
      awaitApplied(capture.size());
    }
  }

  /** Options for {@link #start(Options)}. */
  public static final class Options {
    GraphStore store;
    boolean replayCapture = true;
    Duration stuckAfter;
    Duration anomalyRetention;
    boolean recordedTimes;
    String mount;
    String staticRoot;
    io.stemtrace.core.NodeAlias nodeAlias;
    io.stemtrace.ui.auth.Authentication authentication;
    boolean openHealth;
    String[] allowedHosts;
    int port;
    int maxNodes = 100_000;
    Duration pushInterval = Duration.ofMillis(250);
    long maxPendingBytes = 1L << 20;
    int maxWebSocketsPerAddress = 16;
    int maxTasksPerFrame = 500;
    int sendBuffer;
    java.time.Clock clock;
    Duration workerOfflineAfter;

    /** How long a silent worker shows online; default the collector's. */
    /** The STUCK_PENDING and STUCK_STARTED threshold; default the handler's. */
    public Options stuckAfter(Duration threshold) {
      this.stuckAfter = threshold;
      return this;
    }

    /** How long resolved anomaly groups stay listed; default the handler's. */
    public Options anomalyRetention(Duration retention) {
      this.anomalyRetention = retention;
      return this;
    }

    public Options workerOfflineAfter(Duration threshold) {
      this.workerOfflineAfter = threshold;
      return this;
    }

    public Options store(GraphStore store) {
      this.store = store;
      return this;
    }

    /**
     * Replays the Python capture at start (default), moved in time so that its newest event is the
     * clock's now.
     */
    public Options replayCapture(boolean replay) {
      this.replayCapture = replay;
      return this;
    }

    /**
     * Replays the capture with the times it was recorded with, for tests that check those times;
     * such a test sets a {@link #clock} near the capture, or it depends on the date it runs on.
     */
    public Options recordedTimes() {
      this.recordedTimes = true;
      return this;
    }

    public Options mount(String mount) {
      this.mount = mount;
      return this;
    }

    public Options staticRoot(String staticRoot) {
      this.staticRoot = staticRoot;
      return this;
    }

    public Options authentication(io.stemtrace.ui.auth.Authentication authentication) {
      this.authentication = authentication;
      return this;
    }

    public Options openHealth(boolean openHealth) {
      this.openHealth = openHealth;
      return this;
    }

    /** Host names served without authentication besides localhost and IP addresses. */
    public Options allowedHosts(String... hosts) {
      this.allowedHosts = hosts;
      return this;
    }

    public Options port(int port) {
      this.port = port;
      return this;
    }

    public Options maxNodes(int maxNodes) {
      this.maxNodes = maxNodes;
      return this;
    }

    public Options pushInterval(Duration interval) {
      this.pushInterval = interval;
      return this;
    }

    public Options maxPendingBytes(long bytes) {
      this.maxPendingBytes = bytes;
      return this;
    }

    public Options maxWebSocketsPerAddress(int max) {
      this.maxWebSocketsPerAddress = max;
      return this;
    }

    public Options maxTasksPerFrame(int tasks) {
      this.maxTasksPerFrame = tasks;
      return this;
    }

    /** The clock of anomaly detection, statistics and export times. */
    public Options clock(java.time.Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Which argument names each task on graph nodes and in lists. */
    public Options nodeAlias(io.stemtrace.core.NodeAlias nodeAlias) {
      this.nodeAlias = nodeAlias;
      return this;
    }

    /** A small server socket send buffer, so that a client that does not read backs up quickly. */
    public Options sendBuffer(int bytes) {
      this.sendBuffer = bytes;
      return this;
    }
  }

  public static Options options() {
    return new Options();
  }

  /** The handler at the root with the Python capture replayed into the real in-memory store. */
  public static TestServer start() {
    return new TestServer(new Options());
  }

  public static TestServer start(Options options) {
    return new TestServer(options);
  }

  /** {@code http://127.0.0.1:PORT} plus the mount prefix, without trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  public StemtraceHandler handler() {
    return handler;
  }

  /** Sends encoded events on the server's transport (they reach the store through the consumer). */
  public void inject(List<byte[]> payloads) {
    try {
      transport.send(payloads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the consumer applied or rejected at least {@code count} events in total. */
  public void awaitApplied(long count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      ConsumerMetrics metrics = handler.consumerMetrics();
      if (metrics.eventsApplied() + metrics.eventsRejected() >= count) return;
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "consumer applied " + metrics.eventsApplied() + " of " + count + " events");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * A new task named {@code e2e.live} (PENDING, then STARTED) at the server's now: what an empty
   * inject adds.
   */
  List<byte[]> liveTaskEvents() {
    String id = "e2e-live-" + UUID.randomUUID();
    Instant now = clock.instant();
    return List.of(
        CODEC.encode(
            TaskEvent.builder(id, TaskState.PENDING).name("e2e.live").timestamp(now).build()),
        CODEC.encode(
            TaskEvent.builder(id, TaskState.STARTED)
                .name("e2e.live")
                .timestamp(now.plusMillis(3))
                .build()));
  }

  /**
   * Adds one workflow of {@code size} tasks (a root, ten children, the rest spread as
   * grandchildren, one child's grandchildren in a group) and returns its root id, for rendering
   * budgets of large graphs.
   */
  public String addBigWorkflow(int size) {
    if (size < 12) throw new IllegalArgumentException("size < 12: " + size);
    String root = "e2e-big-" + UUID.randomUUID();
    Instant t0 = clock.instant();
    List<byte[]> events = new ArrayList<>(size * 3);
    succeeded(events, root, "e2e.big.root", null, root, null, t0);
    int remaining = size - 11;
    for (int c = 0; c < 10; c++) {
      String child = root + "-c" + c;
      succeeded(events, child, "e2e.big.child", root, root, null, t0.plusMillis(c));
      int grandchildren = remaining / (10 - c);
      remaining -= grandchildren;
      String groupId = c == 0 ? root + "-group" : null;
      for (int g = 0; g < grandchildren; g++) {
        succeeded(
            events, child + "-g" + g, "e2e.big.leaf", child, root, groupId, t0.plusMillis(10 + g));
      }
    }
    long before =
        handler.consumerMetrics().eventsApplied() + handler.consumerMetrics().eventsRejected();
    inject(events);
    awaitApplied(before + events.size());
    return root;
  }

  private static void succeeded(
      List<byte[]> events,
      String id,
      String name,
      String parent,
      String root,
      String groupId,
      Instant at) {
    TaskEvent.Builder b =
        TaskEvent.builder(id, TaskState.PENDING)
            .name(name)
            .parentId(parent)
            .rootId(root)
            .groupId(groupId)
            .timestamp(at);
    events.add(CODEC.encode(b.build()));
    events.add(CODEC.encode(b.state(TaskState.STARTED).timestamp(at.plusMillis(1)).build()));
    events.add(
        CODEC.encode(b.state(TaskState.SUCCESS).result(1).timestamp(at.plusMillis(4)).build()));
  }

  private HttpHandler inject() {
    return exchange -> {
      if (!exchange.getRequestMethod().equals(Methods.POST)) {
        exchange.setStatusCode(405);
        exchange.endExchange();
        return;
      }
      exchange
          .getRequestReceiver()
          .receiveFullBytes(
              (ex, body) -> {
                List<byte[]> payloads = new ArrayList<>();
                for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                  if (!line.isBlank()) payloads.add(line.getBytes(StandardCharsets.UTF_8));
                }
                if (payloads.isEmpty()) payloads.addAll(liveTaskEvents());
                long before =
                    handler.consumerMetrics().eventsApplied()
                        + handler.consumerMetrics().eventsRejected();
                ex.dispatch(
                    () -> {
                      inject(payloads);
                      awaitApplied(before + payloads.size());
                      ex.setStatusCode(200);
                      ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                      ex.getResponseSender().send("{\"injected\":" + payloads.size() + "}");
                    });
              });
    };
  }

  /**
   * {@code POST /__test/clock?advance=PT91S} moves a {@link MutableClock} given as the server's
   * clock (409 for any other clock), so that a browser check can let time pass on the server; the
   * anomaly deadlines that became due are checked before it answers.
   */
  private HttpHandler clockControl() {
    return exchange -> {
      if (!exchange.getRequestMethod().equals(Methods.POST)) {
        exchange.setStatusCode(405);
        exchange.endExchange();
        return;
      }
      if (!(clock instanceof MutableClock mutable)) {
        exchange.setStatusCode(409);
        exchange.endExchange();
        return;
      }
      var advance = exchange.getQueryParameters().get("advance");
      if (advance != null && !advance.isEmpty())
        mutable.advance(Duration.parse(advance.getFirst()));
      // what became due by the new time is raised before the answer, not on the timer's next tick
      handler.anomalies().checkDeadlines();
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseSender().send("{\"now\":\"" + mutable.instant() + "\"}");
    };
  }

  @Override
  public void close() {
    undertow.stop();
    handler.close();
    transport.close();
  }

  public static void main(String[] args) throws IOException {
    Options options = new Options();
    int big = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dump-fixtures" -> {
          FrontendFixtures.write(FrontendFixtures.file());
          System.out.println("wrote " + FrontendFixtures.file());
          return;
        }
        case "--port" -> options.port(Integer.parseInt(args[++i]));
        case "--mount" -> options.mount(args[++i]);
        case "--empty" -> options.replayCapture(false);
        case "--big" -> big = Integer.parseInt(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (known: --port N, --mount /prefix, --empty, --big N, --dump-fixtures)");
      }
    }
    TestServer server = start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("stemtrace test server: " + server.baseUrl() + "/");
    System.out.println(
        "inject: POST "
            + server.baseUrl().replaceFirst("(http://[^/]+).*", "$1")
            + "/__test/inject");
    if (big > 0) System.out.println("big root: " + server.addBigWorkflow(big));
    System.out.flush();
  }
}
