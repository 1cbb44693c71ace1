package io.stemtrace.ui;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.InvalidCursorException;
import io.stemtrace.api.Page;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskSearch;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.NodeAlias;
import io.stemtrace.core.StemtraceCollector;
import io.stemtrace.core.anomaly.Anomaly;
import io.stemtrace.core.anomaly.AnomalyDetector;
import io.stemtrace.core.anomaly.AnomalyGroup;
import io.stemtrace.core.anomaly.AnomalyType;
import io.stemtrace.core.export.WorkflowExport;
import io.stemtrace.core.stats.StatsSnapshot;
import io.stemtrace.core.stats.TaskStatistics;
import io.stemtrace.core.workers.WorkerActivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST endpoints of docs/API.md: maps a path under {@code /api} and its query to a JSON
 * document. Runs on a worker thread (store queries may take milliseconds); throws {@link
 * ApiException} for 4xx.
 */
final class ApiRoutes {

  private final StemtraceCollector collector;
  private final GraphStore store;
  private final LiveFeed feed;
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  private final AnomalyDetector anomalies;
  private final TaskStatistics statistics;
  private final ApiJson.Flags flags;
  private final Clock clock;
  private final int degradedStatus;

  ApiRoutes(StemtraceCollector collector, LiveFeed feed) {
    this(collector, feed, collector.nodeAlias(), 200);
  }

  /**
   * @param alias which argument names each task in lists and graphs
   * @param degradedStatus the status {@code /api/health} answers while the transport is not
   *     connected (200, or 503 for readiness probes)
   */
  ApiRoutes(StemtraceCollector collector, LiveFeed feed, NodeAlias alias, int degradedStatus) {
    this.degradedStatus = degradedStatus;
    this.collector = collector;
    this.store = collector.store();
    this.feed = feed;
    this.anomalies = collector.anomalies();
    this.statistics = collector.statistics();
    this.flags = ApiJson.Flags.of(anomalies::anomaliesOf, alias);
    this.clock = collector.clock();
  }

  /** Largest accepted import document. */
  static final long MAX_IMPORT_BYTES = 16L << 20;

  /** Every endpoint of docs/API.md, import and export included. */
  RouteTable table() {
    return new RouteTable()
        .get("health", r -> health())
        .get("tasks", r -> ok(tasks(r.query())))
        .get("tasks/registry", r -> ok(registry(r.query())))
        .get("tasks/{id}", r -> ok(task(r.param("id"))))
        .get("tasks/{id}/children", r -> ok(children(r.param("id"))))
        // the query-parameter forms reach every id the codec accepts, "/" and "\\" included
        .get("task", r -> ok(task(r.query().requiredExact("id"))))
        .get("task/children", r -> ok(children(r.query().requiredExact("id"))))
        .get("graphs", r -> ok(graphs(r.query())))
        .get("graphs/{root}", r -> ok(graph(r.param("root"))))
        .get("graphs/{root}/export", r -> export(r.param("root")))
        .get("graph", r -> ok(graph(r.query().requiredExact("id"))))
        .get("graph/export", r -> export(r.query().requiredExact("id")))
        .get("workers", r -> ok(workers(r.query())))
        .get("workers/{hostname}", r -> ok(worker(r.param("hostname"))))
        .get("worker", r -> ok(worker(r.query().requiredExact("hostname"))))
        .get("anomalies", r -> ok(anomalies(r.query())))
        .get("anomalies/groups", r -> ok(anomalyGroups(r.query())))
        // triage writes: behind authentication whenever that is enabled, as import is
        .post(
            "anomalies/groups/{action}",
            r -> ok(triage(r.param("action"), r.body().read(RequestGuard.MAX_BODY_BYTES))))
        .get("stats", r -> ok(stats(r.query())))
        // a write endpoint: it stays behind authentication whenever that is enabled
        .post("import", r -> ok(importDocument(r.body().read(MAX_IMPORT_BYTES))));
  }

  private static RouteTable.Response ok(ChunkedOutput body) {
    return RouteTable.Response.ok(body);
  }

  private RouteTable.Response health() {
    // without a transport nothing is consumed: the consumer fields read as stopped (imports still
    // count)
    ConsumerMetrics metrics = collector.hasTransport() ? collector.metrics() : null;
    long taskCount = store.taskCount();
    long workflowCount = store.workflowCount();
    String transport = collector.transportDescription().orElse(null);
    // a dashboard that receives nothing is not healthy, though it still serves what it holds
    boolean degraded = metrics != null && !metrics.connected();
    Instant disconnectedSince = metrics == null ? null : metrics.disconnectedSince().orElse(null);
    String lastError = metrics == null ? null : metrics.lastError().orElse(null);
    ChunkedOutput body =
        ApiJson.renderChunked(
            g -> {
              g.writeStartObject();
              g.writeStringField("status", degraded ? "degraded" : "ok");
              g.writeStringField("version", Version.VALUE);
              g.writeBooleanField("consumer_running", metrics != null && metrics.running());
              g.writeBooleanField("consumer_connected", metrics != null && metrics.connected());
              ApiJson.nullableString(g, "transport", transport);
              ApiJson.timestamp(g, "disconnected_since", disconnectedSince);
              ApiJson.nullableString(g, "last_error", lastError);
              g.writeNumberField("websocket_connections", feed.clientCount());
              g.writeNumberField("websocket_dropped", feed.droppedCount());
              g.writeNumberField("websocket_refused", feed.refusedCount());
              g.writeNumberField("node_count", taskCount);
              g.writeNumberField("workflow_count", workflowCount);
              g.writeNumberField("events_applied", metrics == null ? 0 : metrics.eventsApplied());
              g.writeNumberField("events_rejected", metrics == null ? 0 : metrics.eventsRejected());
              // what was rejected, by kind (NOT_JSON, WRONG_TYPE, TOO_DEEP, ...): tells a bad
              // producer
              // from an attack
              g.writeObjectFieldStart("events_rejected_by_kind");
              if (metrics != null) {
                for (var entry : metrics.rejectedByKind().entrySet())
                  g.writeNumberField(entry.getKey().name(), entry.getValue());
              }
              g.writeEndObject();
              // events decoded fine that the store, or a listener (statistics, anomalies, live
              // feed),
              // failed on
              g.writeNumberField("apply_failures", metrics == null ? 0 : metrics.applyFailures());
              g.writeNumberField(
                  "listener_failures", metrics == null ? 0 : metrics.listenerFailures());
              // the broker's stream was found replaced (recreated empty, rewound) and read again
              // from
              // its start
              g.writeNumberField("stream_resets", metrics == null ? 0 : metrics.streamResets());
              if (metrics == null || metrics.lag().isEmpty()) {
                g.writeNullField("lag");
              } else {
                g.writeNumberField("lag", metrics.lag().getAsLong());
              }
              g.writeEndObject();
            });
    return new RouteTable.Response(degraded ? degradedStatus : 200, body, Map.of());
  }

  private ChunkedOutput tasks(QueryParams query) {
    int limit = query.limit();
    int offset = query.offset();
    Set<TaskState> states = query.states();
    String name = query.string("name");
    Instant[] range = query.dateRange();
    TaskSearch search = query.search();
    String cursor = query.string("cursor");
    String endCursor = query.string("end_cursor");
    Page<TaskNode> page =
        readCursors(
            cursor,
            endCursor,
            () ->
                store.tasks(
                    new TaskQuery(states, name, range[0], range[1], limit, offset)
                        .withCursor(cursor)
                        .withEndCursor(endCursor)
                        .withSearch(search)));
    return ApiJson.renderChunked(
        g ->
            ApiJson.taskPage(
                g,
                page.items(),
                page.total(),
                limit,
                offset,
                flags,
                cursor,
                page.nextCursor(),
                page.scan()));
  }

  private ChunkedOutput registry(QueryParams query) {
    String text = query.string("query");
    var status = query.registryStatus();
    int limit =
        query.integer("limit", QueryParams.DEFAULT_REGISTRY_LIMIT, 1, QueryParams.MAX_LIMIT);
    int offset = query.offset();
    var entries = store.registry(text, status);
    return ApiJson.renderChunked(
        g -> ApiJson.registry(g, page(entries, limit, offset), entries.size(), limit, offset));
  }

  private ChunkedOutput workers(QueryParams query) {
    int limit = query.limit();
    int offset = query.offset();
    List<WorkerRow> workers = WorkerRow.join(store.workers(), collector.workers());
    return ApiJson.renderChunked(
        g ->
            ApiJson.workers(
                g,
                page(workers, limit, offset),
                workers.size(),
                limit,
                offset,
                collector.workers().offlineAfter()));
  }

  /** The items from offset on, at most limit of them. */
  private static <T> List<T> page(List<T> all, int limit, int offset) {
    if (offset >= all.size()) return List.of();
    return all.subList(offset, (int) Math.min(all.size(), (long) offset + limit));
  }

  private ChunkedOutput task(String id) {
    TaskNode task =
        store.task(id).orElseThrow(() -> ApiException.notFound("task not found: " + id));
    List<TaskNode> children = store.children(id);
    WorkflowSummary workflow = store.workflowOf(id).flatMap(store::workflowSummary).orElse(null);
    return ApiJson.renderChunked(g -> ApiJson.taskDetail(g, task, children, flags, workflow));
  }

  private ChunkedOutput children(String id) {
    if (store.task(id).isEmpty()) throw ApiException.notFound("task not found: " + id);
    List<TaskNode> children = store.children(id);
    return ApiJson.renderChunked(g -> ApiJson.children(g, children, flags));
  }

  private ChunkedOutput graphs(QueryParams query) {
    int limit = query.limit();
    int offset = query.offset();
    Set<TaskState> states = query.states();
    String name = query.string("name");
    Instant[] range = query.dateRange();
    TaskSearch search = query.search();
    String cursor = query.string("cursor");
    String endCursor = query.string("end_cursor");
    Page<WorkflowSummary> page =
        readCursors(
            cursor,
            endCursor,
            () ->
                store.workflows(
                    new WorkflowQuery(states, name, range[0], range[1], limit, offset)
                        .withCursor(cursor)
                        .withEndCursor(endCursor)
                        .withSearch(search)));
    return ApiJson.renderChunked(
        g ->
            ApiJson.graphPage(
                g,
                page.items(),
                page.total(),
                limit,
                offset,
                cursor,
                page.nextCursor(),
                page.scan()));
  }

  /** Runs a keyset-paged query; a cursor the store cannot read is the caller's 400. */
  private static <T> Page<T> readCursors(
      String cursor, String endCursor, java.util.function.Supplier<Page<T>> query) {
    try {
      return query.get();
    } catch (InvalidCursorException e) {
      String which =
          cursor == null
              ? "'end_cursor'"
              : endCursor == null ? "'cursor'" : "'cursor' or 'end_cursor'";
      throw ApiException.badRequest(
          "query parameter "
              + which
              + " is not a cursor this server gave ("
              + e.getMessage()
              + "); start again without it");
    }
  }

  private ChunkedOutput graph(String rootId) {
    WorkflowGraph graph =
        store
            .workflow(rootId)
            .orElseThrow(() -> ApiException.notFound("workflow not found: " + rootId));
    WorkflowSummary workflow = store.workflowSummary(rootId).orElse(null);
    return ApiJson.renderChunked(g -> ApiJson.graph(g, graph, flags, workflow));
  }

  private ChunkedOutput worker(String hostname) {
    WorkerInfo info = store.worker(hostname).orElse(null);
    WorkerActivity activity = collector.workers().worker(hostname).orElse(null);
    if (info == null && activity == null)
      throw ApiException.notFound("worker not found: " + hostname);
    WorkerRow worker = WorkerRow.of(info, activity, collector.workers());
    return ApiJson.renderChunked(g -> ApiJson.worker(g, worker));
  }

  private ChunkedOutput anomalies(QueryParams query) {
    int limit = query.limit();
    int offset = query.offset();
    Set<AnomalyType> types = query.anomalyTypes();
    // name= (or unnamed=true) narrows to one group's anomalies: a group row expands to these
    String name = query.string("name");
    boolean unnamed = query.bool("unnamed");
    if (name != null && unnamed)
      throw ApiException.badRequest("give 'name' or 'unnamed=true', not both");
    Optional<String> group = unnamed ? Optional.empty() : name == null ? null : Optional.of(name);
    Page<Anomaly> page = anomalies.anomalies(types, group, limit, offset);
    return ApiJson.renderChunked(
        g -> ApiJson.anomalyPage(g, page.items(), page.total(), limit, offset));
  }

  /** {@code GET /api/anomalies/groups}: the groups people triage, with a count per status. */
  private ChunkedOutput anomalyGroups(QueryParams query) {
    int limit = query.limit();
    int offset = query.offset();
    Set<AnomalyType> types = query.anomalyTypes();
    Set<AnomalyGroup.Status> statuses = query.groupStatuses();
    Page<AnomalyGroup> page = anomalies.groups(types, statuses, limit, offset);
    Map<AnomalyGroup.Status, Integer> counts = anomalies.groupCounts(types);
    return ApiJson.renderChunked(
        g -> ApiJson.anomalyGroupPage(g, page.items(), counts, page.total(), limit, offset));
  }

  /** {@code POST /api/anomalies/groups/{acknowledge|unacknowledge|mute|unmute}}. */
  private ChunkedOutput triage(String action, byte[] body) {
    if (!List.of("acknowledge", "unacknowledge", "mute", "unmute").contains(action))
      throw ApiException.notFound(
          "no such action '"
              + QueryParams.abbreviate(action)
              + "' (expected acknowledge, unacknowledge, mute, unmute)");
    TriageRequest request = TriageRequest.parse(body);
    if (request.minutes() != null && !action.equals("mute"))
      throw ApiException.badRequest("'minutes' is for mute only");
    Optional<AnomalyGroup> group =
        switch (action) {
          case "acknowledge" -> anomalies.acknowledge(request.type(), request.name());
          case "unacknowledge" -> anomalies.unacknowledge(request.type(), request.name());
          case "mute" -> anomalies.mute(request.type(), request.name(), request.minutes());
          default -> anomalies.unmute(request.type(), request.name());
        };
    AnomalyGroup found =
        group.orElseThrow(
            () ->
                ApiException.notFound(
                    "no anomaly group "
                        + request.type()
                        + " / "
                        + (request.name() == null ? "(unnamed)" : request.name())
                        + " (resolved groups leave after the retention)"));
    LOG.info(
        "anomaly group {} / {}: {} -> {}",
        found.type(),
        found.name() == null ? "(unnamed)" : QueryParams.abbreviate(found.name()),
        action,
        found.status());
    return ApiJson.renderChunked(g -> ApiJson.anomalyGroup(g, found));
  }

  /**
   * {@code GET /api/stats}: the last {@code window_minutes} (default 60), or the period {@code
   * from}..{@code to} in the events' own time (a missing {@code from} is {@code to} minus one hour,
   * a missing {@code to} is the end of the current minute).
   */
  private ChunkedOutput stats(QueryParams query) {
    Instant from = query.instant("from", false);
    Instant to = query.instant("to", true);
    StatsSnapshot snapshot;
    if (from == null && to == null) {
      snapshot =
          statistics.snapshot(
              query.integer("window_minutes", 60, 1, TaskStatistics.MAX_WINDOW_MINUTES));
    } else {
      if (query.string("window_minutes") != null) {
        throw ApiException.badRequest("give either 'window_minutes' or 'from'/'to', not both");
      }
      if (to == null)
        to = Instant.ofEpochMilli(Math.floorDiv(clock.millis(), 60_000L) * 60_000L + 60_000L);
      if (from == null) from = to.minus(java.time.Duration.ofHours(1));
      try {
        snapshot = statistics.snapshot(from, to);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("query parameters 'from' and 'to': " + e.getMessage());
      }
    }
    return ApiJson.renderChunked(g -> ApiJson.stats(g, snapshot));
  }

  /**
   * {@code GET /api/graphs/{root}/export}: the workflow's export document, offered as a download.
   */
  RouteTable.Response export(String rootId) {
    List<StemtraceEvent> events =
        WorkflowExport.collect(store, rootId)
            .orElseThrow(() -> ApiException.notFound("workflow not found: " + rootId));
    ChunkedOutput out = new ChunkedOutput();
    try {
      WorkflowExport.write(out, rootId, clock.instant(), events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RouteTable.Response(
        200,
        out,
        Map.of("Content-Disposition", "attachment; filename=\"" + exportFileName(rootId) + "\""));
  }

  /**
   * The file name offered for an export: the root id with anything unusual in a file name replaced.
   */
  static String exportFileName(String rootId) {
    return "stemtrace-" + rootId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
  }

  /** {@code POST /api/import}: applies an export document's events through the consumer. */
  ChunkedOutput importDocument(byte[] body) {
    WorkflowExport.Document document;
    try {
      document = WorkflowExport.read(body);
    } catch (WorkflowExport.InvalidExportException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    WorkflowExport.ImportResult result = collector.importDocument(document);
    return ApiJson.renderChunked(
        g -> {
          g.writeStartObject();
          g.writeNumberField("imported", result.imported());
          g.writeNumberField("rejected", result.rejected());
          ApiJson.stringArray(g, "root_ids", result.rootIds());
          g.writeEndObject();
        });
  }

  private static ApiException notFound() {
    return ApiException.notFound("Not Found");
  }

  /**
   * The non-empty segments of a path; a trailing slash is tolerated, empty inner segments are not.
   */
  static String[] segments(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length() - 1);
    if (trimmed.isEmpty()) return new String[0];
    String[] parts = trimmed.split("/", -1);
    for (String part : parts) {
      if (part.isEmpty()) return new String[0];
    }
    return parts;
  }
}
