package io.stemtrace.ui;

import io.stemtrace.api.Attempt;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A deliberately naive store for the handler's own tests (routing, rendering, errors, WebSocket): the last
 * event of a task wins, parents link by {@code parent_id}, a task without parent is a workflow root, and
 * {@code group:<id>} containers can be added by hand. Graph semantics are the real store's job and are
 * tested against it.
 */
final class FakeGraphStore implements GraphStore {

  private final Map<String, List<TaskEvent>> events = new LinkedHashMap<>();
  private final Map<String, WorkerInfo> workers = new LinkedHashMap<>();
  private final Map<String, WorkflowGraph> extraGraphs = new LinkedHashMap<>();

  @Override
  public synchronized void apply(TaskEvent event) {
    events.computeIfAbsent(event.taskId(), id -> new ArrayList<>()).add(event);
  }

  @Override
  public synchronized void apply(WorkerEvent event) {
    WorkerInfo known = workers.get(event.hostname());
    List<String> registered = event.registeredTasks().isEmpty() && known != null
        ? known.registeredTasks() : event.registeredTasks();
    workers.put(event.hostname(), new WorkerInfo(event.hostname(), event.pid(), registered,
        event.taskDefinitions(), event.type() == WorkerEvent.Type.READY ? WorkerInfo.Status.ONLINE : WorkerInfo.Status.OFFLINE,
        event.timestamp(), event.timestamp()));
  }

  /** Adds a graph returned as is by {@link #workflow}. */
  synchronized void putGraph(WorkflowGraph graph) {
    extraGraphs.put(graph.rootId(), graph);
  }

  @Override
  public synchronized Optional<TaskNode> task(String taskId) {
    return Optional.ofNullable(events.get(taskId)).map(list -> node(taskId, list));
  }

  private TaskNode node(String id, List<TaskEvent> list) {
    List<TaskEvent> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparing(TaskEvent::timestamp));
    TaskEvent last = sorted.get(sorted.size() - 1);
    TaskEvent first = sorted.get(0);
    List<String> children = new ArrayList<>();
    for (Map.Entry<String, List<TaskEvent>> e : events.entrySet()) {
      if (id.equals(parentOf(e.getKey()))) children.add(e.getKey());
    }
    Duration run = sorted.size() > 1 ? Duration.between(first.timestamp(), last.timestamp()) : null;
    return new TaskNode(id, last.name() != null ? last.name() : first.name(), last.state(), parentOf(id),
        rootOf(id), last.groupId(), last.chordId(), last.chordCallbackId(), last.traceId(), last.retries(),
        first.args(), first.kwargs(), last.result(), last.exception(), last.traceback(), sorted,
        List.of(new Attempt(last.retries(), last.state(), first.timestamp(), last.timestamp(), run, last.exception())),
        first.timestamp(), last.timestamp(), null, run, children);
  }

  /** The first parent id an event carries, self-parents ignored. */
  private String parentOf(String id) {
    for (TaskEvent e : events.getOrDefault(id, List.of())) {
      if (e.parentId() != null && !e.parentId().equals(id)) return e.parentId();
    }
    return null;
  }

  private String rootOf(String id) {
    String current = id;
    for (int i = 0; i < 1000; i++) {
      List<TaskEvent> list = events.get(current);
      String parent = list == null ? null : parentOf(current);
      if (parent == null || !events.containsKey(parent)) return current;
      current = parent;
    }
    return current;
  }

  @Override
  public synchronized List<TaskNode> children(String taskId) {
    return task(taskId).map(t -> t.childIds().stream().map(c -> task(c).orElseThrow()).toList()).orElse(List.of());
  }

  @Override
  public synchronized Page<TaskNode> tasks(TaskQuery query) {
    List<TaskNode> all = new ArrayList<>();
    for (String id : events.keySet()) {
      TaskNode t = task(id).orElseThrow();
      if (!query.states().isEmpty() && !query.states().contains(t.state())) continue;
      if (query.nameContains() != null && (t.name() == null
          || !t.name().toLowerCase(Locale.ROOT).contains(query.nameContains().toLowerCase(Locale.ROOT)))) continue;
      if (query.from() != null && t.firstSeen().isBefore(query.from())) continue;
      if (query.to() != null && t.firstSeen().isAfter(query.to())) continue;
      all.add(t);
    }
    all.sort(Comparator.comparing(TaskNode::firstSeen).reversed());
    return new Page<>(slice(all, query.offset(), query.limit()), all.size(), query.limit(), query.offset());
  }

  @Override
  public synchronized Page<WorkflowSummary> workflows(WorkflowQuery query) {
    List<WorkflowSummary> all = new ArrayList<>();
    for (String id : events.keySet()) {
      TaskNode t = task(id).orElseThrow();
      if (t.parentId() != null && events.containsKey(t.parentId())) continue;
      if (!query.states().isEmpty() && !query.states().contains(t.state())) continue;
      WorkflowGraph graph = workflow(id).orElseThrow();
      all.add(new WorkflowSummary(id, GraphNode.NodeType.TASK, t.name(), t.state(), graph.nodes().size(),
          t.firstSeen(), t.lastUpdated()));
    }
    all.sort(Comparator.comparing(WorkflowSummary::firstSeen).reversed());
    return new Page<>(slice(all, query.offset(), query.limit()), all.size(), query.limit(), query.offset());
  }

  @Override
  public synchronized Optional<WorkflowGraph> workflow(String rootId) {
    if (extraGraphs.containsKey(rootId)) return Optional.of(extraGraphs.get(rootId));
    Optional<TaskNode> root = task(rootId);
    if (root.isEmpty() || !rootOf(rootId).equals(rootId)) return Optional.empty();
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    List<String> queue = new ArrayList<>(List.of(rootId));
    for (int i = 0; i < queue.size(); i++) {
      TaskNode t = task(queue.get(i)).orElseThrow();
      nodes.put(t.id(), new GraphNode(t.id(), GraphNode.NodeType.TASK, t.name(), t.state(), t.childIds(), t,
          t.firstSeen(), t.lastUpdated()));
      queue.addAll(t.childIds());
    }
    return Optional.of(new WorkflowGraph(rootId, nodes));
  }

  @Override
  public synchronized Optional<String> workflowOf(String taskId) {
    return events.containsKey(taskId) ? Optional.of(rootOf(taskId)) : Optional.empty();
  }

  @Override
  public synchronized List<WorkerInfo> workers() {
    return List.copyOf(workers.values());
  }

  @Override
  public synchronized Optional<WorkerInfo> worker(String hostname) {
    return Optional.ofNullable(workers.get(hostname));
  }

  @Override
  public synchronized List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    List<RegistryEntry> entries = new ArrayList<>();
    for (WorkerInfo w : workers.values()) {
      for (String name : w.registeredTasks()) {
        if (query != null && !name.contains(query)) continue;
        RegistryEntry entry = new RegistryEntry(name, null, null, null, false, 0, List.of(w.hostname()), null,
            RegistryEntry.Status.NEVER_RUN);
        if (status == null || status == entry.status()) entries.add(entry);
      }
    }
    return entries;
  }

  @Override
  public synchronized long taskCount() {
    return events.size();
  }

  @Override
  public synchronized long workflowCount() {
    return workflows(WorkflowQuery.all(1, 0)).total();
  }

  private static <T> List<T> slice(List<T> all, int offset, int limit) {
    if (offset >= all.size()) return List.of();
    return all.subList(offset, Math.min(all.size(), offset + limit));
  }
}
