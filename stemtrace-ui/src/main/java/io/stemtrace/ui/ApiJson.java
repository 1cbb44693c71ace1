package io.stemtrace.ui;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.stemtrace.api.Attempt;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the JSON documents of docs/API.md with Jackson's streaming generator: no reflection, no
 * intermediate trees, one pass per response. Field names follow Python stemtrace's server.
 */
final class ApiJson {

  static final String CONTAINER_PREFIX = "group:";

  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final int MAX_VALUE_DEPTH = 64;

  private ApiJson() {}

  /** Something that writes one JSON document. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Renders one document to UTF-8 bytes. */
  static byte[] render(Body body) {
    ByteArrayBuilder out = new ByteArrayBuilder(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] error(String detail) {
    return render(g -> {
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
  static void task(JsonGenerator g, TaskNode t, boolean full, List<String> children) throws IOException {
    String workflowId = t.rootId() != null ? t.rootId() : t.id();
    g.writeStartObject();
    g.writeStringField("task_id", t.id());
    g.writeStringField("node_type", "TASK");
    nullableString(g, "name", t.name());
    g.writeStringField("state", t.state().name());
    nullableString(g, "parent_id", t.parentId());
    g.writeStringField("root_id", workflowId);
    g.writeStringField("workflow_id", workflowId);
    nullableString(g, "group_id", t.groupId());
    nullableString(g, "chord_id", t.chordId());
    nullableString(g, "chord_callback_id", t.chordCallbackId());
    nullableString(g, "trace_id", t.traceId());
    g.writeNumberField("retries", t.retries());
    g.writeFieldName("args");
    value(g, t.args(), 0);
    g.writeFieldName("kwargs");
    value(g, t.kwargs(), 0);
    g.writeFieldName("result");
    value(g, t.result(), 0);
    nullableString(g, "exception", t.exception());
    if (full) nullableString(g, "traceback", t.traceback());
    timestamp(g, "first_seen", t.firstSeen());
    timestamp(g, "last_updated", t.lastUpdated());
    millis(g, "queue_time_ms", t.queueTime());
    millis(g, "run_time_ms", t.runTime());
    millis(g, "duration_ms", t.runTime());
    g.writeArrayFieldStart("attempts");
    for (Attempt a : t.attempts()) {
      g.writeStartObject();
      g.writeNumberField("number", a.number());
      g.writeStringField("state", a.state().name());
      timestamp(g, "started_at", a.startedAt());
      timestamp(g, "finished_at", a.finishedAt());
      millis(g, "run_time_ms", a.runTime());
      nullableString(g, "exception", a.exception());
      g.writeEndObject();
    }
    g.writeEndArray();
    if (full) {
      g.writeArrayFieldStart("events");
      EventCodec codec = EventCodec.standard();
      for (TaskEvent e : t.events()) codec.write(g, e);
      g.writeEndArray();
    }
    stringArray(g, "children", children != null ? children : t.childIds());
    g.writeEndObject();
  }

  static void taskPage(JsonGenerator g, List<TaskNode> tasks, long total, int limit, int offset) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("tasks");
    for (TaskNode t : tasks) task(g, t, false, null);
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    g.writeEndObject();
  }

  static void taskDetail(JsonGenerator g, TaskNode task, List<TaskNode> children) throws IOException {
    g.writeStartObject();
    g.writeFieldName("task");
    task(g, task, true, null);
    g.writeArrayFieldStart("children");
    for (TaskNode child : children) task(g, child, false, null);
    g.writeEndArray();
    g.writeEndObject();
  }

  static void children(JsonGenerator g, List<TaskNode> children) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("children");
    for (TaskNode child : children) task(g, child, false, null);
    g.writeEndArray();
    g.writeNumberField("total", children.size());
    g.writeEndObject();
  }

  // ---------------------------------------------------------------- graphs

  static void graphPage(JsonGenerator g, List<WorkflowSummary> graphs, long total, int limit, int offset)
      throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("graphs");
    for (WorkflowSummary s : graphs) {
      g.writeStartObject();
      g.writeStringField("task_id", s.rootId());
      g.writeStringField("root_id", s.rootId());
      g.writeStringField("node_type", s.rootType().name());
      nullableString(g, "name", s.name());
      g.writeStringField("state", s.state().name());
      g.writeNumberField("task_count", s.taskCount());
      timestamp(g, "first_seen", s.firstSeen());
      timestamp(g, "last_updated", s.lastUpdated());
      millis(g, "duration_ms", between(s.firstSeen(), s.lastUpdated()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("total", total);
    g.writeNumberField("limit", limit);
    g.writeNumberField("offset", offset);
    g.writeEndObject();
  }

  /**
   * Writes one workflow graph. Tasks are written as in lists (no events, no traceback: a graph of 10 000
   * tasks stays a few megabytes), their {@code children} replaced by the graph's; containers get their group id, chord callback and member count from one pass
   * over the graph's tasks, so a graph of N nodes costs O(N).
   */
  static void graph(JsonGenerator g, WorkflowGraph graph) throws IOException {
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
        task(g, node.task(), false, node.children());
      } else {
        container(g, node, groups);
      }
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void container(JsonGenerator g, GraphNode node, Map<String, GroupFacts> groups) throws IOException {
    String groupId = node.id().startsWith(CONTAINER_PREFIX) ? node.id().substring(CONTAINER_PREFIX.length()) : node.id();
    GroupFacts facts = groups.getOrDefault(groupId, new GroupFacts());
    g.writeStartObject();
    g.writeStringField("task_id", node.id());
    g.writeStringField("node_type", node.type().name());
    g.writeStringField("name", node.name() != null ? node.name() : node.type().name().toLowerCase(Locale.ROOT));
    g.writeStringField("state", node.state().name());
    stringArray(g, "children", node.children());
    timestamp(g, "first_seen", node.firstSeen());
    timestamp(g, "last_updated", node.lastUpdated());
    millis(g, "duration_ms", between(node.firstSeen(), node.lastUpdated()));
    g.writeStringField("group_id", groupId);
    nullableString(g, "chord_callback_id", node.type() == GraphNode.NodeType.CHORD ? facts.chordCallbackId : null);
    g.writeNumberField("member_count", facts.members);
    g.writeEndObject();
  }

  private static final class GroupFacts {
    int members;
    String chordCallbackId;
  }

  // ---------------------------------------------------------------- workers and registry

  static void worker(JsonGenerator g, WorkerInfo w) throws IOException {
    g.writeStartObject();
    g.writeStringField("hostname", w.hostname());
    g.writeNumberField("pid", w.pid());
    stringArray(g, "registered_tasks", w.registeredTasks());
    g.writeStringField("status", w.status().name().toLowerCase(Locale.ROOT));
    timestamp(g, "registered_at", w.registeredAt());
    timestamp(g, "last_seen", w.lastSeen());
    g.writeEndObject();
  }

  static void workers(JsonGenerator g, List<WorkerInfo> workers) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("workers");
    for (WorkerInfo w : workers) worker(g, w);
    g.writeEndArray();
    g.writeNumberField("total", workers.size());
    g.writeEndObject();
  }

  static void registry(JsonGenerator g, List<RegistryEntry> entries) throws IOException {
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
    g.writeNumberField("total", entries.size());
    g.writeEndObject();
  }

  // ---------------------------------------------------------------- values

  static void nullableString(JsonGenerator g, String field, String value) throws IOException {
    if (value == null) g.writeNullField(field); else g.writeStringField(field, value);
  }

  static void timestamp(JsonGenerator g, String field, Instant value) throws IOException {
    if (value == null) g.writeNullField(field); else g.writeStringField(field, EventCodec.formatTimestamp(value));
  }

  /** A duration as milliseconds with microsecond precision, or null. */
  static void millis(JsonGenerator g, String field, Duration value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, BigDecimal.valueOf(value.toNanos() / 1_000L, 3));
    }
  }

  static Duration between(Instant from, Instant to) {
    return from == null || to == null ? null : Duration.between(from, to);
  }

  static void stringArray(JsonGenerator g, String field, Collection<String> values) throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) g.writeString(v);
    g.writeEndArray();
  }

  /** Writes a JSON value tree as the codec hands it out; anything else as its string form. */
  static void value(JsonGenerator g, Object value, int depth) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      g.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double d && Double.isFinite(d)) {
      g.writeNumber(d);
    } else if (value instanceof Float f && Float.isFinite(f)) {
      g.writeNumber(f);
    } else if (value instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (value instanceof BigDecimal bd) {
      g.writeNumber(bd);
    } else if (depth >= MAX_VALUE_DEPTH) {
      g.writeString(String.valueOf(value));
    } else if (value instanceof Map<?, ?> map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        g.writeFieldName(String.valueOf(entry.getKey()));
        value(g, entry.getValue(), depth + 1);
      }
      g.writeEndObject();
    } else if (value instanceof Collection<?> items) {
      g.writeStartArray();
      for (Object item : items) value(g, item, depth + 1);
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(value));
    }
  }
}
