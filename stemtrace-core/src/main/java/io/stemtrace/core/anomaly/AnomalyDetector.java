package io.stemtrace.core.anomaly;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.core.EventListener;
import io.stemtrace.core.WorkerLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises and clears anomalies live, from the events a consumer applied (register it as the
 * consumer's {@link EventListener}).
 *
 * <p>Guarantees: each event costs O(1) amortised (hash lookups and one ordered-map insert keyed by
 * the deadline's second); the timer does work only for deadlines that are due, never a scan of all
 * tasks. Only tasks that have not finished are watched; a finished task's watch and anomalies go
 * away at once. Before an anomaly is raised, the store is asked whether the task is still there and
 * still in that state, so a late event or an evicted workflow does not raise a false one; raised
 * anomalies are re-checked against the store once per threshold, which also prunes watches of
 * evicted tasks. At most {@code maxWatched} tasks and as many chords are watched; beyond that the
 * oldest watches are dropped.
 *
 * <p>Task events carry no worker: a STARTED task is attributed to the one worker that registers its
 * name and was up when it started; when two or more do, it is attributed to none and cannot be
 * INTERRUPTED (see RATIONALE.md).
 *
 * <p>Raised anomalies are also counted in groups by type and task name ({@link #groups}), which
 * people acknowledge and mute; a group whose anomalies all cleared is resolved and stays listed for
 * {@link Builder#resolvedRetention}. Groups are kept in memory only. Thread-safe: the consumer
 * thread, the timer thread and queries share one lock; the flags per task ({@link #anomaliesOf})
 * are read without it.
 */
public final class AnomalyDetector implements EventListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetector.class);
  private static final long NONE = Long.MIN_VALUE;
  private static final int CLOSED_CHORDS_KEPT = 10_000;

  /** How long a resolved group stays listed unless configured. */
  public static final Duration DEFAULT_RESOLVED_RETENTION = Duration.ofHours(1);

  private final GraphStore store;
  private final Clock clock;
  private final Duration pendingThreshold;
  private final Duration startedThreshold;
  private final Duration chordThreshold;
  private final Duration checkInterval;
  private final int maxWatched;
  private final List<AnomalyListener> listeners;

  private final Object lock = new Object();
  // everything below up to `flags` is guarded by `lock`
  private final LinkedHashMap<String, Watch> watches = new LinkedHashMap<>();
  private final TreeMap<Long, LinkedHashSet<Timed>> wheel = new TreeMap<>();
  private final Map<String, Set<Watch>> unregisteredByName = new HashMap<>();
  private final Map<String, Set<Watch>> runningByWorker = new HashMap<>();
  private final Map<String, WorkerView> workers = new HashMap<>();
  private final Map<String, Set<String>> hostsByName = new HashMap<>();
  private long registeredNames;
  private Instant newestWorkerEvent;
  private final LinkedHashMap<String, ChordWatch> chords = new LinkedHashMap<>();
  private final Map<String, ChordWatch> chordOfMember = new HashMap<>();
  private final LinkedHashMap<String, Boolean> closedChords =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > CLOSED_CHORDS_KEPT;
        }
      };
  private final LinkedHashMap<Key, Raised> raised = new LinkedHashMap<>();
  private final AnomalyGroups groups;
  private List<AnomalyChange> changes = new ArrayList<>();

  /**
   * raised types per subject, immutable sets replaced on change: read by renderers without the lock
   */
  private final ConcurrentHashMap<String, Set<AnomalyType>> flags = new ConcurrentHashMap<>();

  private volatile ScheduledExecutorService timer;
  private volatile boolean closed;

  private AnomalyDetector(Builder builder) {
    this.store = builder.store;
    this.clock = builder.clock;
    this.pendingThreshold = builder.pendingThreshold;
    this.startedThreshold = builder.startedThreshold;
    this.chordThreshold = builder.chordThreshold;
    this.checkInterval = builder.checkInterval;
    this.maxWatched = builder.maxWatched;
    this.groups = new AnomalyGroups(builder.resolvedRetention);
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
  }

  /** A detector that verifies against {@code store} (the store the consumer applies to). */
  public static Builder builder(GraphStore store) {
    return new Builder(store);
  }

  /**
   * Starts the daemon timer ({@code stemtrace-anomalies}) that checks due deadlines. Idempotent.
   */
  public synchronized AnomalyDetector start() {
    if (closed) throw new IllegalStateException("detector closed");
    if (timer != null) return this;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "stemtrace-anomalies");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    long millis = checkInterval.toMillis();
    executor.scheduleWithFixedDelay(this::checkSafely, millis, millis, TimeUnit.MILLISECONDS);
    timer = executor;
    return this;
  }

  /** Adds a listener told about raised and cleared anomalies. */
  public void addListener(AnomalyListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }

  // ---------------------------------------------------------------- events

  @Override
  public void onApplied(List<StemtraceEvent> events) {
    List<AnomalyChange> out;
    synchronized (lock) {
      for (StemtraceEvent event : events) {
        if (event instanceof TaskEvent task) {
          onTask(task);
        } else if (event instanceof WorkerEvent worker) {
          onWorker(worker);
        }
      }
      out = drainChanges();
    }
    publish(out);
  }

  /**
   * Raises what became due by the clock. The timer calls it; tests with a fixed clock call it
   * directly.
   */
  public void checkDeadlines() {
    List<AnomalyChange> out;
    synchronized (lock) {
      long now = clock.millis();
      groups.expire(Instant.ofEpochMilli(now));
      long nowSecond = Math.floorDiv(now, 1000);
      while (true) {
        Map.Entry<Long, LinkedHashSet<Timed>> first = wheel.firstEntry();
        if (first == null || first.getKey() > nowSecond) break;
        List<Timed> due = new ArrayList<>();
        for (Timed timed : first.getValue()) {
          if (timed.deadline <= now) due.add(timed);
        }
        if (due.isEmpty()) break; // only the current second's bucket holds entries not yet due
        for (Timed timed : due) {
          unschedule(timed);
          if (timed instanceof Watch watch) {
            fire(watch, now);
          } else {
            fire((ChordWatch) timed, now);
          }
        }
      }
      out = drainChanges();
    }
    publish(out);
  }

  private void checkSafely() {
    try {
      checkDeadlines();
    } catch (RuntimeException e) {
      LOG.warn("anomaly check failed", e);
    }
  }

  private void onTask(TaskEvent event) {
    onChordEvent(event);
    Watch watch = watches.get(event.taskId());
    if (watch == null) {
      if (event.state().isTerminal()) return;
      watch = new Watch(event.taskId());
      watches.put(watch.id, watch);
      while (watches.size() > maxWatched) drop(watches.values().iterator().next());
    } else if (watch.state == event.state()
        && watch.retries == event.retries()
        && event.timestamp().equals(watch.stamp)) {
      return; // a duplicate
    } else if (!beats(event, watch.retries, watch.state, watch.stamp)) {
      if (watch.name == null) watch.name = event.name();
      return;
    }
    if (watch.name == null) watch.name = event.name();
    Category before = watch.category;
    watch.retries = event.retries();
    watch.state = event.state();
    watch.stamp = event.timestamp();
    Category now = Category.of(event.state());
    if (now == Category.DONE) {
      drop(watch);
    } else if (now != before || event.state() == TaskState.STARTED) {
      enter(watch, now, event.timestamp());
    } else if (watch.state != TaskState.PENDING) {
      clear(watch.id, AnomalyType.UNREGISTERED); // a worker received it after all
      unindexUnregistered(watch);
    }
  }

  /**
   * The task entered a new stretch of waiting or running: what was raised for the old one is over.
   */
  private void enter(Watch watch, Category category, Instant since) {
    clearAll(watch.id);
    unindex(watch);
    watch.category = category;
    watch.since = since;
    if (category == Category.WAITING) {
      if (watch.state == TaskState.PENDING && isUnregistered(watch.name)) raiseUnregistered(watch);
      schedule(watch, plus(since, pendingThreshold));
    } else {
      watch.worker = attribute(watch.name, since);
      if (watch.worker != null) {
        runningByWorker.computeIfAbsent(watch.worker, host -> new LinkedHashSet<>()).add(watch);
        WorkerView worker = workers.get(watch.worker);
        if (worker.shutdownAt != null && !worker.online && !since.isAfter(worker.shutdownAt)) {
          raiseInterrupted(watch, worker.hostname, worker.shutdownAt);
        }
      }
      schedule(watch, plus(since, startedThreshold));
    }
  }

  private void raiseUnregistered(Watch watch) {
    Optional<TaskNode> node = store.task(watch.id);
    if (node.isEmpty() || node.get().state() != TaskState.PENDING)
      return; // the store knows better already
    unregisteredByName.computeIfAbsent(watch.name, name -> new LinkedHashSet<>()).add(watch);
    raise(
        new Raised(
            AnomalyType.UNREGISTERED,
            watch.id,
            watch.id,
            watch.name,
            watch.since,
            null,
            null,
            "no known worker registers " + watch.name + knownWorkers()));
  }

  private void raiseInterrupted(Watch watch, String hostname, Instant shutdownAt) {
    clear(watch.id, AnomalyType.STUCK_STARTED); // the interruption explains it
    raise(
        new Raised(
            AnomalyType.INTERRUPTED,
            watch.id,
            watch.id,
            watch.name,
            shutdownAt,
            null,
            hostname,
            "worker " + hostname + " shut down while the task was running"));
  }

  private String knownWorkers() {
    List<String> hosts = new ArrayList<>(workers.keySet());
    Collections.sort(hosts);
    if (hosts.size() > 5)
      return " (known workers: " + String.join(", ", hosts.subList(0, 5)) + ", ...)";
    return " (known workers: " + String.join(", ", hosts) + ")";
  }

  private void fire(Watch watch, long nowMillis) {
    Optional<TaskNode> node = store.task(watch.id);
    if (node.isEmpty() || node.get().state().isTerminal()) {
      drop(watch); // evicted, or finished by an event this detector did not see
      return;
    }
    if (watch.category == Category.WAITING) {
      if (watch.state == TaskState.PENDING && isUnregistered(watch.name)) {
        if (!has(watch.id, AnomalyType.UNREGISTERED)) raiseUnregistered(watch);
      } else if (!has(watch.id, AnomalyType.UNREGISTERED)) {
        raise(
            new Raised(
                AnomalyType.STUCK_PENDING,
                watch.id,
                watch.id,
                watch.name,
                watch.since,
                null,
                null,
                "waiting ("
                    + watch.state
                    + ") for longer than "
                    + pendingThreshold.toSeconds()
                    + " s"));
      }
      schedule(watch, nowMillis + Math.max(pendingThreshold.toMillis(), 1000));
    } else {
      if (!has(watch.id, AnomalyType.INTERRUPTED)) {
        raise(
            new Raised(
                AnomalyType.STUCK_STARTED,
                watch.id,
                watch.id,
                watch.name,
                watch.since,
                null,
                watch.worker,
                "started " + startedThreshold.toSeconds() + " s ago or more without finishing"));
      }
      schedule(watch, nowMillis + Math.max(startedThreshold.toMillis(), 1000));
    }
  }

  private void drop(Watch watch) {
    clearAll(watch.id);
    unindex(watch);
    unschedule(watch);
    watches.remove(watch.id);
  }

  private void unindex(Watch watch) {
    unindexUnregistered(watch);
    if (watch.worker != null) {
      Set<Watch> running = runningByWorker.get(watch.worker);
      if (running != null) {
        running.remove(watch);
        if (running.isEmpty()) runningByWorker.remove(watch.worker);
      }
      watch.worker = null;
    }
  }

  private void unindexUnregistered(Watch watch) {
    if (watch.name == null) return;
    Set<Watch> waiting = unregisteredByName.get(watch.name);
    if (waiting != null && waiting.remove(watch) && waiting.isEmpty())
      unregisteredByName.remove(watch.name);
  }

  // ---------------------------------------------------------------- workers

  private void onWorker(WorkerEvent event) {
    WorkerView worker = workers.computeIfAbsent(event.hostname(), WorkerView::new);
    Instant at = event.timestamp();
    try {
      onWorker(worker, event, at);
    } finally {
      if (newestWorkerEvent == null || at.isAfter(newestWorkerEvent)) newestWorkerEvent = at;
      if (worker.lastHeard == null || at.isAfter(worker.lastHeard)) worker.lastHeard = at;
      forgetWorkersBeyondBounds(worker);
    }
  }

  private void onWorker(WorkerView worker, WorkerEvent event, Instant at) {
    boolean latest = worker.statusAt == null || !at.isBefore(worker.statusAt);
    if (event.type() == WorkerEvent.Type.READY) {
      if (worker.registeredAt == null || !at.isBefore(worker.registeredAt)) {
        for (String name : worker.registered) {
          Set<String> hosts = hostsByName.get(name);
          if (hosts != null && hosts.remove(worker.hostname) && hosts.isEmpty())
            hostsByName.remove(name);
        }
        List<String> names = event.registeredTasks();
        if (names.size() > WorkerLimits.MAX_REGISTERED_PER_WORKER) {
          names = names.subList(0, WorkerLimits.MAX_REGISTERED_PER_WORKER);
        }
        registeredNames -= worker.registered.size();
        worker.registered = new LinkedHashSet<>(names);
        registeredNames += worker.registered.size();
        worker.registeredAt = at;
        for (String name : worker.registered) {
          hostsByName.computeIfAbsent(name, n -> new HashSet<>(2)).add(worker.hostname);
          Set<Watch> waiting = unregisteredByName.remove(name);
          if (waiting == null) continue;
          for (Watch watch : waiting) {
            clear(watch.id, AnomalyType.UNREGISTERED);
            schedule(
                watch, plus(watch.since, pendingThreshold)); // now an ordinary wait: may be stuck
          }
        }
      }
      if (latest) {
        worker.online = true;
        worker.statusAt = at;
      }
    } else {
      if (latest) {
        worker.online = false;
        worker.statusAt = at;
        worker.shutdownAt = at;
      }
      Set<Watch> running = runningByWorker.get(worker.hostname);
      if (running == null) return;
      for (Watch watch : List.copyOf(running)) {
        if (watch.category == Category.RUNNING && !watch.since.isAfter(at)) {
          raiseInterrupted(watch, worker.hostname, at);
        }
      }
    }
  }

  /**
   * As the store's registry does ({@link WorkerLimits}): offline past the retention, then the least
   * recent.
   */
  private void forgetWorkersBeyondBounds(WorkerView keep) {
    Instant offlineBefore = newestWorkerEvent.minus(WorkerLimits.OFFLINE_RETENTION);
    List<WorkerView> expired = new ArrayList<>();
    for (WorkerView w : workers.values()) {
      if (w != keep && !w.online && w.statusAt != null && w.statusAt.isBefore(offlineBefore))
        expired.add(w);
    }
    for (WorkerView w : expired) forgetWorker(w);
    if (workers.size() <= WorkerLimits.MAX_WORKERS
        && registeredNames <= WorkerLimits.MAX_REGISTERED_NAMES) return;
    List<WorkerView> candidates = new ArrayList<>(workers.values());
    candidates.remove(keep);
    candidates.sort(
        Comparator.comparing((WorkerView w) -> w.online).thenComparing(w -> w.lastHeard));
    for (WorkerView w : candidates) {
      if (workers.size() <= WorkerLimits.MAX_WORKERS
          && registeredNames <= WorkerLimits.MAX_REGISTERED_NAMES) break;
      forgetWorker(w);
    }
  }

  private void forgetWorker(WorkerView worker) {
    workers.remove(worker.hostname);
    registeredNames -= worker.registered.size();
    for (String name : worker.registered) {
      Set<String> hosts = hostsByName.get(name);
      if (hosts != null && hosts.remove(worker.hostname) && hosts.isEmpty())
        hostsByName.remove(name);
    }
    Set<Watch> running = runningByWorker.remove(worker.hostname);
    if (running != null) {
      for (Watch watch : running) watch.worker = null;
    }
  }

  /** Workers known to detection now (bounded by {@link WorkerLimits}). */
  int workerCount() {
    synchronized (lock) {
      return workers.size();
    }
  }

  private boolean isUnregistered(String name) {
    return name != null && !workers.isEmpty() && !hostsByName.containsKey(name);
  }

  /** The one worker that registers {@code name} and was up at {@code startedAt}, or null. */
  private String attribute(String name, Instant startedAt) {
    if (name == null) return null;
    Set<String> hosts = hostsByName.get(name);
    if (hosts == null) return null;
    String candidate = null;
    for (String host : hosts) {
      WorkerView worker = workers.get(host);
      boolean upThen =
          worker.online || (worker.shutdownAt != null && !worker.shutdownAt.isBefore(startedAt));
      if (!upThen) continue;
      if (candidate != null) return null; // ambiguous
      candidate = host;
    }
    return candidate;
  }

  // ---------------------------------------------------------------- chords

  private void onChordEvent(TaskEvent event) {
    String callbackId = event.chordCallbackId();
    ChordWatch chord;
    if (callbackId != null && event.groupId() != null && !callbackId.equals(event.taskId())) {
      if (closedChords.containsKey(callbackId)) return;
      chord = chords.get(callbackId);
      if (chord == null) {
        chord = new ChordWatch(callbackId, GraphNode.containerId(event.groupId()));
        chords.put(callbackId, chord);
        while (chords.size() > maxWatched) close(chords.values().iterator().next());
      }
      if (!chord.members.containsKey(event.taskId())) {
        chord.members.put(event.taskId(), new Member());
        chordOfMember.put(event.taskId(), chord);
      }
    } else {
      chord = chordOfMember.get(event.taskId());
    }
    if (chord != null) onMember(chord, event);
    ChordWatch asCallback = chords.get(event.taskId());
    if (asCallback != null && event.state() != TaskState.PENDING) close(asCallback); // joined
    if (event.state() != TaskState.PENDING && event.parentId() != null && event.groupId() != null) {
      // the chord's body ran as a group or chord (Celery's chain of groups): its callback id names
      // a chord
      // signature that never runs as a task, and the body's members name the last header as their
      // parent
      ChordWatch headerOf = chordOfMember.get(event.parentId());
      if (headerOf != null && !headerOf.containerId.equals(GraphNode.containerId(event.groupId())))
        close(headerOf);
    }
  }

  /** The chord's container in the store's graph has a body that went past PENDING. */
  private boolean bodyRan(ChordWatch chord, String member) {
    Optional<WorkflowGraph> graph = store.workflowOf(member).flatMap(store::workflow);
    GraphNode container = graph.map(g -> g.nodes().get(chord.containerId)).orElse(null);
    if (container == null || container.bodyId() == null) return false;
    GraphNode body = graph.get().nodes().get(container.bodyId());
    return body != null && body.state() != TaskState.PENDING;
  }

  private void onMember(ChordWatch chord, TaskEvent event) {
    Member member = chord.members.get(event.taskId());
    if (!beats(event, member.retries, member.state, member.stamp)) return;
    boolean wasSuccess = member.state == TaskState.SUCCESS;
    member.retries = event.retries();
    member.state = event.state();
    member.stamp = event.timestamp();
    if (event.state().isTerminal() && event.state() != TaskState.SUCCESS) {
      close(chord); // a header failed: the callback is not expected to run, and the failure shows
      // already
      return;
    }
    boolean success = event.state() == TaskState.SUCCESS;
    if (success != wasSuccess) chord.succeeded += success ? 1 : -1;
    if (success && (chord.lastFinished == null || event.timestamp().isAfter(chord.lastFinished))) {
      chord.lastFinished = event.timestamp();
    }
    if (chord.succeeded == chord.members.size()) {
      if (chord.bucket == NONE) schedule(chord, plus(chord.lastFinished, chordThreshold));
    } else {
      unschedule(chord);
      clear(chord.containerId, AnomalyType.CHORD_NOT_JOINED); // a header still runs: not late yet
    }
  }

  private void fire(ChordWatch chord, long nowMillis) {
    Optional<TaskNode> callback = store.task(chord.callbackId);
    if (callback.isPresent() && callback.get().state() != TaskState.PENDING) {
      close(chord);
      return;
    }
    String member = chord.members.keySet().iterator().next();
    if (store.task(member).isEmpty()) {
      close(chord); // evicted
      return;
    }
    if (callback.isEmpty() && bodyRan(chord, member)) {
      close(chord); // its body's events came before its headers', so the event path could not tell
      return;
    }
    raise(
        new Raised(
            AnomalyType.CHORD_NOT_JOINED,
            chord.containerId,
            callback.isPresent() ? chord.callbackId : member,
            "chord",
            chord.lastFinished,
            null,
            null,
            "all "
                + chord.members.size()
                + " header tasks succeeded but callback "
                + chord.callbackId
                + (callback.isPresent() ? " never started" : " was never seen")));
    schedule(chord, nowMillis + Math.max(chordThreshold.toMillis(), 1000));
  }

  private void close(ChordWatch chord) {
    clear(chord.containerId, AnomalyType.CHORD_NOT_JOINED);
    unschedule(chord);
    chords.remove(chord.callbackId);
    for (String member : chord.members.keySet()) chordOfMember.remove(member, chord);
    closedChords.put(chord.callbackId, Boolean.TRUE);
  }

  // ---------------------------------------------------------------- raising and clearing

  private void raise(Raised anomaly) {
    Key key = new Key(anomaly.type, anomaly.subjectId);
    if (raised.containsKey(key)) return;
    Instant now = clock.instant();
    Raised stamped = anomaly.stamped(now, groups.raised(anomaly.type, anomaly.name, now));
    raised.put(key, stamped);
    flags.compute(
        anomaly.subjectId,
        (id, types) -> {
          EnumSet<AnomalyType> copy =
              types == null ? EnumSet.noneOf(AnomalyType.class) : EnumSet.copyOf(types);
          copy.add(anomaly.type);
          return Collections.unmodifiableSet(copy);
        });
    changes.add(new AnomalyChange(anomaly.type, anomaly.subjectId, true));
  }

  private void clear(String subjectId, AnomalyType type) {
    Raised removed = raised.remove(new Key(type, subjectId));
    if (removed == null) return;
    groups.cleared(type, removed.group, clock.instant());
    flags.computeIfPresent(
        subjectId,
        (id, types) -> {
          EnumSet<AnomalyType> copy = EnumSet.copyOf(types);
          copy.remove(type);
          return copy.isEmpty() ? null : Collections.unmodifiableSet(copy);
        });
    changes.add(new AnomalyChange(type, subjectId, false));
  }

  private void clearAll(String subjectId) {
    Set<AnomalyType> types = flags.get(subjectId);
    if (types == null) return;
    for (AnomalyType type : types) clear(subjectId, type);
  }

  private boolean has(String subjectId, AnomalyType type) {
    return raised.containsKey(new Key(type, subjectId));
  }

  private List<AnomalyChange> drainChanges() {
    if (changes.isEmpty()) return List.of();
    List<AnomalyChange> out = changes;
    changes = new ArrayList<>();
    return out;
  }

  private void publish(List<AnomalyChange> out) {
    if (out.isEmpty()) return;
    List<AnomalyChange> view = Collections.unmodifiableList(out);
    for (AnomalyListener listener : listeners) {
      try {
        listener.onChanges(view);
      } catch (RuntimeException e) {
        LOG.warn("anomaly listener {} threw", listener, e);
      }
    }
  }

  // ---------------------------------------------------------------- deadlines

  private void schedule(Timed timed, long deadlineMillis) {
    unschedule(timed);
    timed.deadline = deadlineMillis;
    timed.bucket = Math.floorDiv(deadlineMillis, 1000);
    wheel.computeIfAbsent(timed.bucket, second -> new LinkedHashSet<>()).add(timed);
  }

  private void unschedule(Timed timed) {
    if (timed.bucket == NONE) return;
    LinkedHashSet<Timed> bucket = wheel.get(timed.bucket);
    if (bucket != null && bucket.remove(timed) && bucket.isEmpty()) wheel.remove(timed.bucket);
    timed.bucket = NONE;
  }

  private static long plus(Instant instant, Duration duration) {
    try {
      return Math.addExact(instant.toEpochMilli(), duration.toMillis());
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE + 1 : Long.MAX_VALUE;
    }
  }

  // ---------------------------------------------------------------- queries

  /**
   * A page of the anomalies raised now, newest first.
   *
   * @param types only these types; empty for all
   */
  public Page<Anomaly> anomalies(Set<AnomalyType> types, int limit, int offset) {
    return anomalies(types, null, limit, offset);
  }

  /**
   * A page of the anomalies raised now in one group (or in every group when {@code group} is null),
   * newest first.
   *
   * @param types only these types; empty for all
   * @param group only anomalies counted in the group of this name ({@link AnomalyGroup#name()});
   *     {@link Optional#empty()} for the unnamed group; null for all
   */
  public Page<Anomaly> anomalies(
      Set<AnomalyType> types, Optional<String> group, int limit, int offset) {
    Objects.requireNonNull(types, "types == null");
    if (limit < 1) throw new IllegalArgumentException("limit < 1: " + limit);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    List<Raised> matched = new ArrayList<>();
    synchronized (lock) {
      for (Raised anomaly : raised.values()) {
        if (!types.isEmpty() && !types.contains(anomaly.type)) continue;
        if (group != null && !Objects.equals(group.orElse(null), anomaly.group)) continue;
        matched.add(anomaly);
      }
    }
    Collections.reverse(matched);
    List<Anomaly> items = new ArrayList<>(Math.min(limit, matched.size()));
    for (int i = offset; i < matched.size() && items.size() < limit; i++) {
      Raised anomaly = matched.get(i);
      String workflowId = store.workflowOf(anomaly.anchorId).orElse(anomaly.anchorId);
      items.add(
          new Anomaly(
              anomaly.type,
              anomaly.subjectId,
              anomaly.name,
              workflowId,
              anomaly.since,
              anomaly.detectedAt,
              anomaly.worker,
              anomaly.detail));
    }
    return new Page<>(items, matched.size(), limit, offset);
  }

  /** The types raised now for a task or container id; empty when none. Lock-free. */
  public Set<AnomalyType> anomaliesOf(String id) {
    if (id == null) return Set.of();
    Set<AnomalyType> types = flags.get(id);
    return types == null ? Set.of() : types;
  }

  /**
   * A page of the groups, open first, then acknowledged, muted and resolved, each most recently
   * seen first. Resolved groups stay listed for the retention ({@link Builder#resolvedRetention}).
   *
   * @param types only groups of these types; empty for all
   * @param statuses only groups in these statuses; empty for all
   */
  public Page<AnomalyGroup> groups(
      Set<AnomalyType> types, Set<AnomalyGroup.Status> statuses, int limit, int offset) {
    Objects.requireNonNull(types, "types == null");
    Objects.requireNonNull(statuses, "statuses == null");
    if (limit < 1) throw new IllegalArgumentException("limit < 1: " + limit);
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    synchronized (lock) {
      Instant now = clock.instant();
      groups.expire(now);
      return groups.page(types, statuses, limit, offset, now);
    }
  }

  /** How many groups are in each status now (every status present), of these types (empty: all). */
  public Map<AnomalyGroup.Status, Integer> groupCounts(Set<AnomalyType> types) {
    Objects.requireNonNull(types, "types == null");
    synchronized (lock) {
      Instant now = clock.instant();
      groups.expire(now);
      return groups.counts(types, now);
    }
  }

  /**
   * Marks the group as looked at, until an anomaly of it is raised again; empty when there is no
   * such group.
   *
   * @param name the group's name; null for the type's unnamed group
   */
  public Optional<AnomalyGroup> acknowledge(AnomalyType type, String name) {
    return triage(type, () -> groups.acknowledge(type, name, clock.instant(), true));
  }

  /** Takes an acknowledgement back; empty when there is no such group. */
  public Optional<AnomalyGroup> unacknowledge(AnomalyType type, String name) {
    return triage(type, () -> groups.acknowledge(type, name, clock.instant(), false));
  }

  /**
   * Silences the group: it does not count as open while muted, and is kept while muted even when
   * resolved. Empty when there is no such group.
   *
   * @param duration how long; null until {@link #unmute}
   */
  public Optional<AnomalyGroup> mute(AnomalyType type, String name, Duration duration) {
    if (duration != null && (duration.isNegative() || duration.isZero()))
      throw new IllegalArgumentException("duration <= 0: " + duration);
    return triage(type, () -> groups.mute(type, name, clock.instant(), duration, true));
  }

  /** Ends a mute; empty when there is no such group. */
  public Optional<AnomalyGroup> unmute(AnomalyType type, String name) {
    return triage(type, () -> groups.mute(type, name, clock.instant(), null, false));
  }

  private Optional<AnomalyGroup> triage(AnomalyType type, Supplier<Optional<AnomalyGroup>> action) {
    Objects.requireNonNull(type, "type == null");
    synchronized (lock) {
      groups.expire(clock.instant());
      return action.get();
    }
  }

  /** How many anomalies are raised now. */
  public int count() {
    synchronized (lock) {
      return raised.size();
    }
  }

  /** How many tasks and chords are watched now (for tests and health). */
  int watchedCount() {
    synchronized (lock) {
      return watches.size() + chords.size();
    }
  }

  /** How many deadlines are scheduled now (for tests). */
  int scheduledCount() {
    synchronized (lock) {
      int count = 0;
      for (LinkedHashSet<Timed> bucket : wheel.values()) count += bucket.size();
      return count;
    }
  }

  /** Stops the timer. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    ScheduledExecutorService current = timer;
    if (current != null) current.shutdownNow();
  }

  @Override
  public String toString() {
    return "AnomalyDetector{pending="
        + pendingThreshold
        + ", started="
        + startedThreshold
        + ", chord="
        + chordThreshold
        + "}";
  }

  // ---------------------------------------------------------------- state

  private static boolean beats(TaskEvent event, int retries, TaskState state, Instant stamp) {
    return state == null || event.supersedes(retries, state, stamp);
  }

  private enum Category {
    WAITING,
    RUNNING,
    DONE;

    static Category of(TaskState state) {
      if (state.isTerminal()) return DONE;
      return state == TaskState.STARTED ? RUNNING : WAITING;
    }
  }

  /** Something with a deadline in the wheel. */
  private abstract static class Timed {
    long deadline;
    long bucket = NONE;
  }

  private static final class Watch extends Timed {
    final String id;
    String name;
    int retries;
    TaskState state;
    Instant stamp;
    Category category;
    Instant since;
    String worker;

    Watch(String id) {
      this.id = id;
    }
  }

  private static final class ChordWatch extends Timed {
    final String callbackId;
    final String containerId;
    final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
    int succeeded;
    Instant lastFinished;

    ChordWatch(String callbackId, String containerId) {
      this.callbackId = callbackId;
      this.containerId = containerId;
    }
  }

  private static final class Member {
    int retries;
    TaskState state;
    Instant stamp;
  }

  private static final class WorkerView {
    final String hostname;
    Set<String> registered = Set.of();
    Instant registeredAt;
    Instant statusAt;
    Instant shutdownAt;
    Instant lastHeard;
    boolean online;

    WorkerView(String hostname) {
      this.hostname = hostname;
    }
  }

  private record Key(AnomalyType type, String subjectId) {}

  private record Raised(
      AnomalyType type,
      String subjectId,
      String anchorId,
      String name,
      Instant since,
      Instant detectedAt,
      String worker,
      String detail,
      String group) {
    Raised(
        AnomalyType type,
        String subjectId,
        String anchorId,
        String name,
        Instant since,
        Instant detectedAt,
        String worker,
        String detail) {
      this(type, subjectId, anchorId, name, since, detectedAt, worker, detail, null);
    }

    /** As raised at {@code at}, counted in the group named {@code group}. */
    Raised stamped(Instant at, String group) {
      return new Raised(type, subjectId, anchorId, name, since, at, worker, detail, group);
    }
  }

  /** Configures an {@link AnomalyDetector}. */
  public static final class Builder {
    private final GraphStore store;
    private Clock clock = Clock.systemUTC();
    private Duration pendingThreshold = Duration.ofMinutes(5);
    private Duration startedThreshold = Duration.ofMinutes(30);
    private Duration chordThreshold = Duration.ofMinutes(1);
    private Duration checkInterval = Duration.ofSeconds(1);
    private int maxWatched = 100_000;
    private Duration resolvedRetention = DEFAULT_RESOLVED_RETENTION;
    private final List<AnomalyListener> listeners = new ArrayList<>();

    Builder(GraphStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
    }

    /** The detector's notion of now; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * How long a registered task may wait (PENDING, RECEIVED, RETRY) before STUCK_PENDING; default
     * 5 min.
     */
    public Builder pendingThreshold(Duration threshold) {
      this.pendingThreshold = positive(threshold, "pendingThreshold");
      return this;
    }

    /** How long a task may run before STUCK_STARTED; default 30 min. */
    public Builder startedThreshold(Duration threshold) {
      this.startedThreshold = positive(threshold, "startedThreshold");
      return this;
    }

    /**
     * How long after its last header succeeded a chord callback may take to start; default 1 min.
     */
    public Builder chordThreshold(Duration threshold) {
      this.chordThreshold = positive(threshold, "chordThreshold");
      return this;
    }

    /** How often the timer looks for due deadlines; default 1 s. */
    public Builder checkInterval(Duration interval) {
      this.checkInterval = positive(interval, "checkInterval");
      if (interval.toMillis() < 1)
        throw new IllegalArgumentException("checkInterval < 1 ms: " + interval);
      return this;
    }

    /**
     * The most unfinished tasks (and, separately, chords) watched; the oldest are dropped beyond.
     */
    public Builder maxWatched(int maxWatched) {
      if (maxWatched < 1) throw new IllegalArgumentException("maxWatched < 1: " + maxWatched);
      this.maxWatched = maxWatched;
      return this;
    }

    /**
     * How long a resolved group (nothing raised now) stays listed, so that people see what happened
     * and that it went away; default 1 hour. A muted group is kept while muted.
     */
    public Builder resolvedRetention(Duration retention) {
      this.resolvedRetention = positive(retention, "resolvedRetention");
      return this;
    }

    /** Adds a listener told about raised and cleared anomalies. */
    public Builder listener(AnomalyListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener == null"));
      return this;
    }

    /** Builds the detector; call {@link AnomalyDetector#start()} to run its timer. */
    public AnomalyDetector build() {
      return new AnomalyDetector(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name + " == null");
      if (value.isNegative() || value.isZero())
        throw new IllegalArgumentException(name + " <= 0: " + value);
      return value;
    }
  }
}
