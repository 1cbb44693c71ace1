package io.stemtrace.core.graph;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskSearch;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link GraphStore} in memory: builds workflow graphs from events in any order and answers
 * queries from ordered indexes.
 *
 * <p>Guarantees: applying an event costs O(1) amortised (hash lookups, appends, and merging the
 * smaller of two workflows into the larger when a link joins them); no event scans all tasks or all
 * workflows. The drawing of a workflow (containers, lanes, chord callbacks) is derived when a graph
 * or a root is asked for, in time proportional to that workflow. When more than {@code maxNodes}
 * tasks are held, whole oldest workflows are evicted, from every index at once. Thread-safe: one
 * lock, writers exclusive, queries shared; every result is an immutable snapshot.
 *
 * <p>Lists are newest first by arrival: the order in which the store first heard of each task (or,
 * for a workflow, of its oldest task). That key never changes once given, unlike a first-seen time
 * that a late earlier event would move; see RATIONALE.md. A page cursor is that arrival number
 * ({@code PageCursors}), so the next page starts with a binary search, not a walk past the rows
 * before it.
 */
public final class InMemoryGraphStore implements GraphStore {

  /** How many tasks a store keeps unless told otherwise. */
  public static final int DEFAULT_MAX_NODES = 100_000;

  /**
   * Unless told otherwise, a store holds at most this fraction of the JVM's maximum heap
   * (estimated).
   */
  public static final double DEFAULT_HEAP_FRACTION = 0.25;

  private static final long DEFAULT_MIN_BYTES = 16L << 20;

  /**
   * The most estimated heap one payload field (args, kwargs, result, exception, traceback) keeps.
   */
  public static final int DEFAULT_MAX_FIELD_BYTES = 64 << 10;

  /** The most estimated heap of payloads one task keeps over all its events. */
  public static final int DEFAULT_MAX_TASK_PAYLOAD_BYTES = 256 << 10;

  /** How many candidate tasks a search with payload or id terms looks at unless told otherwise. */
  public static final int DEFAULT_SCAN_LIMIT = 100_000;

  private static final TaskState[] STATES = TaskState.values();

  private final int maxNodes;
  private final long maxBytes;
  private final int maxFieldBytes;
  private final int maxTaskPayloadBytes;

  /**
   * estimated heap of everything held ({@link HeapEstimate}); whole oldest workflows go beyond
   * maxBytes
   */
  private long heldBytes;

  private long payloadsNotKept;
  private final Lock readLock;
  private final Lock writeLock;

  private final TaskTable tasksById = new TaskTable();
  private final SeqList<TaskRecord> tasksBySeq = new SeqList<>(1024);
  private final HashMap<String, NameEntry> names = new HashMap<>();
  private final NameEntry unnamed = new NameEntry(null);
  private final long[] countByState = new long[STATES.length];

  /** every task by its current state, for searches by state (see {@link #search}) */
  private final StateLists tasksByState = new StateLists();

  /** tasks by the worker their events named, for a search's {@code worker:} terms */
  private final Map<String, HostEntry> hosts = new HashMap<>();

  /** children that arrived before their parent, by the parent id they wait for */
  private final HashMap<String, List<TaskRecord>> awaitingParent = new HashMap<>();

  /** tasks whose root hint names a task not seen yet, by that id */
  private final HashMap<String, List<TaskRecord>> awaitingRoot = new HashMap<>();

  private final HashMap<String, GroupRecord> groups = new HashMap<>();
  private final HashMap<String, GroupRecord> chordsByCallback = new HashMap<>();
  private final SeqList<Workflow> workflowsBySeq = new SeqList<>(1024);
  private final WorkerRegistry workers = new WorkerRegistry();
  private long nextSeq;
  private long evictedWorkflows;
  private final int scanLimit;

  private InMemoryGraphStore(Builder builder) {
    this.maxNodes = builder.maxNodes;
    this.maxBytes =
        builder.maxBytes > 0
            ? builder.maxBytes
            : Math.max(
                DEFAULT_MIN_BYTES,
                (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION));
    this.maxFieldBytes = builder.maxFieldBytes;
    this.maxTaskPayloadBytes = builder.maxTaskPayloadBytes;
    this.scanLimit = builder.scanLimit;
    ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    this.readLock = lock.readLock();
    this.writeLock = lock.writeLock();
  }

  /** A store keeping at most {@value #DEFAULT_MAX_NODES} tasks. */
  public static InMemoryGraphStore create() {
    return builder().build();
  }

  /** A store keeping at most {@code maxNodes} tasks. */
  public static InMemoryGraphStore create(int maxNodes) {
    return builder().maxNodes(maxNodes).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The most tasks this store keeps before evicting whole oldest workflows. */
  public int maxNodes() {
    return maxNodes;
  }

  /** The most estimated heap bytes this store holds before evicting whole oldest workflows. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Estimated heap bytes held now. */
  public long heldBytes() {
    readLock.lock();
    try {
      return heldBytes;
    } finally {
      readLock.unlock();
    }
  }

  /** Payload fields replaced by a note because they were over the per-field or per-task limit. */
  public long payloadsNotKept() {
    readLock.lock();
    try {
      return payloadsNotKept;
    } finally {
      readLock.unlock();
    }
  }

  // ---------------------------------------------------------------- applying events

  @Override
  public void apply(TaskEvent event) {
    if (event == null) throw new NullPointerException("event == null");
    writeLock.lock();
    try {
      applyLocked(event);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void apply(WorkerEvent event) {
    if (event == null) throw new NullPointerException("event == null");
    writeLock.lock();
    try {
      workers.apply(event);
    } finally {
      writeLock.unlock();
    }
  }

  private void applyLocked(TaskEvent received) {
    long stamp = TaskRecord.toNanos(received.timestamp());
    TaskRecord task = tasksById.get(received.taskId());
    boolean created = task == null;
    if (created) {
      task = new TaskRecord(received.taskId(), nextSeq++);
      register(task, received.name());
      task.heldBytes =
          HeapEstimate.TASK + HeapEstimate.SEARCH_INDEX_ENTRIES + HeapEstimate.string(task.id);
      heldBytes += task.heldBytes;
    } else if (task.isDuplicate(received, stamp)) {
      return;
    } else if (task.name == unnamed && received.name() != null) {
      rename(task, received.name());
    }

    boolean structural = created;
    String parentId = received.parentId();
    if (task.parentId == null && parentId != null && !parentId.equals(task.id)) {
      setParent(task, canonicalId(task, parentId));
      structural = true;
    }
    boolean newHint = task.rootHint == null && received.rootId() != null;
    if (newHint) task.rootHint = canonicalId(task, received.rootId());
    String callbackId = received.chordCallbackId();
    if (task.chordCallbackId == null && callbackId != null && !callbackId.equals(task.id)) {
      task.chordCallbackId = canonicalCallbackId(received.groupId(), callbackId);
      if (task.group != null) registerCallback(task.group, task.chordCallbackId);
      structural = true;
    }
    if (task.group == null && received.groupId() != null) {
      joinGroup(task, received.groupId());
      structural = true;
    }
    if (task.chordId == null) task.chordId = received.chordId();
    if (task.group != null
        && task.group.enclosing == null
        && task.chordId != null
        && !task.chordId.equals(task.group.groupId)) {
      enclose(task, task.group, task.chordId);
      structural = true;
    }
    if (task.traceId == null) task.traceId = received.traceId();
    if (task.hostname == null && received.hostname() != null) {
      task.hostname = received.hostname();
      long hostnameBytes = HeapEstimate.string(task.hostname) + HeapEstimate.HOST_INDEX_ENTRIES;
      task.heldBytes += hostnameBytes;
      heldBytes += hostnameBytes;
      HostEntry host = hosts.computeIfAbsent(task.hostname, HostEntry::new);
      host.all.add(task.seq, task);
      // a task counted before its worker was named joins the worker's state list now; later
      // changes of state go through count()
      if (task.winnerMeta >= 0) host.byState.add(TaskRecord.state(task.winnerMeta), task);
    }
    if (created) {
      if (task.workflow == null) {
        Workflow workflow = new Workflow(task.seq);
        workflow.tasks.add(task);
        task.workflow = workflow;
        workflowsBySeq.add(workflow.seq, workflow);
      }
      linkWaiting(task);
    }
    if (newHint && !task.rootHint.equals(task.id)) {
      followHint(task);
      structural = true;
    }

    int meta = task.compactMeta(received);
    Object extra;
    long eventBytes;
    if (meta < 0 || !TaskRecord.inRange(stamp)) {
      meta = TaskRecord.orderingMeta(received);
      Object[] fields =
          fields(
              received.args(),
              received.kwargs(),
              received.result(),
              received.exception(),
              received.traceback());
      eventBytes = HeapEstimate.VERBATIM_EVENT + keepWithinLimits(task, fields, null);
      // another worker than the record's first: the verbatim event holds its own copy of the name
      if (received.hostname() != null && !received.hostname().equals(task.hostname))
        eventBytes += HeapEstimate.string(received.hostname());
      extra = canonical(task, withPayload(received, fields));
    } else {
      TaskRecord.Payload latest = task.latestPayload();
      TaskRecord.Payload payload = payload(task, received);
      eventBytes = HeapEstimate.EVENT;
      if (payload != null && payload != latest) {
        Object[] fields = fields(payload);
        eventBytes +=
            HeapEstimate.PAYLOAD
                + keepWithinLimits(task, fields, latest == null ? null : fields(latest));
        payload =
            new TaskRecord.Payload(
                fields[0], fields[1], fields[2], (String) fields[3], (String) fields[4]);
      }
      extra = payload;
    }
    long firstBefore = created ? Long.MAX_VALUE : task.firstStamp();
    task.addEvent(stamp, meta, extra);
    task.heldBytes += eventBytes;
    heldBytes += eventBytes;
    if (TaskRecord.beats(meta, stamp, task.winnerMeta, task.winnerStamp)) {
      int before = task.winnerMeta;
      task.winnerMeta = meta;
      task.winnerStamp = stamp;
      if (before < 0 || TaskRecord.state(before) != TaskRecord.state(meta)) {
        if (before >= 0) count(task, task.name, TaskRecord.state(before), -1);
        count(task, task.name, TaskRecord.state(meta), 1);
        boolean wasUnfinished = before >= 0 && !TaskRecord.state(before).isTerminal();
        boolean isUnfinished = !TaskRecord.state(meta).isTerminal();
        if (wasUnfinished != isUnfinished) task.workflow.unfinished += isUnfinished ? 1 : -1;
      }
      // a group's body is told from a child by when its members finished (Layout): a member's
      // finish
      // changes the drawing like a link does
      if (task.group != null && TaskRecord.state(meta).isTerminal()) structural = true;
    }
    if (task.firstStamp() < firstBefore
        && (task.group != null || (task.parent != null && task.parent.group != null))) {
      structural = true; // an earlier first appearance may make a body of a child, or the reverse
    }
    if (created && task.name.tasks != null) noteRun(task.name, stamp);

    Workflow workflow = task.workflow;
    workflow.widen(stamp, stamp);
    if (structural) workflow.version++;
    if (tasksById.size() > maxNodes || heldBytes > maxBytes) evictOldest();
  }

  private static Object[] fields(
      Object args, Object kwargs, Object result, String exception, String traceback) {
    return new Object[] {args, kwargs, result, exception, traceback};
  }

  private static Object[] fields(TaskRecord.Payload payload) {
    return fields(
        payload.args(),
        payload.kwargs(),
        payload.result(),
        payload.exception(),
        payload.traceback());
  }

  private static TaskEvent withPayload(TaskEvent event, Object[] fields) {
    return new TaskEvent(
        event.taskId(),
        event.name(),
        event.state(),
        event.timestamp(),
        event.parentId(),
        event.rootId(),
        event.groupId(),
        event.chordId(),
        event.chordCallbackId(),
        event.traceId(),
        event.retries(),
        fields[0],
        fields[1],
        fields[2],
        (String) fields[3],
        (String) fields[4],
        event.hostname());
  }

  /**
   * Replaces, in place, every payload field over the per-field limit, or past what the task may
   * still keep, by a short note saying what was there: one 3 MB result costs a few dozen bytes, and
   * pages still say why. Fields that are the very objects of {@code shared} (the latest payload's,
   * kept once) cost nothing and are left as they are. Returns the estimated bytes of the fields
   * kept.
   */
  private long keepWithinLimits(TaskRecord task, Object[] fields, Object[] shared) {
    long added = 0;
    for (int i = 0; i < fields.length; i++) {
      if (fields[i] == null || (shared != null && fields[i] == shared[i])) continue;
      long size = HeapEstimate.json(fields[i]);
      boolean overField = size > maxFieldBytes;
      if (overField || task.payloadBytes + size > maxTaskPayloadBytes) {
        fields[i] =
            "[not kept: "
                + PAYLOAD_FIELDS[i]
                + " of about "
                + (size >> 10)
                + " KiB is over the "
                + (overField
                    ? (maxFieldBytes >> 10) + " KiB a field may keep]"
                    : (maxTaskPayloadBytes >> 10) + " KiB a task may keep]");
        payloadsNotKept++;
        size = HeapEstimate.string((String) fields[i]);
      } else {
        task.payloadBytes += size;
      }
      added += size;
    }
    return added;
  }

  private static final String[] PAYLOAD_FIELDS = {
    "args", "kwargs", "result", "exception", "traceback"
  };

  /**
   * Equal JSON trees with their keys in the same order: one may stand for the other without
   * changing a byte.
   */
  static boolean sameJson(Object a, Object b) {
    if (a == b) return true;
    if (a == null || b == null) return false;
    if (a instanceof Map<?, ?> left && b instanceof Map<?, ?> right) {
      if (left.size() != right.size()) return false;
      var rightEntries = right.entrySet().iterator();
      for (Map.Entry<?, ?> entry : left.entrySet()) {
        Map.Entry<?, ?> other = rightEntries.next();
        if (!Objects.equals(entry.getKey(), other.getKey())
            || !sameJson(entry.getValue(), other.getValue())) return false;
      }
      return true;
    }
    if (a instanceof List<?> left && b instanceof List<?> right) {
      int size = left.size();
      if (size != right.size()) return false;
      for (int i = 0; i < size; i++) {
        if (!sameJson(left.get(i), right.get(i))) return false;
      }
      return true;
    }
    return a.getClass() == b.getClass() && a.equals(b);
  }

  private static TaskRecord.Payload payload(TaskRecord task, TaskEvent event) {
    if (event.args() == null
        && event.kwargs() == null
        && event.result() == null
        && event.exception() == null
        && event.traceback() == null) {
      return null;
    }
    // a task's events mostly repeat its args and kwargs: keep one copy of what equals the latest
    // payload's
    TaskRecord.Payload latest = task.latestPayload();
    if (latest == null) {
      return new TaskRecord.Payload(
          event.args(), event.kwargs(), event.result(), event.exception(), event.traceback());
    }
    Object args = sameJson(latest.args(), event.args()) ? latest.args() : event.args();
    Object kwargs = sameJson(latest.kwargs(), event.kwargs()) ? latest.kwargs() : event.kwargs();
    Object result = sameJson(latest.result(), event.result()) ? latest.result() : event.result();
    String exception =
        Objects.equals(latest.exception(), event.exception())
            ? latest.exception()
            : event.exception();
    String traceback =
        Objects.equals(latest.traceback(), event.traceback())
            ? latest.traceback()
            : event.traceback();
    if (args == latest.args()
        && kwargs == latest.kwargs()
        && result == latest.result()
        && exception == latest.exception()
        && traceback == latest.traceback()) {
      return latest;
    }
    return new TaskRecord.Payload(args, kwargs, result, exception, traceback);
  }

  /**
   * An event kept verbatim, with its ids replaced by the store's own String instances where they
   * match, so that it does not hold decoded copies of ids the store already has.
   */
  private TaskEvent canonical(TaskRecord task, TaskEvent event) {
    String name = event.name();
    if (name != null) {
      NameEntry entry = names.get(name);
      if (entry != null) name = entry.name;
    }
    String groupId = event.groupId();
    if (groupId != null && task.group != null && groupId.equals(task.group.groupId))
      groupId = task.group.groupId;
    return new TaskEvent(
        task.id,
        name,
        event.state(),
        event.timestamp(),
        canonicalId(task, event.parentId()),
        canonicalId(task, event.rootId()),
        groupId,
        same(task.chordId, event.chordId()),
        same(task.chordCallbackId, event.chordCallbackId()),
        same(task.traceId, event.traceId()),
        event.retries(),
        event.args(),
        event.kwargs(),
        event.result(),
        event.exception(),
        event.traceback(),
        same(task.hostname, event.hostname()));
  }

  private String canonicalId(TaskRecord task, String id) {
    if (id == null) return null;
    if (id.equals(task.id)) return task.id;
    if (task.parentId != null && id.equals(task.parentId)) return task.parentId;
    TaskRecord known = tasksById.get(id);
    return known != null ? known.id : id;
  }

  /**
   * The chord's own copy of a callback id (every header carries it), so that headers share one
   * String.
   */
  private String canonicalCallbackId(String groupId, String callbackId) {
    GroupRecord group = groupId == null ? null : groups.get(groupId);
    if (group != null && callbackId.equals(group.callbackId)) return group.callbackId;
    TaskRecord callback = tasksById.get(callbackId);
    return callback != null ? callback.id : callbackId;
  }

  private static String same(String known, String candidate) {
    return known != null && known.equals(candidate) ? known : candidate;
  }

  /** Indexes a new task; its workflow is decided once its first event's links are known. */
  private void register(TaskRecord task, String name) {
    tasksById.add(task);
    tasksBySeq.add(task.seq, task);
    NameEntry entry = name == null ? unnamed : nameEntry(name);
    task.name = entry;
    if (entry.tasks != null) entry.tasks.add(task.seq, task);
  }

  /**
   * Links a new task to the children that arrived before it and to the chord it is the callback of.
   */
  private void linkWaiting(TaskRecord task) {
    List<TaskRecord> waiting = awaitingParent.remove(task.id);
    if (waiting != null) {
      for (TaskRecord child : waiting) {
        link(task, child);
      }
    }
    GroupRecord chord = chordsByCallback.get(task.id);
    if (chord != null) union(task.workflow, chord.workflow);
    List<TaskRecord> hinted = awaitingRoot.remove(task.id);
    if (hinted != null) {
      for (TaskRecord member : hinted) {
        union(task.workflow, member.workflow);
      }
    }
  }

  /**
   * Joins a task to the workflow its root id names, now or when that task arrives. Celery and
   * stemtrace producers set root_id to the workflow's first task, so a task whose parent is late or
   * lost still shows in its workflow (hung under the root until its parent arrives).
   */
  private void followHint(TaskRecord task) {
    TaskRecord root = tasksById.get(task.rootHint);
    if (root != null) {
      union(root.workflow, task.workflow);
    } else {
      awaitingRoot.computeIfAbsent(task.rootHint, id -> new ArrayList<>(2)).add(task);
    }
  }

  private NameEntry nameEntry(String name) {
    NameEntry entry = names.get(name);
    if (entry == null) {
      entry = new NameEntry(name);
      names.put(name, entry);
    }
    return entry;
  }

  private static void noteRun(NameEntry entry, long firstSeen) {
    if (firstSeen > entry.lastRun) entry.lastRun = firstSeen;
  }

  /**
   * A task first seen without a name (a producer that left it out) gets the first name an event
   * carries.
   */
  private void rename(TaskRecord task, String name) {
    NameEntry entry = nameEntry(name);
    TaskState state = task.state();
    unnamed.countByState[state.ordinal()]--;
    entry.countByState[state.ordinal()]++;
    unnamed.byState.remove(state, task);
    entry.byState.add(state, task);
    entry.tasks.add(task.seq, task);
    noteRun(entry, task.firstStamp());
    task.name = entry;
  }

  private void count(TaskRecord task, NameEntry entry, TaskState state, int delta) {
    countByState[state.ordinal()] += delta;
    entry.countByState[state.ordinal()] += delta;
    if (delta > 0) {
      tasksByState.add(state, task);
      entry.byState.add(state, task);
    } else {
      tasksByState.remove(state, task);
      entry.byState.remove(state, task);
    }
    HostEntry host = task.hostname == null ? null : hosts.get(task.hostname);
    if (host != null) {
      if (delta > 0) host.byState.add(state, task);
      else host.byState.remove(state, task);
    }
  }

  /** Drops an evicted task from its worker's lists, and the worker's entry once it holds none. */
  private void forgetOnHost(TaskRecord task) {
    if (task.hostname == null) return;
    HostEntry host = hosts.get(task.hostname);
    if (host == null) return;
    host.all.remove(task.seq);
    if (host.all.size() == 0) hosts.remove(task.hostname);
  }

  private void setParent(TaskRecord task, String parentId) {
    task.parentId = parentId;
    TaskRecord parent = tasksById.get(parentId);
    if (parent != null) {
      link(parent, task);
    } else {
      awaitingParent.computeIfAbsent(parentId, id -> new ArrayList<>(2)).add(task);
    }
  }

  private void link(TaskRecord parent, TaskRecord child) {
    child.parent = parent;
    parent.addChild(child);
    adopt(parent.workflow, child);
  }

  /**
   * Puts a task in a workflow: directly while it has none yet (its first event), else by joining
   * both.
   */
  private void adopt(Workflow workflow, TaskRecord task) {
    if (task.workflow == null) {
      task.workflow = workflow;
      workflow.tasks.add(task);
      workflow.version++;
    } else {
      union(workflow, task.workflow);
    }
  }

  private void joinGroup(TaskRecord task, String groupId) {
    GroupRecord group = groups.get(groupId);
    if (group == null) {
      group = new GroupRecord(groupId);
      groups.put(groupId, group);
      countGroup(task, groupId);
      if (task.workflow == null) {
        Workflow workflow = new Workflow(task.seq);
        workflow.tasks.add(task);
        task.workflow = workflow;
        workflowsBySeq.add(workflow.seq, workflow);
      }
      task.workflow.addGroup(group);
    } else {
      adopt(group.workflow, task);
    }
    group.members.add(task);
    task.group = group;
    if (task.chordCallbackId != null) registerCallback(group, task.chordCallbackId);
  }

  /**
   * Draws a chord inside the group its headers name as their chord id, creating that group if it is
   * new.
   */
  private void enclose(TaskRecord task, GroupRecord group, String enclosingId) {
    GroupRecord outer = groups.get(enclosingId);
    if (outer == null) {
      outer = new GroupRecord(enclosingId);
      groups.put(enclosingId, outer);
      countGroup(task, enclosingId);
      group.workflow.addGroup(outer);
    } else {
      union(outer.workflow, group.workflow);
    }
    group.enclosing = outer;
  }

  /**
   * A new group's estimated heap, charged to the task whose event created it: the group is evicted
   * with that task's workflow, and the charge with it, so a flood of distinct group or chord ids is
   * bounded in bytes too.
   */
  private void countGroup(TaskRecord task, String groupId) {
    long bytes = HeapEstimate.GROUP + HeapEstimate.string(groupId);
    task.heldBytes += bytes;
    heldBytes += bytes;
  }

  private void registerCallback(GroupRecord group, String callbackId) {
    if (group.callbackId != null) return;
    group.callbackId = callbackId;
    chordsByCallback.putIfAbsent(callbackId, group);
    TaskRecord callback = tasksById.get(callbackId);
    if (callback != null && callback.workflow != null) union(callback.workflow, group.workflow);
    group.workflow.version++;
  }

  /**
   * Joins two workflows by moving the smaller one's tasks and containers into the larger; the
   * result takes the older one's place in the workflow index.
   */
  private void union(Workflow a, Workflow b) {
    if (a == b) return;
    Workflow big = a.tasks.size() >= b.tasks.size() ? a : b;
    Workflow small = big == a ? b : a;
    for (TaskRecord task : small.tasks) task.workflow = big;
    big.tasks.addAll(small.tasks);
    if (small.groups != null) {
      for (GroupRecord group : small.groups) big.addGroup(group);
    }
    big.widen(small.firstSeen, small.lastUpdated);
    big.unfinished += small.unfinished;
    if (small.seq < big.seq) {
      workflowsBySeq.replace(small.seq, big);
      workflowsBySeq.remove(big.seq);
      big.seq = small.seq;
    } else {
      workflowsBySeq.remove(small.seq);
    }
    big.version++;
  }

  // ---------------------------------------------------------------- eviction

  private void evictOldest() {
    while (tasksById.size() > maxNodes || heldBytes > maxBytes) {
      Workflow oldest = workflowsBySeq.first();
      if (oldest == null) return;
      evict(oldest);
    }
  }

  private void evict(Workflow workflow) {
    for (TaskRecord task : workflow.tasks) {
      heldBytes -= task.heldBytes;
      tasksById.remove(task.id);
      tasksBySeq.remove(task.seq);
      NameEntry entry = task.name;
      count(task, entry, task.state(), -1);
      forgetOnHost(task);
      if (entry.tasks != null) {
        entry.tasks.remove(task.seq);
        if (entry.tasks.size() == 0) names.remove(entry.name);
      }
      if (task.parentId != null && task.parent == null) unwait(awaitingParent, task.parentId, task);
      // a hinted root that arrived took the task off the list already; then there is nothing to
      // find
      if (task.rootHint != null && !task.rootHint.equals(task.id))
        unwait(awaitingRoot, task.rootHint, task);
    }
    if (workflow.groups != null) {
      for (GroupRecord group : workflow.groups) {
        groups.remove(group.groupId, group);
        if (group.callbackId != null) chordsByCallback.remove(group.callbackId, group);
      }
    }
    workflowsBySeq.remove(workflow.seq);
    evictedWorkflows++;
  }

  private static void unwait(Map<String, List<TaskRecord>> index, String awaited, TaskRecord task) {
    List<TaskRecord> waiting = index.get(awaited);
    if (waiting == null) return;
    waiting.remove(task);
    if (waiting.isEmpty()) index.remove(awaited);
  }

  // ---------------------------------------------------------------- queries

  @Override
  public Optional<TaskNode> task(String taskId) {
    if (taskId == null) return Optional.empty();
    readLock.lock();
    try {
      TaskRecord task = tasksById.get(taskId);
      return task == null
          ? Optional.empty()
          : Optional.of(Snapshots.task(task, rootInfo(task.workflow).id()));
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<TaskNode> children(String taskId) {
    if (taskId == null) return List.of();
    readLock.lock();
    try {
      TaskRecord task = tasksById.get(taskId);
      if (task == null) return List.of();
      String rootId = rootInfo(task.workflow).id();
      List<TaskNode> children = new ArrayList<>();
      for (TaskRecord child : Snapshots.children(task)) children.add(Snapshots.task(child, rootId));
      return List.copyOf(children);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public Page<TaskNode> tasks(TaskQuery query) {
    if (query == null) throw new NullPointerException("query == null");
    // read before the lock: a bad cursor fails without waiting for a writer
    long below = query.cursor() == null ? Long.MAX_VALUE : PageCursors.decode(query.cursor());
    long above = query.endCursor() == null ? -1 : PageCursors.decode(query.endCursor());
    readLock.lock();
    try {
      if (query.search() != null) return search(query, below, above);
      List<SeqList<TaskRecord>> sources = new ArrayList<>();
      long total = 0;
      boolean byTime = query.from() != null || query.to() != null;
      Set<TaskState> states = query.states();
      if (query.nameContains() != null) {
        String needle = query.nameContains().toLowerCase(Locale.ROOT);
        for (NameEntry entry : names.values()) {
          if (!entry.lowerCase.contains(needle)) continue;
          sources.add(entry.tasks);
          total += count(entry.countByState, states);
        }
      } else {
        sources.add(tasksBySeq);
        total = count(countByState, states);
      }
      List<TaskNode> items = new ArrayList<>(Math.min(query.limit(), 256));
      long from = query.from() == null ? Long.MIN_VALUE : TaskRecord.toNanos(query.from());
      long to = query.to() == null ? Long.MAX_VALUE : TaskRecord.toNanos(query.to());
      long skipped = 0;
      long lastSeq = -1;
      String nextCursor = null;
      // keyset: the page starts below the cursor's arrival number; one match past a full page
      // says that a next page exists
      for (TaskCursor cursor = new TaskCursor(sources, below); cursor.hasNext(); ) {
        if (cursor.peekSeq() < above) break;
        TaskRecord task = cursor.next();
        if (!matches(task, states, from, to)) continue;
        if (items.size() == query.limit()) {
          nextCursor = PageCursors.encode(lastSeq);
          break;
        }
        if (skipped < query.offset()) {
          skipped++;
          continue;
        }
        items.add(Snapshots.task(task, rootInfo(task.workflow).id()));
        lastSeq = task.seq;
      }
      // without a time filter the counts by state give the total; with one, a walk counts
      if (byTime) total = countMatching(sources, states, from, to);
      return new Page<>(items, total, query.limit(), query.offset(), nextCursor);
    } finally {
      readLock.unlock();
    }
  }

  private static long countMatching(
      List<SeqList<TaskRecord>> sources, Set<TaskState> states, long from, long to) {
    long matched = 0;
    for (TaskCursor cursor = new TaskCursor(sources, Long.MAX_VALUE); cursor.hasNext(); ) {
      if (matches(cursor.next(), states, from, to)) matched++;
    }
    return matched;
  }

  /**
   * A query with search terms. Name, state and worker terms pick index lists (the tasks of the
   * matching names in the allowed states), so the walk sees only candidates and, without a time or
   * payload term, the counts give the total and the walk stops at the page's end. Payload and id
   * terms are tested on at most {@link #scanLimit} of the newest candidates.
   */
  private Page<TaskNode> search(TaskQuery query, long below, long above) {
    TaskSearch search = query.search();
    Candidates picked = candidates(query.states(), query.nameContains(), search);
    List<SeqList<TaskRecord>> sources = picked.sources();
    long candidates = picked.count();
    EnumSet<TaskState> states = picked.states();
    // the walk counts when a time, payload or second indexed dimension narrows the candidates
    boolean byTime = query.from() != null || query.to() != null || !picked.exact();
    boolean scans = search.scans();
    long from = query.from() == null ? Long.MIN_VALUE : TaskRecord.toNanos(query.from());
    long to = query.to() == null ? Long.MAX_VALUE : TaskRecord.toNanos(query.to());
    PayloadMatcher payloads = scans ? new PayloadMatcher(search) : null;
    // an id given whole is found however old it is; a prefix only among the scanned tasks
    TaskRecord exact = null;
    for (String prefix : search.idPrefixes()) {
      TaskRecord known = tasksById.get(prefix);
      if (known != null) exact = known;
    }
    List<TaskNode> items = new ArrayList<>(Math.min(query.limit(), 256));
    long matched = 0;
    long scanned = 0;
    boolean exactSeen = false;
    long lastSeq = -1;
    String nextCursor = null;
    // keyset as in tasks(): from below the cursor; one match past a full page names the next page
    TaskCursor cursor = new TaskCursor(sources, below);
    while (cursor.hasNext()) {
      if (scans && scanned == scanLimit) break;
      if (cursor.peekSeq() < above) break;
      TaskRecord task = cursor.next();
      if (!picked.passes(task)) continue;
      scanned++;
      long firstSeen = task.firstStamp();
      if (firstSeen < from || firstSeen > to) continue;
      if (payloads != null && !payloads.matches(task)) continue;
      if (task == exact) exactSeen = true;
      if (matched >= query.offset() && items.size() < query.limit()) {
        items.add(Snapshots.task(task, rootInfo(task.workflow).id()));
        lastSeq = task.seq;
      } else if (items.size() == query.limit() && nextCursor == null) {
        nextCursor = PageCursors.encode(lastSeq);
        if (!byTime && !scans) break;
      }
      matched++;
    }
    boolean truncated = scans && cursor.hasNext();
    // the whole id beyond the scan bound is offered once, on the first page
    if (truncated
        && below == Long.MAX_VALUE
        && exact != null
        && !exactSeen
        && states.contains(exact.state())
        && picked.matchesNames(exact)
        && picked.matchesHosts(exact)
        && exact.firstStamp() >= from
        && exact.firstStamp() <= to
        && payloads.matches(exact)) {
      if (matched >= query.offset() && items.size() < query.limit()) {
        items.add(Snapshots.task(exact, rootInfo(exact.workflow).id()));
      }
      matched++;
    }
    long total = byTime || scans ? matched : candidates;
    return new Page<>(
        items,
        total,
        query.limit(),
        query.offset(),
        nextCursor,
        scans ? new Page.Scan(scanned, truncated) : null);
  }

  /**
   * The index lists holding the tasks that the indexed terms allow, and how many tasks they hold.
   * Name terms pick the lists of the matching names, worker terms those of the matching hosts; when
   * a query has both, the smaller side is walked and the other tested on each task ({@link
   * #passes}), so the count is then an upper bound the walk refines.
   *
   * @param sources lists to merge newest first
   * @param count the tasks they hold
   * @param exact true when {@code count} is the number of matches of the indexed terms
   * @param states the states allowed
   * @param needle the lower-cased name substring of the query, or null
   * @param names the search's name patterns
   * @param hosts the search's worker patterns
   * @param testNames the walk must test the name terms (the hosts' lists were picked)
   * @param testHosts the walk must test the worker terms (the names' lists were picked)
   */
  private record Candidates(
      List<SeqList<TaskRecord>> sources,
      long count,
      boolean exact,
      EnumSet<TaskState> states,
      String needle,
      List<TaskSearch.Pattern> names,
      List<TaskSearch.Pattern> hosts,
      boolean testNames,
      boolean testHosts) {

    boolean passes(TaskRecord task) {
      return (!testNames || matchesNames(task)) && (!testHosts || matchesHosts(task));
    }

    boolean matchesNames(TaskRecord task) {
      String name = task.name.name;
      if (needle != null && (name == null || !task.name.lowerCase.contains(needle))) return false;
      for (TaskSearch.Pattern pattern : names) {
        if (!pattern.matches(name)) return false;
      }
      return true;
    }

    boolean matchesHosts(TaskRecord task) {
      for (TaskSearch.Pattern pattern : hosts) {
        if (task.hostname == null || !pattern.matches(task.hostname)) return false;
      }
      return true;
    }
  }

  private Candidates candidates(
      Set<TaskState> queryStates, String nameContains, TaskSearch search) {
    EnumSet<TaskState> states = EnumSet.allOf(TaskState.class);
    boolean anyState = true;
    if (!queryStates.isEmpty()) {
      states.retainAll(queryStates);
      anyState = false;
    }
    if (search.states() != null) {
      states.retainAll(search.states());
      anyState = false;
    }
    Set<TaskState> wanted = anyState ? null : states;
    String needle = nameContains == null ? null : nameContains.toLowerCase(Locale.ROOT);
    boolean byName = needle != null || !search.names().isEmpty();
    boolean byHost = !search.workers().isEmpty();
    List<SeqList<TaskRecord>> nameSources = new ArrayList<>();
    long nameCount = 0;
    if (byName) {
      for (NameEntry entry : names.values()) {
        if (needle != null && (entry.lowerCase == null || !entry.lowerCase.contains(needle))) {
          continue;
        }
        boolean all = true;
        for (TaskSearch.Pattern pattern : search.names()) all &= pattern.matches(entry.name);
        if (!all) continue;
        nameCount += addSources(nameSources, wanted, entry.tasks, entry.byState);
      }
    }
    List<SeqList<TaskRecord>> hostSources = new ArrayList<>();
    long hostCount = 0;
    if (byHost) {
      for (HostEntry entry : hosts.values()) {
        boolean all = true;
        for (TaskSearch.Pattern pattern : search.workers()) all &= pattern.matches(entry.hostname);
        if (!all) continue;
        hostCount += addSources(hostSources, wanted, entry.all, entry.byState);
      }
    }
    List<TaskSearch.Pattern> namePatterns = search.names();
    List<TaskSearch.Pattern> hostPatterns = search.workers();
    if (byName && byHost) {
      boolean walkNames = nameCount <= hostCount;
      return new Candidates(
          walkNames ? nameSources : hostSources,
          Math.min(nameCount, hostCount),
          false,
          states,
          needle,
          namePatterns,
          hostPatterns,
          !walkNames,
          walkNames);
    }
    if (byName) {
      return new Candidates(
          nameSources, nameCount, true, states, needle, namePatterns, hostPatterns, false, false);
    }
    if (byHost) {
      return new Candidates(
          hostSources, hostCount, true, states, needle, namePatterns, hostPatterns, false, false);
    }
    List<SeqList<TaskRecord>> sources = new ArrayList<>();
    long count = addSources(sources, wanted, tasksBySeq, tasksByState);
    return new Candidates(
        sources, count, true, states, needle, namePatterns, hostPatterns, false, false);
  }

  /**
   * Workflows holding a task the search matches, newest first, filtered by the query's own workflow
   * filters. The matching tasks are walked newest first, at most {@link #scanLimit} of them, so the
   * page always says how far it looked.
   */
  private Page<WorkflowSummary> searchWorkflows(WorkflowQuery query, long below, long above) {
    TaskSearch search = query.search();
    Candidates picked = candidates(Set.of(), null, search);
    PayloadMatcher payloads = search.scans() ? new PayloadMatcher(search) : null;
    java.util.Set<Workflow> found =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    long scanned = 0;
    TaskCursor cursor = new TaskCursor(picked.sources(), Long.MAX_VALUE);
    while (cursor.hasNext() && scanned < scanLimit) {
      TaskRecord task = cursor.next();
      if (!picked.passes(task)) continue;
      scanned++;
      if (payloads == null || payloads.matches(task)) found.add(task.workflow);
    }
    boolean truncated = cursor.hasNext();
    List<Workflow> ordered = new ArrayList<>(found);
    ordered.sort(Comparator.comparingLong((Workflow w) -> w.seq).reversed());
    String needle =
        query.nameContains() == null ? null : query.nameContains().toLowerCase(Locale.ROOT);
    long from = query.from() == null ? Long.MIN_VALUE : TaskRecord.toNanos(query.from());
    long to = query.to() == null ? Long.MAX_VALUE : TaskRecord.toNanos(query.to());
    List<WorkflowSummary> items = new ArrayList<>(Math.min(query.limit(), 256));
    long matched = 0;
    long skipped = 0;
    long lastSeq = -1;
    String nextCursor = null;
    for (Workflow workflow : ordered) {
      if (workflow.firstSeen < from || workflow.firstSeen > to) continue;
      WorkflowSummary summary = summary(workflow);
      if (!query.states().isEmpty() && !query.states().contains(summary.state())) continue;
      if (needle != null
          && (summary.name() == null
              || !summary.name().toLowerCase(Locale.ROOT).contains(needle))) {
        continue;
      }
      matched++;
      // the cursor bounds the page, not the count
      if (nextCursor != null || workflow.seq >= below || workflow.seq < above) continue;
      if (items.size() == query.limit()) {
        nextCursor = PageCursors.encode(lastSeq);
        continue;
      }
      if (skipped < query.offset()) {
        skipped++;
        continue;
      }
      items.add(summary);
      lastSeq = workflow.seq;
    }
    return new Page<>(
        items,
        matched,
        query.limit(),
        query.offset(),
        nextCursor,
        new Page.Scan(scanned, truncated));
  }

  /**
   * Adds the lists holding the tasks of {@code all} in one of {@code states} (null: any state);
   * returns how many tasks they hold.
   */
  private static long addSources(
      List<SeqList<TaskRecord>> sources,
      Set<TaskState> states,
      SeqList<TaskRecord> all,
      StateLists byState) {
    if (states == null) {
      sources.add(all);
      return all.size();
    }
    long held = 0;
    for (TaskState state : states) {
      SeqList<TaskRecord> list = byState.of(state);
      if (list == null || list.size() == 0) continue;
      sources.add(list);
      held += list.size();
    }
    return held;
  }

  private static long count(long[] byState, Set<TaskState> states) {
    long total = 0;
    if (states.isEmpty()) {
      for (long count : byState) total += count;
    } else {
      for (TaskState state : states) total += byState[state.ordinal()];
    }
    return total;
  }

  private static boolean matches(TaskRecord task, Set<TaskState> states, long from, long to) {
    if (!states.isEmpty() && !states.contains(task.state())) return false;
    long firstSeen = task.firstStamp();
    return firstSeen >= from && firstSeen <= to;
  }

  /** Merges newest-first cursors over several seq-ordered lists (one per matching task name). */
  private static final class TaskCursor {
    private final PriorityQueue<SeqList.Cursor<TaskRecord>> queue;
    private final SeqList.Cursor<TaskRecord> single;

    /** Walks the tasks numbered below {@code below}, newest first. */
    TaskCursor(List<SeqList<TaskRecord>> sources, long below) {
      if (sources.size() == 1) {
        single = sources.get(0).newestFirstBelow(below);
        queue = null;
      } else {
        single = null;
        queue =
            new PriorityQueue<>(
                Math.max(1, sources.size()),
                Comparator.comparingLong((SeqList.Cursor<TaskRecord> c) -> c.peekSeq()).reversed());
        for (SeqList<TaskRecord> source : sources) {
          SeqList.Cursor<TaskRecord> cursor = source.newestFirstBelow(below);
          if (cursor.hasNext()) queue.add(cursor);
        }
      }
    }

    boolean hasNext() {
      return single != null ? single.hasNext() : !queue.isEmpty();
    }

    /** Arrival number of the task {@link #next()} returns. */
    long peekSeq() {
      return single != null ? single.peekSeq() : queue.peek().peekSeq();
    }

    TaskRecord next() {
      if (single != null) return single.next();
      SeqList.Cursor<TaskRecord> cursor = queue.poll();
      TaskRecord task = cursor.next();
      if (cursor.hasNext()) queue.add(cursor);
      return task;
    }
  }

  @Override
  public Page<WorkflowSummary> workflows(WorkflowQuery query) {
    if (query == null) throw new NullPointerException("query == null");
    long below = query.cursor() == null ? Long.MAX_VALUE : PageCursors.decode(query.cursor());
    long above = query.endCursor() == null ? -1 : PageCursors.decode(query.endCursor());
    readLock.lock();
    try {
      if (query.search() != null) return searchWorkflows(query, below, above);
      boolean filtered =
          !query.states().isEmpty()
              || query.nameContains() != null
              || query.from() != null
              || query.to() != null;
      String needle =
          query.nameContains() == null ? null : query.nameContains().toLowerCase(Locale.ROOT);
      long from = query.from() == null ? Long.MIN_VALUE : TaskRecord.toNanos(query.from());
      long to = query.to() == null ? Long.MAX_VALUE : TaskRecord.toNanos(query.to());
      List<WorkflowSummary> items = new ArrayList<>(Math.min(query.limit(), 256));
      long matched = 0;
      long skipped = 0;
      long lastSeq = -1;
      String nextCursor = null;
      // a filtered list walks every workflow to count its total; an unfiltered one starts at the
      // cursor and stops one past the page
      SeqList.Cursor<Workflow> cursor =
          filtered ? workflowsBySeq.newestFirst() : workflowsBySeq.newestFirstBelow(below);
      while (cursor.hasNext()) {
        long seq = cursor.peekSeq();
        if (!filtered && seq < above) break;
        Workflow workflow = cursor.next();
        WorkflowSummary summary = null;
        if (filtered) {
          if (workflow.firstSeen < from || workflow.firstSeen > to) continue;
          summary = summary(workflow);
          if (!query.states().isEmpty() && !query.states().contains(summary.state())) continue;
          if (needle != null
              && (summary.name() == null
                  || !summary.name().toLowerCase(Locale.ROOT).contains(needle))) {
            continue;
          }
          matched++;
        }
        if (nextCursor != null || seq >= below || seq < above) continue;
        if (items.size() == query.limit()) {
          nextCursor = PageCursors.encode(lastSeq);
          if (filtered) continue;
          break;
        }
        if (skipped < query.offset()) {
          skipped++;
          continue;
        }
        items.add(summary != null ? summary : summary(workflow));
        lastSeq = seq;
      }
      return new Page<>(
          items,
          filtered ? matched : workflowsBySeq.size(),
          query.limit(),
          query.offset(),
          nextCursor);
    } finally {
      readLock.unlock();
    }
  }

  private WorkflowSummary summary(Workflow workflow) {
    Workflow.RootInfo root = rootInfo(workflow);
    if (root.task() != null) {
      TaskRecord task = root.task();
      return new WorkflowSummary(
          task.id,
          GraphNode.NodeType.TASK,
          task.name.name,
          task.state(),
          workflow.tasks.size(),
          TaskRecord.toInstant(workflow.firstSeen),
          TaskRecord.toInstant(workflow.lastUpdated),
          finished(workflow, root));
    }
    GroupRecord group = root.group();
    TaskRecord first = null;
    for (TaskRecord member : group.members) {
      if (first == null || member.seq < first.seq) first = member;
    }
    TaskState state =
        Layout.withAwaitedBody(Layout.aggregateState(root.aggregated()), root.awaitsBody());
    return new WorkflowSummary(
        group.containerId(),
        root.chord() ? GraphNode.NodeType.CHORD : GraphNode.NodeType.GROUP,
        first == null ? null : first.name.name,
        state,
        workflow.tasks.size(),
        TaskRecord.toInstant(workflow.firstSeen),
        TaskRecord.toInstant(workflow.lastUpdated),
        finished(workflow, root));
  }

  /**
   * Every task terminal and no chord waiting for its callback: the workflow's duration is known.
   */
  private static boolean finished(Workflow workflow, Workflow.RootInfo root) {
    return workflow.unfinished == 0 && !root.chordWaits();
  }

  @Override
  public Optional<WorkflowSummary> workflowSummary(String rootId) {
    if (rootId == null) return Optional.empty();
    readLock.lock();
    try {
      Workflow workflow = workflowById(rootId);
      if (workflow == null) return Optional.empty();
      WorkflowSummary summary = summary(workflow);
      return summary.rootId().equals(rootId) ? Optional.of(summary) : Optional.empty();
    } finally {
      readLock.unlock();
    }
  }

  /**
   * The workflow's root, from the cache while the structure did not change. Safe under the read
   * lock.
   */
  private static Workflow.RootInfo rootInfo(Workflow workflow) {
    Workflow.RootInfo root = workflow.root;
    if (root != null && root.version() == workflow.version) return root;
    root = Layout.of(workflow).rootInfo(workflow.version);
    workflow.root = root; // racing readers compute the same value
    return root;
  }

  @Override
  public Optional<WorkflowGraph> workflow(String rootId) {
    if (rootId == null) return Optional.empty();
    readLock.lock();
    try {
      Workflow workflow = workflowById(rootId);
      if (workflow == null) return Optional.empty();
      Layout layout = Layout.of(workflow);
      workflow.root = layout.rootInfo(workflow.version);
      if (!Layout.idOf(layout.root).equals(rootId)) return Optional.empty();
      Map<String, GraphNode> nodes = new LinkedHashMap<>(layout.order.size() * 2);
      for (Object node : layout.order) {
        List<String> childIds = layout.childIds(node);
        if (node instanceof TaskRecord task) {
          nodes.put(
              task.id,
              new GraphNode(
                  task.id,
                  GraphNode.NodeType.TASK,
                  task.name.name,
                  task.state(),
                  childIds,
                  Snapshots.task(task, rootId),
                  task.firstSeen(),
                  task.lastUpdated()));
        } else {
          GroupRecord group = (GroupRecord) node;
          Layout.Summary summary = layout.summary(group);
          boolean chord = layout.isChord(group);
          Object body = layout.body(group);
          String bodyId = body == null ? null : Layout.idOf(body);
          if (bodyId != null && !childIds.contains(bodyId))
            bodyId = null; // moved by the cycle fallback
          nodes.put(
              group.containerId(),
              new GraphNode(
                  group.containerId(),
                  chord ? GraphNode.NodeType.CHORD : GraphNode.NodeType.GROUP,
                  chord ? "chord" : "group",
                  summary.state(),
                  childIds,
                  null,
                  summary.firstSeen(),
                  summary.lastUpdated(),
                  bodyId));
        }
      }
      return Optional.of(new WorkflowGraph(rootId, nodes));
    } finally {
      readLock.unlock();
    }
  }

  private Workflow workflowById(String id) {
    String groupId = GraphNode.groupIdOf(id);
    if (groupId != null) {
      GroupRecord group = groups.get(groupId);
      if (group != null) return group.workflow;
    }
    TaskRecord task = tasksById.get(id);
    return task == null ? null : task.workflow;
  }

  @Override
  public Optional<String> workflowOf(String taskId) {
    if (taskId == null) return Optional.empty();
    readLock.lock();
    try {
      TaskRecord task = tasksById.get(taskId);
      return task == null ? Optional.empty() : Optional.of(rootInfo(task.workflow).id());
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<WorkerInfo> workers() {
    readLock.lock();
    try {
      return workers.all();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public Optional<WorkerInfo> worker(String hostname) {
    if (hostname == null) return Optional.empty();
    readLock.lock();
    try {
      return workers.get(hostname);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    readLock.lock();
    try {
      return workers.registry(names, query, status);
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public long taskCount() {
    readLock.lock();
    try {
      return tasksById.size();
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public long workflowCount() {
    readLock.lock();
    try {
      return workflowsBySeq.size();
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Entries of the search's state indexes (over all tasks, and per name); two per task held, so
   * that tests can check eviction and renames leave none behind.
   */
  long stateIndexEntries() {
    readLock.lock();
    try {
      long entries = tasksByState.entries() + unnamed.byState.entries();
      for (NameEntry entry : names.values()) entries += entry.byState.entries();
      return entries;
    } finally {
      readLock.unlock();
    }
  }

  /** How many workflows were evicted since the store was created. */
  long evictedWorkflowCount() {
    readLock.lock();
    try {
      return evictedWorkflows;
    } finally {
      readLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryGraphStore{maxNodes=" + maxNodes + ", maxBytes=" + maxBytes + "}";
  }

  /** The size of every internal table, so tests can check that eviction leaves nothing behind. */
  TableSizes tableSizes() {
    readLock.lock();
    try {
      long nameListEntries = 0;
      long nameListSlots = 0;
      long namedCounts = 0;
      for (NameEntry entry : names.values()) {
        nameListEntries += entry.tasks.size();
        nameListSlots += entry.tasks.slots();
        namedCounts += entry.count();
      }
      long awaiting = 0;
      for (List<TaskRecord> waiting : awaitingParent.values()) awaiting += waiting.size();
      long awaitingRoots = 0;
      for (List<TaskRecord> waiting : awaitingRoot.values()) awaitingRoots += waiting.size();
      long members = 0;
      long groupsInWorkflows = 0;
      for (SeqList.Cursor<Workflow> cursor = workflowsBySeq.newestFirst(); cursor.hasNext(); ) {
        Workflow workflow = cursor.next();
        members += workflow.tasks.size();
        groupsInWorkflows += workflow.groups == null ? 0 : workflow.groups.size();
      }
      long stateCounts = 0;
      for (long count : countByState) stateCounts += count;
      return new TableSizes(
          tasksById.size(),
          tasksBySeq.size(),
          tasksBySeq.slots(),
          names.size(),
          nameListEntries,
          nameListSlots,
          namedCounts + unnamed.count(),
          stateCounts,
          awaitingParent.size(),
          awaiting,
          awaitingRoot.size(),
          awaitingRoots,
          groups.size(),
          groupsInWorkflows,
          chordsByCallback.size(),
          workflowsBySeq.size(),
          workflowsBySeq.slots(),
          members);
    } finally {
      readLock.unlock();
    }
  }

  /** Sizes of the internal tables; see {@link #tableSizes()}. */
  record TableSizes(
      int tasksById,
      int tasksBySeq,
      int tasksBySeqSlots,
      int names,
      long nameListEntries,
      long nameListSlots,
      long nameCounts,
      long stateCounts,
      int awaitingParentKeys,
      long awaitingChildren,
      int awaitingRootKeys,
      long awaitingRootTasks,
      int groups,
      long groupsInWorkflows,
      int chordsByCallback,
      int workflows,
      int workflowSlots,
      long workflowMembers) {}

  /** Configures an {@link InMemoryGraphStore}. */
  public static final class Builder {
    private int maxNodes = DEFAULT_MAX_NODES;
    private long maxBytes;
    private int maxFieldBytes = DEFAULT_MAX_FIELD_BYTES;
    private int maxTaskPayloadBytes = DEFAULT_MAX_TASK_PAYLOAD_BYTES;
    private int scanLimit = DEFAULT_SCAN_LIMIT;

    Builder() {}

    /**
     * The most candidate tasks, newest first, one search with payload or id terms ({@code args
     * kwargs result exception id}, free text) looks at; its page then says it was truncated.
     * Default {@value InMemoryGraphStore#DEFAULT_SCAN_LIMIT}.
     */
    public Builder scanLimit(int scanLimit) {
      if (scanLimit < 1) throw new IllegalArgumentException("scanLimit < 1: " + scanLimit);
      this.scanLimit = scanLimit;
      return this;
    }

    /**
     * The most estimated heap bytes to hold; whole oldest workflows are evicted beyond it, as for
     * {@link #maxNodes}. Default: a quarter of the JVM's maximum heap (at least 16 MiB).
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1 << 20) throw new IllegalArgumentException("maxBytes < 1 MiB: " + maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * The most estimated heap one payload field keeps; larger ones become a note. Default 64 KiB.
     */
    public Builder maxFieldBytes(int maxFieldBytes) {
      if (maxFieldBytes < 1)
        throw new IllegalArgumentException("maxFieldBytes < 1: " + maxFieldBytes);
      this.maxFieldBytes = maxFieldBytes;
      return this;
    }

    /** The most estimated heap of payloads one task keeps over all its events. Default 256 KiB. */
    public Builder maxTaskPayloadBytes(int maxTaskPayloadBytes) {
      if (maxTaskPayloadBytes < 1) {
        throw new IllegalArgumentException("maxTaskPayloadBytes < 1: " + maxTaskPayloadBytes);
      }
      this.maxTaskPayloadBytes = maxTaskPayloadBytes;
      return this;
    }

    /** The most tasks to keep; whole oldest workflows are evicted beyond it. Default 100 000. */
    public Builder maxNodes(int maxNodes) {
      if (maxNodes < 1) throw new IllegalArgumentException("maxNodes < 1: " + maxNodes);
      this.maxNodes = maxNodes;
      return this;
    }

    public InMemoryGraphStore build() {
      return new InMemoryGraphStore(this);
    }
  }
}
