package io.stemtrace.ui;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.stemtrace.api.Attempt;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.NodeAlias;
import io.stemtrace.core.anomaly.Anomaly;
import io.stemtrace.core.anomaly.AnomalyChange;
import io.stemtrace.core.anomaly.AnomalyGroup;
import io.stemtrace.core.anomaly.AnomalyType;
import io.stemtrace.core.stats.MinuteCount;
import io.stemtrace.core.stats.Percentiles;
import io.stemtrace.core.stats.StatsSnapshot;
import io.stemtrace.core.stats.TaskNameStats;
import io.stemtrace.core.workers.WorkerActivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the JSON documents of docs/API.md with Jackson's streaming generator: no reflection, no
 * intermediate trees, one pass per response. Field names follow Python stemtrace's server.
 */
final class ApiJson {

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  // pre-encoded field names of the hot path (a graph of 10 000 tasks writes some 300 000 of them)
  private static final SerializedString F_ANOMALIES = new SerializedString("anomalies");
  private static final SerializedString F_ARGS = new SerializedString("args");
  private static final SerializedString F_ATTEMPTS = new SerializedString("attempts");
  private static final SerializedString F_CHILDREN = new SerializedString("children");
  private static final SerializedString F_CHORD_CALLBACK_ID =
      new SerializedString("chord_callback_id");
  private static final SerializedString F_CHORD_ID = new SerializedString("chord_id");
  private static final SerializedString F_DISPLAY_NAME = new SerializedString("display_name");
  private static final SerializedString F_DURATION_MS = new SerializedString("duration_ms");
  private static final SerializedString F_EVENTS = new SerializedString("events");
  private static final SerializedString F_EXCEPTION = new SerializedString("exception");
  private static final SerializedString F_FINISHED_AT = new SerializedString("finished_at");
  private static final SerializedString F_FIRST_SEEN = new SerializedString("first_seen");
  private static final SerializedString F_GROUP_ID = new SerializedString("group_id");
  private static final SerializedString F_KWARGS = new SerializedString("kwargs");
  private static final SerializedString F_LAST_UPDATED = new SerializedString("last_updated");
  private static final SerializedString F_NAME = new SerializedString("name");
  private static final SerializedString F_NODE_TYPE = new SerializedString("node_type");
  private static final SerializedString F_NUMBER = new SerializedString("number");
  private static final SerializedString F_PARENT_ID = new SerializedString("parent_id");
  private static final SerializedString F_QUEUE_TIME_MS = new SerializedString("queue_time_ms");
  private static final SerializedString F_RESULT = new SerializedString("result");
  private static final SerializedString F_RETRIES = new SerializedString("retries");
  private static final SerializedString F_ROOT_ID = new SerializedString("root_id");
  private static final SerializedString F_RUN_TIME_MS = new SerializedString("run_time_ms");
  private static final SerializedString F_STARTED_AT = new SerializedString("started_at");
  private static final SerializedString F_STATE = new SerializedString("state");
  private static final SerializedString F_TASK_ID = new SerializedString("task_id");
  private static final SerializedString F_TRACE_ID = new SerializedString("trace_id");
  private static final SerializedString F_HOSTNAME = new SerializedString("hostname");
  private static final SerializedString F_TRACEBACK = new SerializedString("traceback");
  private static final SerializedString F_WORKFLOW_ID = new SerializedString("workflow_id");

  private ApiJson() {}

  /** The anomaly types raised for a task or container id (the detector's flags). */
  @FunctionalInterface
  interface Flags {
    Flags NONE = id -> Set.of();

    Set<AnomalyType> of(String id);

    /** The name shown for a task: its name unless a node alias picks an argument. */
    default String displayName(TaskNode task) {
      return task.name();
    }

    /** The detector's flags, and names shown by {@code alias}. */
    static Flags of(Flags anomalies, NodeAlias alias) {
      if (alias.isNone()) return anomalies;
      return new Flags() {
        @Override
        public Set<AnomalyType> of(String id) {
          return anomalies.of(id);
        }

        @Override
        public String displayName(TaskNode task) {
          return alias.displayName(task);
        }
      };
    }
  }

  /** Something that writes one JSON document. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Renders one document to UTF-8 bytes. */
  static byte[] render(Body body) {
    return renderChunked(body).toByteArray();
  }

  /** Renders one document into chunks to send as they are. */
  static ChunkedOutput renderChunked(Body body) {
    ChunkedOutput out = new ChunkedOutput();
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static byte[] error(String detail) {
    return render(
        g -> {
          g.writeStartObject();
          g.writeStringField("detail", detail);
          g.writeEndObject();
        });
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Writes a TaskNodeJson.
   *
   * @param full true for detail responses (with {@code events} and {@code traceback})
   * @param children the ids to list as {@code children}; null for the task's own child ids
   */
  static void task(JsonGenerator g, TaskNode t, boolean full, List<String> children, Flags flags)
      throws IOException {
    String workflowId = t.rootId() != null ? t.rootId() : t.id();
    g.writeStartObject();
    g.writeFieldName(F_TASK_ID);
    g.writeString(t.id());
    g.writeFieldName(F_NODE_TYPE);
    g.writeString("TASK");
    nullableString(g, F_NAME, t.name());
    nullableString(g, F_DISPLAY_NAME, flags.displayName(t));
    g.writeFieldName(F_STATE);
    g.writeString(t.state().name());
    nullableString(g, F_PARENT_ID, t.parentId());
    g.writeFieldName(F_ROOT_ID);
    g.writeString(workflowId);
    g.writeFieldName(F_WORKFLOW_ID);
    g.writeString(workflowId);
    nullableString(g, F_GROUP_ID, t.groupId());
    nullableString(g, F_CHORD_ID, t.chordId());
    nullableString(g, F_CHORD_CALLBACK_ID, t.chordCallbackId());
    nullableString(g, F_TRACE_ID, t.traceId());
    nullableString(g, F_HOSTNAME, t.hostname());
    g.writeFieldName(F_RETRIES);
    g.writeNumber(t.retries());
    g.writeFieldName(F_ARGS);
    value(g, t.args());
    g.writeFieldName(F_KWARGS);
    value(g, t.kwargs());
    g.writeFieldName(F_RESULT);
    value(g, t.result());
    nullableString(g, F_EXCEPTION, t.exception());
    if (full) nullableString(g, F_TRACEBACK, t.traceback());
    timestamp(g, F_FIRST_SEEN, t.firstSeen());
    timestamp(g, F_LAST_UPDATED, t.lastUpdated());
    millis(g, F_QUEUE_TIME_MS, t.queueTime());
    millis(g, F_RUN_TIME_MS, t.runTime());
    millis(g, F_DURATION_MS, t.runTime());
    g.writeFieldName(F_ATTEMPTS);
    g.writeStartArray();
    for (Attempt a : t.attempts()) {
      g.writeStartObject();
      g.writeFieldName(F_NUMBER);
      g.writeNumber(a.number());
      g.writeFieldName(F_STATE);
      g.writeString(a.state().name());
      timestamp(g, F_STARTED_AT, a.startedAt());
      timestamp(g, F_FINISHED_AT, a.finishedAt());
      millis(g, F_RUN_TIME_MS, a.runTime());
      nullableString(g, F_EXCEPTION, a.exception());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (full) {
      g.writeFieldName(F_EVENTS);
      g.writeStartArray();
      EventCodec codec = EventCodec.standard();
      for (TaskEvent e : t.events()) codec.write(g, e);
      g.writeEndArray();
    }
    anomalies(g, flags.of(t.id()));
    stringArray(g, F_CHILDREN, children != null ? children : t.childIds());
    g.writeEndObject();
  }

  private static void anomalies(JsonGenerator g, Set<AnomalyType> types) throws IOException {
    g.writeFieldName(F_ANOMALIES);
    g.writeStartArray();
    for (AnomalyType type : types) g.writeString(type.name());
    g.writeEndArray();
  }

  /**
   * A page of tasks, with the {@code cursor} it was asked from and the {@code next_cursor} after
   * it; a search that scanned adds {@code scanned} and {@code truncated}.
   */
  static void taskPage(
      JsonGenerator g,
      List<TaskNode> tasks,
      long total,
      int limit,
      int offset,
      Flags flags,
      String cursor,
      String nextCursor,
      Page.Scan scan)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("tasks");
    for (TaskNode t : tasks) task(g, t, false, null, flags);
    endPage(g, total, limit, offset, cursor, nextCursor, scan);
  }

  static void taskDetail(JsonGenerator g, TaskNode task, List<TaskNode> children, Flags flags)
      throws IOException {
    taskDetail(g, task, children, flags, null);
  }

  /** With the summary of the task's workflow, when known. */
  static void taskDetail(
      JsonGenerator g,
      TaskNode task,
      List<TaskNode> children,
      Flags flags,
      WorkflowSummary workflow)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName("task");
    task(g, task, true, null, flags);
    g.writeArrayFieldStart("children");
    for (TaskNode child : children) task(g, child, false, null, flags);
    g.writeEndArray();
    if (workflow != null) {
      g.writeFieldName("workflow");
      workflowSummary(g, workflow);
    }
    g.writeEndObject();
  }

  static void children(JsonGenerator g, List<TaskNode> children, Flags flags) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("children");
    for (TaskNode child : children) task(g, child, false, null, flags);
    g.writeEndArray();
    g.writeNumberField("total", children.size());
    g.writeEndObject();
  }

  /**
   * Closes a page's item array and the page, with its {@code total}, {@code limit} and {@code
   * offset}.
   */
  private static void endPage(JsonGenerator g, long total, int limit, int offset)
      throws IOException {
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    g.writeEndObject();
  }

  /**
   * Closes a keyset-paged list: as {@link #endPage(JsonGenerator, long, int, int)}, with the {@code
   * cursor} the page was asked from and the {@code next_cursor} of the page after it (null on the
   * last page).
   */
  private static void endPage(
      JsonGenerator g,
      long total,
      int limit,
      int offset,
      String cursor,
      String nextCursor,
      Page.Scan scan)
      throws IOException {
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    nullableString(g, "cursor", cursor);
    nullableString(g, "next_cursor", nextCursor);
    if (scan != null) {
      g.writeNumberField("scanned", scan.scanned());
      g.writeBooleanField("truncated", scan.truncated());
    }
    g.writeEndObject();
  }

  // ---------------------------------------------------------------- graphs

  /**
   * A page of workflows, with its cursors; one found by a task search adds {@code scanned} and
   * {@code truncated}.
   */
  static void graphPage(
      JsonGenerator g,
      List<WorkflowSummary> graphs,
      long total,
      int limit,
      int offset,
      String cursor,
      String nextCursor,
      Page.Scan scan)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("graphs");
    for (WorkflowSummary s : graphs) workflowSummary(g, s);
    endPage(g, total, limit, offset, cursor, nextCursor, scan);
  }

  /**
   * One workflow's summary: a row of the workflow list, and the {@code workflow} of a graph or task
   * detail response, so that every page shows the same duration.
   */
  static void workflowSummary(JsonGenerator g, WorkflowSummary s) throws IOException {
    g.writeStartObject();
    g.writeStringField("task_id", s.rootId());
    g.writeStringField("root_id", s.rootId());
    g.writeStringField("node_type", s.rootType().name());
    nullableString(g, "name", s.name());
    g.writeStringField("state", s.state().name());
    g.writeNumberField("task_count", s.taskCount());
    timestamp(g, "first_seen", s.firstSeen());
    timestamp(g, "last_updated", s.lastUpdated());
    millis(g, "duration_ms", s.duration());
    g.writeBooleanField("finished", s.finished());
    g.writeEndObject();
  }

  /**
   * Writes one workflow graph. Tasks are written as in lists (no events, no traceback: a graph of
   * 10 000 tasks stays a few megabytes), their {@code children} replaced by the graph's; containers
   * get their group id, chord callback and member count from one pass over the graph's tasks, so a
   * graph of N nodes costs O(N).
   */
  static void graph(JsonGenerator g, WorkflowGraph graph) throws IOException {
    graph(g, graph, Flags.NONE);
  }

  static void graph(JsonGenerator g, WorkflowGraph graph, Flags flags) throws IOException {
    graph(g, graph, flags, null);
  }

  /** With the workflow's summary, when known. */
  static void graph(JsonGenerator g, WorkflowGraph graph, Flags flags, WorkflowSummary workflow)
      throws IOException {
    Map<String, GroupFacts> groups = new HashMap<>();
    for (GraphNode node : graph.nodes().values()) {
      TaskNode t = node.task();
      if (t == null || t.groupId() == null) continue;
      GroupFacts facts = groups.computeIfAbsent(t.groupId(), id -> new GroupFacts());
      facts.members++;
      if (facts.chordCallbackId == null) facts.chordCallbackId = t.chordCallbackId();
    }
    g.writeStartObject();
    g.writeStringField("root_id", graph.rootId());
    g.writeObjectFieldStart("nodes");
    for (GraphNode node : graph.nodes().values()) {
      g.writeFieldName(node.id());
      if (node.task() != null) {
        task(g, node.task(), false, node.children(), flags);
      } else {
        container(g, node, groups, flags);
      }
    }
    g.writeEndObject();
    if (workflow != null) {
      g.writeFieldName("workflow");
      workflowSummary(g, workflow);
    }
    g.writeEndObject();
  }

  private static void container(
      JsonGenerator g, GraphNode node, Map<String, GroupFacts> groups, Flags flags)
      throws IOException {
    String groupId = GraphNode.groupIdOf(node.id());
    if (groupId == null) groupId = node.id();
    GroupFacts facts = groups.getOrDefault(groupId, new GroupFacts());
    g.writeStartObject();
    g.writeStringField("task_id", node.id());
    g.writeStringField("node_type", node.type().name());
    g.writeStringField(
        "name", node.name() != null ? node.name() : node.type().name().toLowerCase(Locale.ROOT));
    g.writeStringField("state", node.state().name());
    stringArray(g, "children", node.children());
    timestamp(g, "first_seen", node.firstSeen());
    timestamp(g, "last_updated", node.lastUpdated());
    millis(g, "duration_ms", between(node.firstSeen(), node.lastUpdated()));
    g.writeStringField("group_id", groupId);
    nullableString(
        g,
        "chord_callback_id",
        node.type() == GraphNode.NodeType.CHORD ? facts.chordCallbackId : null);
    nullableString(g, "body_id", node.bodyId());
    g.writeNumberField("member_count", facts.members);
    anomalies(g, flags.of(node.id()));
    g.writeEndObject();
  }

  private static final class GroupFacts {
    int members;
    String chordCallbackId;
  }

  // ---------------------------------------------------------------- anomalies and statistics

  static void anomalyPage(
      JsonGenerator g, List<Anomaly> anomalies, long total, int limit, int offset)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("anomalies");
    for (Anomaly a : anomalies) {
      g.writeStartObject();
      g.writeStringField("type", a.type().name());
      g.writeStringField("task_id", a.taskId());
      nullableString(g, "name", a.name());
      nullableString(g, "workflow_id", a.workflowId());
      timestamp(g, "since", a.since());
      timestamp(g, "detected_at", a.detectedAt());
      nullableString(g, "worker", a.worker());
      nullableString(g, "detail", a.detail());
      g.writeEndObject();
    }
    endPage(g, total, limit, offset);
  }

  static void anomalyGroupPage(
      JsonGenerator g,
      List<AnomalyGroup> groups,
      Map<AnomalyGroup.Status, Integer> counts,
      long total,
      int limit,
      int offset)
      throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("counts");
    for (var entry : counts.entrySet())
      g.writeNumberField(entry.getKey().wireName(), entry.getValue());
    g.writeEndObject();
    g.writeArrayFieldStart("groups");
    for (AnomalyGroup group : groups) anomalyGroup(g, group);
    endPage(g, total, limit, offset);
  }

  static void anomalyGroup(JsonGenerator g, AnomalyGroup group) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", group.type().name());
    nullableString(g, "name", group.name());
    g.writeStringField("status", group.status().wireName());
    g.writeNumberField("open", group.open());
    g.writeNumberField("occurrences", group.occurrences());
    timestamp(g, "first_seen", group.firstSeen());
    timestamp(g, "last_seen", group.lastSeen());
    timestamp(g, "resolved_at", group.resolvedAt());
    timestamp(g, "acknowledged_at", group.acknowledgedAt());
    timestamp(g, "muted_at", group.mutedAt());
    timestamp(g, "muted_until", group.mutedUntil());
    g.writeEndObject();
  }

  /** The {@code anomalies} entries of a WebSocket frame. */
  static void anomalyChanges(JsonGenerator g, Collection<AnomalyChange> changes)
      throws IOException {
    g.writeArrayFieldStart("anomalies");
    for (AnomalyChange change : changes) {
      g.writeStartObject();
      g.writeStringField("type", change.type().name());
      g.writeStringField("task_id", change.taskId());
      g.writeStringField("status", change.raised() ? "raised" : "cleared");
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static void stats(JsonGenerator g, StatsSnapshot snapshot) throws IOException {
    g.writeStartObject();
    nullableNumber(g, "window_minutes", snapshot.windowMinutes());
    timestamp(g, "from", snapshot.from());
    timestamp(g, "to", snapshot.to());
    timestamp(g, "generated_at", snapshot.generatedAt());
    // where the statistics hold anything: lets a page whose period is empty offer the newest events
    // instead
    timestamp(g, "data_from", snapshot.dataFrom());
    timestamp(g, "data_to", snapshot.dataTo());
    g.writeArrayFieldStart("tasks");
    for (TaskNameStats s : snapshot.tasks()) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeNumberField("total", s.total());
      g.writeObjectFieldStart("counts");
      for (Map.Entry<TaskState, Long> count : s.counts().entrySet()) {
        g.writeNumberField(count.getKey().name(), count.getValue());
      }
      g.writeEndObject();
      nullableNumber(g, "success_rate", s.successRate());
      percentiles(g, "queue_time_ms", s.queueTimeMs());
      percentiles(g, "run_time_ms", s.runTimeMs());
      g.writeArrayFieldStart("throughput");
      for (MinuteCount minute : s.throughput()) {
        g.writeStartObject();
        g.writeStringField("minute", minuteText(minute.minute()));
        g.writeNumberField("count", minute.count());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void percentiles(JsonGenerator g, String field, Percentiles p) throws IOException {
    g.writeObjectFieldStart(field);
    roundedMillis(g, "p50", p.p50());
    roundedMillis(g, "p95", p.p95());
    roundedMillis(g, "p99", p.p99());
    g.writeEndObject();
  }

  /** Milliseconds with microsecond precision, like every other duration of the API. */
  private static void roundedMillis(JsonGenerator g, String field, Double value)
      throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, Math.round(value * 1000.0) / 1000.0);
    }
  }

  /** The start of a minute as {@code 2026-11-26T03:35:00Z}. */
  static String minuteText(Instant minute) {
    return DateTimeFormatter.ISO_INSTANT.format(minute.truncatedTo(ChronoUnit.MINUTES));
  }

  // ---------------------------------------------------------------- workers and registry

  static void worker(JsonGenerator g, WorkerRow w) throws IOException {
    worker(g, w, Integer.MAX_VALUE);
  }

  /**
   * A worker with at most {@code listedTasks} of its registered task names (all are counted): what
   * the store knows from its worker events, with what the collector heard (liveness, counts,
   * starts).
   */
  private static void worker(JsonGenerator g, WorkerRow w, int listedTasks) throws IOException {
    WorkerInfo info = w.info();
    WorkerActivity activity = w.activity();
    g.writeStartObject();
    g.writeStringField("hostname", w.hostname());
    g.writeNumberField("pid", w.pid());
    List<String> registered = info == null ? List.of() : info.registeredTasks();
    stringArray(
        g,
        "registered_tasks",
        registered.size() <= listedTasks ? registered : registered.subList(0, listedTasks));
    g.writeNumberField("registered_task_count", registered.size());
    g.writeStringField(
        "status", w.liveness() == WorkerActivity.Liveness.ONLINE ? "online" : "offline");
    timestamp(g, "registered_at", info == null ? null : info.registeredAt());
    timestamp(g, "last_seen", w.lastSeen());
    g.writeStringField("liveness", w.liveness().name().toLowerCase(Locale.ROOT));
    timestamp(g, "last_heard_at", activity == null ? null : activity.lastHeardAt());
    g.writeNumberField("processed", activity == null ? 0 : activity.processed());
    g.writeNumberField("succeeded", activity == null ? 0 : activity.succeeded());
    g.writeNumberField("failed", activity == null ? 0 : activity.failed());
    g.writeNumberField("retried", activity == null ? 0 : activity.retried());
    g.writeNumberField("active", activity == null ? 0 : activity.active());
    g.writeNumberField("start_count", activity == null ? 0 : activity.startCount());
    g.writeNumberField("restart_count", activity == null ? 0 : activity.restartCount());
    g.writeArrayFieldStart("starts");
    if (activity != null) {
      for (WorkerActivity.Start start : activity.starts()) {
        g.writeStartObject();
        g.writeNumberField("pid", start.pid());
        timestamp(g, "started_at", start.startedAt());
        timestamp(g, "stopped_at", start.stoppedAt());
        g.writeEndObject();
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** How many of a worker's registered task names a list shows; its own endpoint has them all. */
  static final int LISTED_REGISTERED_TASKS = 100;

  static void workers(
      JsonGenerator g,
      List<WorkerRow> workers,
      int total,
      int limit,
      int offset,
      Duration offlineAfter)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("workers");
    for (WorkerRow w : workers) worker(g, w, LISTED_REGISTERED_TASKS);
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    g.writeNumberField("offline_after_seconds", offlineAfter.toSeconds());
    g.writeEndObject();
  }

  static void registry(
      JsonGenerator g, List<RegistryEntry> entries, int total, int limit, int offset)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("tasks");
    for (RegistryEntry e : entries) {
      g.writeStartObject();
      g.writeStringField("name", e.name());
      nullableString(g, "module", e.module());
      nullableString(g, "signature", e.signature());
      nullableString(g, "docstring", e.docstring());
      g.writeBooleanField("bound", e.bound());
      g.writeNumberField("execution_count", e.executionCount());
      stringArray(g, "registered_by", e.registeredBy());
      timestamp(g, "last_run", e.lastRun());
      g.writeStringField("status", e.status().name().toLowerCase(Locale.ROOT));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    g.writeEndObject();
  }

  // ---------------------------------------------------------------- values

  static void nullableString(JsonGenerator g, SerializableString field, String value)
      throws IOException {
    g.writeFieldName(field);
    if (value == null) g.writeNull();
    else g.writeString(value);
  }

  static void timestamp(JsonGenerator g, SerializableString field, Instant value)
      throws IOException {
    g.writeFieldName(field);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeString(EventCodec.formatTimestamp(value));
    }
  }

  static void millis(JsonGenerator g, SerializableString field, Duration value) throws IOException {
    g.writeFieldName(field);
    if (value == null) g.writeNull();
    else g.writeNumber(millisText(value));
  }

  static void stringArray(JsonGenerator g, SerializableString field, Collection<String> values)
      throws IOException {
    g.writeFieldName(field);
    g.writeStartArray();
    for (String v : values) g.writeString(v);
    g.writeEndArray();
  }

  static void nullableString(JsonGenerator g, String field, String value) throws IOException {
    if (value == null) g.writeNullField(field);
    else g.writeStringField(field, value);
  }

  static void nullableNumber(JsonGenerator g, String field, Integer value) throws IOException {
    if (value == null) g.writeNullField(field);
    else g.writeNumberField(field, value);
  }

  static void nullableNumber(JsonGenerator g, String field, Double value) throws IOException {
    if (value == null) g.writeNullField(field);
    else g.writeNumberField(field, value);
  }

  static void timestamp(JsonGenerator g, String field, Instant value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeFieldName(field);
      g.writeString(EventCodec.formatTimestamp(value));
    }
  }

  /** A duration as milliseconds with microsecond precision ({@code 56.146}), or null. */
  static void millis(JsonGenerator g, String field, Duration value) throws IOException {
    g.writeFieldName(field);
    if (value == null) g.writeNull();
    else g.writeNumber(millisText(value));
  }

  static String millisText(Duration value) {
    // the codec keeps times within 292 years of each other, so this never saturates; if it did, a
    // page must not fail
    long micros;
    try {
      micros = value.toNanos() / 1_000L;
    } catch (ArithmeticException beyondNanos) {
      micros = value.isNegative() ? -Long.MAX_VALUE : Long.MAX_VALUE;
    }
    long abs = Math.abs(micros);
    StringBuilder text = new StringBuilder(16);
    if (micros < 0) text.append('-');
    text.append(abs / 1000).append('.');
    long fraction = abs % 1000;
    if (fraction < 100) text.append('0');
    if (fraction < 10) text.append('0');
    text.append(fraction);
    return text.toString();
  }

  static Duration between(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to);
  }

  static void stringArray(JsonGenerator g, String field, Collection<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) g.writeString(v);
    g.writeEndArray();
  }

  /** Writes a JSON value tree exactly as the wire codec does. */
  static void value(JsonGenerator g, Object value) throws IOException {
    EventCodec.standard().writeValue(g, value);
  }
}
