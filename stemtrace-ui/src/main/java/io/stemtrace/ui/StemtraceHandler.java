package io.stemtrace.ui;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Transport;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.NodeAlias;
import io.stemtrace.core.StemtraceCollector;
import io.stemtrace.core.anomaly.AnomalyDetector;
import io.stemtrace.core.export.WorkflowExport;
import io.stemtrace.core.stats.TaskStatistics;
import io.stemtrace.ui.auth.Authentication;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stemtrace dashboard as one Undertow {@link HttpHandler}: the REST API under {@code /api},
 * live updates on the WebSocket {@code /ws}, and the single-page UI everywhere else. Mount it at
 * any prefix, for example {@code Handlers.path(hostRoutes).addPrefixPath("/stemtrace", handler)};
 * the standalone server mounts it at {@code /}.
 *
 * <p>Built handlers consume events at once: from the configured transport into the graph store, on
 * the transport's thread. Store queries run on the server's worker threads, never on I/O threads.
 * API errors are JSON ({@code {"detail": ...}}), never a stack trace or an HTML error page. {@link
 * #close()} stops the consumer, disconnects WebSocket clients and closes the transport if the
 * handler opened it.
 */
public final class StemtraceHandler implements HttpHandler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StemtraceHandler.class);

  private final StemtraceCollector collector;
  private final boolean ownsCollector;
  private final LiveFeed feed;
  private final RouteTable routes;
  private final StaticAssets assets;
  private final HttpHandler websocket;

  /** security headers, request limits and authentication in front of {@link #serve} */
  private final HttpHandler front;

  /** the dashboard itself, {@link #serve}, which {@link #front} hands requests to */
  private final HttpHandler inner;

  private StemtraceHandler(Builder builder) {
    this.ownsCollector = builder.collector == null;
    this.collector = ownsCollector ? builder.collectorOptions.build() : builder.collector;
    this.feed =
        new LiveFeed(
            collector.store(),
            builder.pushInterval,
            builder.maxTasksPerFrame,
            new LiveFeed.ClientLimits(
                builder.maxPendingBytes, builder.writeTimeout, builder.maxWebSocketsPerAddress),
            collector.clock());
    collector.addListener(feed);
    collector.addAnomalyListener(feed);
    NodeAlias alias = builder.nodeAlias != null ? builder.nodeAlias : collector.nodeAlias();
    this.routes = new ApiRoutes(collector, feed, alias, builder.healthDegradedStatus).table();
    this.assets = StaticAssets.load(StemtraceHandler.class.getClassLoader(), builder.staticRoot);
    this.websocket =
        new WebSocketProtocolHandshakeHandler(
            feed,
            exchange ->
                Responses.json(
                    exchange,
                    StatusCodes.BAD_REQUEST,
                    ApiJson.error("/ws expects a WebSocket upgrade")));
    this.inner = this::serve;
    HttpHandler authenticated = builder.authentication.protect(inner);
    boolean openHealth = builder.openHealth;
    HttpHandler routed =
        !openHealth
            ? authenticated
            : exchange -> {
              if (isHealthCheck(exchange)) {
                inner.handleRequest(exchange);
              } else {
                authenticated.handleRequest(exchange);
              }
            };
    // an authenticated dashboard needs no Host check: a rebinding page has no credentials for our
    // origin
    AllowedHosts hosts =
        builder.authentication.isEnabled() ? AllowedHosts.ANY : builder.allowedHosts;
    this.front =
        new SecurityHeadersHandler(
            new RequestGuard(routed, builder.allowedOrigins, hosts), builder.frameAncestors);
    if (builder.authentication.isEnabled()) {
      LOG.info(
          "dashboard authentication: {}{}",
          builder.authentication,
          openHealth ? " (health endpoint open)" : "");
    }
    if (!assets.hasUi()) {
      LOG.info("no built UI on the classpath under {}; serving the API only", builder.staticRoot);
    }
  }

  /** Starts configuring a handler. */
  public static Builder builder() {
    return new Builder();
  }

  private void start() {
    try {
      collector.start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    front.handleRequest(exchange);
  }

  private static boolean isHealthCheck(HttpServerExchange exchange) {
    String method = exchange.getRequestMethod().toString();
    return (method.equals("GET") || method.equals("HEAD"))
        && "/api/health".equals(exchange.getRelativePath());
  }

  /** The dashboard itself, behind {@link #front}. */
  private void serve(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRelativePath();
    if (path.isEmpty()) {
      if (!exchange.getResolvedPath().isEmpty() && !exchange.getResolvedPath().equals("/")) {
        // a host mounted us at /prefix and the request is /prefix: the UI's relative URLs need the
        // slash
        String query = exchange.getQueryString();
        exchange.setStatusCode(StatusCodes.FOUND);
        exchange
            .getResponseHeaders()
            .put(
                Headers.LOCATION,
                exchange.getRequestPath() + "/" + (query.isEmpty() ? "" : "?" + query));
        exchange.endExchange();
        return;
      }
      path = "/";
    }
    if (path.equals("/ws")) {
      if (!feed.hasRoomFor(exchange.getSourceAddress())) {
        Responses.json(
            exchange,
            StatusCodes.TOO_MANY_REQUESTS,
            ApiJson.error("too many WebSocket connections from this address"));
        return;
      }
      websocket.handleRequest(exchange);
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(inner); // not this: the front already ran
      return;
    }
    try {
      if (path.equals("/api") || path.startsWith("/api/")) {
        handleApi(exchange, path.substring(4));
      } else {
        assets.serve(exchange, path, basePath(exchange));
      }
    } catch (ApiException e) {
      if (e.allow() != null) exchange.getResponseHeaders().put(Headers.ALLOW, e.allow());
      Responses.json(exchange, e.status(), ApiJson.error(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      if (!exchange.isResponseStarted()) {
        Responses.json(
            exchange, StatusCodes.INTERNAL_SERVER_ERROR, ApiJson.error("internal error"));
      }
    }
  }

  /** The Undertow side of {@link RouteTable}: the request in, the response out. */
  private void handleApi(HttpServerExchange exchange, String path) throws IOException {
    String[] segments = ApiRoutes.segments(path.isEmpty() ? "/" : path);
    RouteTable.Response response =
        routes.dispatch(
            exchange.getRequestMethod().toString(),
            segments,
            new QueryParams(exchange.getQueryParameters()),
            limit -> readBody(exchange, limit));
    response
        .headers()
        .forEach(
            (name, value) ->
                exchange.getResponseHeaders().put(HttpString.tryFromString(name), value));
    Responses.json(exchange, response.status(), response.body());
  }

  private static byte[] readBody(HttpServerExchange exchange, long limit) throws IOException {
    long declared = exchange.getRequestContentLength();
    if (declared > limit) throw tooLarge(limit);
    exchange.setMaxEntitySize(limit);
    exchange.startBlocking();
    try (InputStream in = exchange.getInputStream()) {
      byte[] body = in.readNBytes((int) limit + 1);
      if (body.length > limit) throw tooLarge(limit);
      return body;
    } catch (RequestTooBigException e) {
      throw tooLarge(limit);
    }
  }

  private static ApiException tooLarge(long limit) {
    return new ApiException(
        StatusCodes.REQUEST_ENTITY_TOO_LARGE, "the body exceeds " + (limit >> 20) + " MiB");
  }

  /**
   * Applies an export document (see docs/API.md) as if its events had arrived on the transport; the
   * standalone server's {@code --import FILE} uses it.
   *
   * @throws WorkflowExport.InvalidExportException when it is not an export document
   */
  WorkflowExport.ImportResult importDocument(byte[] document) {
    return collector.importDocument(document);
  }

  /** The prefix the handler is mounted at, without trailing slash: "" at the root. */
  private static String basePath(HttpServerExchange exchange) {
    String resolved = exchange.getResolvedPath();
    return resolved == null || resolved.equals("/") ? "" : resolved;
  }

  /** The collector this handler serves: its store, anomalies, statistics and consumer. */
  public StemtraceCollector collector() {
    return collector;
  }

  /** The store this handler reads (and its collector writes). */
  public GraphStore store() {
    return collector.store();
  }

  /** What the collector's consumer did so far. */
  public ConsumerMetrics consumerMetrics() {
    return collector.metrics();
  }

  /** The live anomaly detector fed by the collector. */
  public AnomalyDetector anomalies() {
    return collector.anomalies();
  }

  /** The task statistics fed by the collector. */
  public TaskStatistics statistics() {
    return collector.statistics();
  }

  /** WebSocket clients connected now. */
  public int websocketConnections() {
    return feed.clientCount();
  }

  LiveFeed feed() {
    return feed;
  }

  /** Disconnects WebSocket clients, and closes the collector when the handler built it. */
  @Override
  public void close() {
    feed.close();
    if (ownsCollector) collector.close();
  }

  /**
   * Configures a {@link StemtraceHandler}. Not thread-safe; {@link #build()} validates everything.
   */
  public static final class Builder {
    private final StemtraceCollector.Builder collectorOptions = StemtraceCollector.builder();
    private boolean collectorOptionSet;
    private StemtraceCollector collector;
    private NodeAlias nodeAlias;
    private Duration pushInterval = Duration.ofMillis(250);
    private int maxTasksPerFrame = 500;
    private long maxPendingBytes = LiveFeed.ClientLimits.DEFAULTS.maxPendingBytes();
    private Duration writeTimeout = LiveFeed.ClientLimits.DEFAULTS.writeTimeout();
    private int maxWebSocketsPerAddress = LiveFeed.ClientLimits.DEFAULTS.maxClientsPerAddress();
    private String staticRoot = StaticAssets.DEFAULT_ROOT;
    private Authentication authentication = Authentication.none();
    private boolean openHealth;
    private int healthDegradedStatus = 200;
    private String frameAncestors = "'none'";
    private Set<String> allowedOrigins = Set.of();
    private AllowedHosts allowedHosts = AllowedHosts.of(Set.of());

    Builder() {}

    /**
     * The collector to serve, which the caller built (and closes); the handler starts it if it has
     * not started. Instead of the collector options below, with which the handler builds (and
     * closes) its own.
     */
    public Builder collector(StemtraceCollector collector) {
      this.collector = Objects.requireNonNull(collector, "collector == null");
      return this;
    }

    private StemtraceCollector.Builder options() {
      collectorOptionSet = true;
      return collectorOptions;
    }

    /**
     * Which argument names each task on graph nodes and in lists (the API's {@code display_name}),
     * as Python stemtrace's {@code node_alias_from_arguments}: {@code NodeAlias.parse("0")} for the
     * first positional argument, {@code NodeAlias.parse("orders.charge=order_id")} for one task
     * name. Default: the collector's {@link StemtraceCollector#nodeAlias()} (none unless set
     * there).
     */
    public Builder nodeAlias(NodeAlias nodeAlias) {
      this.nodeAlias = Objects.requireNonNull(nodeAlias, "nodeAlias == null");
      return this;
    }

    /**
     * For the handler's own collector: see {@link StemtraceCollector.Builder#stuckPendingAfter}.
     */
    public Builder stuckPendingAfter(Duration threshold) {
      options().stuckPendingAfter(threshold);
      return this;
    }

    /**
     * For the handler's own collector: see {@link StemtraceCollector.Builder#stuckStartedAfter}.
     */
    public Builder stuckStartedAfter(Duration threshold) {
      options().stuckStartedAfter(threshold);
      return this;
    }

    /**
     * For the handler's own collector: see {@link StemtraceCollector.Builder#workerOfflineAfter}.
     */
    public Builder workerOfflineAfter(Duration threshold) {
      options().workerOfflineAfter(threshold);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#chordJoinWithin}. */
    public Builder chordJoinWithin(Duration threshold) {
      options().chordJoinWithin(threshold);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#anomalyRetention}. */
    public Builder anomalyRetention(Duration retention) {
      options().anomalyRetention(retention);
      return this;
    }

    /**
     * The clock of the handler's own collector (tests); the live feed uses the collector's clock.
     */
    Builder clock(Clock clock) {
      options().clock(clock);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#transportUrl}. */
    public Builder transportUrl(String transportUrl) {
      options().transportUrl(transportUrl);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#transport}. */
    public Builder transport(Transport transport) {
      options().transport(transport);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#prefix}. */
    public Builder prefix(String prefix) {
      options().prefix(prefix);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#readOnly}. */
    public Builder readOnly(boolean readOnly) {
      options().readOnly(readOnly);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#storeUrl}. */
    public Builder storeUrl(String storeUrl) {
      options().storeUrl(storeUrl);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#store}. */
    public Builder store(GraphStore store) {
      options().store(store);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#maxBytes}. */
    public Builder maxBytes(long maxBytes) {
      options().maxBytes(maxBytes);
      return this;
    }

    /** For the handler's own collector: see {@link StemtraceCollector.Builder#maxNodes}. */
    public Builder maxNodes(int maxNodes) {
      options().maxNodes(maxNodes);
      return this;
    }

    /** How often WebSocket clients get a frame at most; default 250 ms. */
    Builder pushInterval(Duration pushInterval) {
      Objects.requireNonNull(pushInterval, "pushInterval == null");
      if (pushInterval.isNegative() || pushInterval.isZero()) {
        throw new IllegalArgumentException("pushInterval <= 0: " + pushInterval);
      }
      this.pushInterval = pushInterval;
      return this;
    }

    /**
     * Bytes of frames a WebSocket client may leave unwritten before it is dropped; default 1 MiB.
     */
    Builder maxPendingBytes(long maxPendingBytes) {
      if (maxPendingBytes < 1)
        throw new IllegalArgumentException("maxPendingBytes < 1: " + maxPendingBytes);
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    /**
     * How long a frame may wait to be written before its WebSocket client is dropped; default 30 s.
     */
    Builder writeTimeout(Duration writeTimeout) {
      Objects.requireNonNull(writeTimeout, "writeTimeout == null");
      if (writeTimeout.isNegative() || writeTimeout.isZero()) {
        throw new IllegalArgumentException("writeTimeout <= 0: " + writeTimeout);
      }
      this.writeTimeout = writeTimeout;
      return this;
    }

    /**
     * WebSockets served at once to one client address; default 16, further upgrades get 429. Behind
     * a reverse proxy every browser shares the proxy's address: raise it to the number of
     * dashboards open.
     */
    public Builder maxWebSocketsPerAddress(int maxWebSocketsPerAddress) {
      if (maxWebSocketsPerAddress < 1) {
        throw new IllegalArgumentException(
            "maxWebSocketsPerAddress < 1: " + maxWebSocketsPerAddress);
      }
      this.maxWebSocketsPerAddress = maxWebSocketsPerAddress;
      return this;
    }

    /** Task changes per frame before the frame says {@code truncated}; default 500. */
    Builder maxTasksPerFrame(int maxTasksPerFrame) {
      if (maxTasksPerFrame < 1)
        throw new IllegalArgumentException("maxTasksPerFrame < 1: " + maxTasksPerFrame);
      this.maxTasksPerFrame = maxTasksPerFrame;
      return this;
    }

    /**
     * Who may use the dashboard; default {@link Authentication#none()}. The check covers the UI,
     * its assets, the API of every method and the WebSocket, all but {@code /api/health} when
     * {@link #openHealth} is set.
     */
    public Builder authentication(Authentication authentication) {
      this.authentication = Objects.requireNonNull(authentication, "authentication == null");
      return this;
    }

    /**
     * Leaves {@code GET /api/health} open for load balancers when authentication is on; default
     * false.
     */
    public Builder openHealth(boolean openHealth) {
      this.openHealth = openHealth;
      return this;
    }

    /**
     * The status {@code GET /api/health} answers while the transport is not connected (its body
     * then says {@code "status": "degraded"}): 200 by default, so that a liveness probe does not
     * restart a dashboard that waits for its broker; 503 for a readiness probe or a load balancer
     * that should stop sending users to it.
     *
     * @throws IllegalArgumentException unless 200 or 500..599
     */
    public Builder healthDegradedStatus(int status) {
      if (status != 200 && (status < 500 || status > 599)) {
        throw new IllegalArgumentException(
            "healthDegradedStatus must be 200 or 500..599: " + status);
      }
      this.healthDegradedStatus = status;
      return this;
    }

    /**
     * The Content-Security-Policy {@code frame-ancestors} sources: who may embed the dashboard in a
     * frame. Default {@code 'none'}; {@code 'self'} or {@code 'self' https://admin.example.com} for
     * a host that embeds it.
     */
    public Builder frameAncestors(String frameAncestors) {
      this.frameAncestors = SecurityHeadersHandler.checkFrameAncestors(frameAncestors);
      return this;
    }

    /**
     * Origins besides the request's own host that may open the WebSocket and send writes, such as
     * {@code https://dash.example.com} behind a reverse proxy that rewrites the Host header.
     */
    public Builder allowedOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins == null");
      Set<String> normalized = new LinkedHashSet<>();
      for (String origin : origins) normalized.add(RequestGuard.normalizeOrigin(origin));
      this.allowedOrigins = Set.copyOf(normalized);
      return this;
    }

    /**
     * Host names besides {@code localhost}, {@code *.localhost} and IP addresses that a dashboard
     * without authentication answers (others get 421 Misdirected Request, against DNS rebinding),
     * such as {@code dash.internal} or {@code *.example.com}; ignored when authentication is on.
     * Each call replaces the previous names.
     *
     * @throws IllegalArgumentException for a URL, a name with a port or anything that is not a host
     *     name
     */
    public Builder allowedHosts(String... hosts) {
      Objects.requireNonNull(hosts, "allowedHosts == null");
      Set<String> normalized = new LinkedHashSet<>();
      for (String host : hosts) {
        String name =
            AllowedHosts.normalize(Objects.requireNonNull(host, "allowedHosts contains null"));
        if (name.equals(AllowedHosts.ANY_HOST))
          throw new IllegalArgumentException("'*' is not a host: use allowAnyHost()");
        normalized.add(name);
      }
      this.allowedHosts = AllowedHosts.of(normalized);
      return this;
    }

    /**
     * Answers any Host without authentication: for a host that checks requests before they reach
     * the dashboard (its own authentication around it), or a reverse proxy that rewrites Host to
     * its upstream. Without either, a page on any site can read the dashboard through DNS
     * rebinding.
     */
    public Builder allowAnyHost() {
      this.allowedHosts = AllowedHosts.ANY;
      return this;
    }

    /** The classpath directory of the built UI (tests use a fixture). */
    Builder staticRoot(String staticRoot) {
      Objects.requireNonNull(staticRoot, "staticRoot == null");
      this.staticRoot = staticRoot.endsWith("/") ? staticRoot : staticRoot + "/";
      return this;
    }

    /**
     * Creates the handler and starts consuming.
     *
     * @throws IllegalArgumentException for an unknown transport scheme (the message lists the
     *     schemes found) or a malformed URL
     * @throws IllegalStateException when both a URL and a transport (or store) are set, or a
     *     collector and options of the handler's own collector
     * @throws UncheckedIOException when the transport cannot subscribe
     */
    public StemtraceHandler build() {
      if (collector != null && collectorOptionSet) {
        throw new IllegalStateException(
            "set collector(...) or the options of the handler's own collector"
                + " (transport, store, limits, thresholds), not both");
      }
      StemtraceHandler handler = new StemtraceHandler(this);
      handler.start();
      return handler;
    }
  }
}
