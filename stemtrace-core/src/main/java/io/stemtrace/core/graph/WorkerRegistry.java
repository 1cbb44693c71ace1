package io.stemtrace.core.graph;

import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.core.WorkerLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Workers by host name, from worker_ready and worker_shutdown events, and the task registry built
 * from them and from the task names seen. Status follows the latest event by timestamp, so a late
 * worker_ready from before a shutdown does not bring a worker back online. Guarded by the store's
 * lock.
 *
 * <p>Bounded whatever arrives, by {@link WorkerLimits}.
 */
final class WorkerRegistry {

  static final int MAX_WORKERS = WorkerLimits.MAX_WORKERS;
  static final int MAX_REGISTERED_PER_WORKER = WorkerLimits.MAX_REGISTERED_PER_WORKER;
  static final int MAX_REGISTERED_NAMES = WorkerLimits.MAX_REGISTERED_NAMES;
  static final Duration OFFLINE_RETENTION = WorkerLimits.OFFLINE_RETENTION;

  private final Map<String, Worker> workers = new HashMap<>();
  private long registeredNames;
  private long evicted;

  /**
   * the newest worker event time seen: retention is measured in the events' own time, as replays
   * are
   */
  private Instant newest;

  private static final class Worker {
    final String hostname;
    long pid;
    List<String> registeredTasks = List.of();
    Map<String, RegisteredTaskDefinition> definitions = Map.of();
    WorkerInfo.Status status;
    Instant statusAt;
    Instant registeredAt;
    Instant lastSeen;

    Worker(String hostname) {
      this.hostname = hostname;
    }

    WorkerInfo view() {
      return new WorkerInfo(
          hostname, pid, registeredTasks, definitions, status, registeredAt, lastSeen);
    }
  }

  void apply(WorkerEvent event) {
    Instant at = event.timestamp();
    if (newest == null || at.isAfter(newest)) newest = at;
    Worker worker = workers.computeIfAbsent(event.hostname(), Worker::new);
    if (worker.lastSeen == null || at.isAfter(worker.lastSeen)) worker.lastSeen = at;
    boolean latest = worker.statusAt == null || !at.isBefore(worker.statusAt);
    if (event.type() == WorkerEvent.Type.READY) {
      // a repeated worker_ready of the running process is a heartbeat: it keeps registered_at
      boolean heartbeat =
          worker.status == WorkerInfo.Status.ONLINE
              && worker.pid == event.pid()
              && worker.registeredAt != null;
      if (worker.registeredAt == null || !at.isBefore(worker.registeredAt)) {
        if (!heartbeat) worker.registeredAt = at;
        worker.pid = event.pid();
        List<String> registered = event.registeredTasks();
        if (registered.size() > MAX_REGISTERED_PER_WORKER)
          registered = List.copyOf(registered.subList(0, MAX_REGISTERED_PER_WORKER));
        registeredNames += registered.size() - worker.registeredTasks.size();
        worker.registeredTasks = registered;
        worker.definitions = event.taskDefinitions();
      }
      if (latest) {
        worker.status = WorkerInfo.Status.ONLINE;
        worker.statusAt = at;
      }
    } else {
      if (worker.pid == 0) worker.pid = event.pid();
      if (latest) {
        worker.status = WorkerInfo.Status.OFFLINE;
        worker.statusAt = at;
      }
    }
    evictBeyondBounds(worker);
  }

  /**
   * Forgets workers offline past the retention, then the least recently heard from beyond the caps.
   */
  private void evictBeyondBounds(Worker keep) {
    Instant offlineBefore = newest.minus(OFFLINE_RETENTION);
    boolean overCaps = workers.size() > MAX_WORKERS || registeredNames > MAX_REGISTERED_NAMES;
    List<Worker> candidates = new ArrayList<>();
    for (var it = workers.values().iterator(); it.hasNext(); ) {
      Worker w = it.next();
      if (w != keep
          && w.status == WorkerInfo.Status.OFFLINE
          && w.statusAt.isBefore(offlineBefore)) {
        it.remove();
        forget(w);
      } else if (overCaps && w != keep) {
        candidates.add(w);
      }
    }
    if (workers.size() <= MAX_WORKERS && registeredNames <= MAX_REGISTERED_NAMES) return;
    candidates.sort(
        Comparator.comparing((Worker w) -> w.status == WorkerInfo.Status.ONLINE)
            .thenComparing(w -> w.lastSeen));
    for (Worker w : candidates) {
      if (workers.size() <= MAX_WORKERS && registeredNames <= MAX_REGISTERED_NAMES) break;
      workers.remove(w.hostname);
      forget(w);
    }
  }

  private void forget(Worker w) {
    registeredNames -= w.registeredTasks.size();
    evicted++;
  }

  /** Workers forgotten so far (offline past the retention, or beyond the caps). */
  long evicted() {
    return evicted;
  }

  int size() {
    return workers.size();
  }

  long registeredNames() {
    return registeredNames;
  }

  /** Online first, then by host name. */
  List<WorkerInfo> all() {
    List<Worker> sorted = new ArrayList<>(workers.values());
    sorted.sort(
        Comparator.comparing((Worker w) -> w.status != WorkerInfo.Status.ONLINE)
            .thenComparing(w -> w.hostname));
    List<WorkerInfo> views = new ArrayList<>(sorted.size());
    for (Worker worker : sorted) views.add(worker.view());
    return List.copyOf(views);
  }

  Optional<WorkerInfo> get(String hostname) {
    Worker worker = workers.get(hostname);
    return worker == null ? Optional.empty() : Optional.of(worker.view());
  }

  /** Every name a worker registers or a held task carries, sorted by name. */
  List<RegistryEntry> registry(
      Map<String, NameEntry> seen, String query, RegistryEntry.Status status) {
    String needle = query == null || query.isEmpty() ? null : query.toLowerCase(Locale.ROOT);
    Map<String, TreeSet<String>> registeredBy = new TreeMap<>();
    Map<String, RegisteredTaskDefinition> definitions = new HashMap<>();
    for (Worker worker : workers.values()) {
      for (String name : worker.registeredTasks) {
        registeredBy.computeIfAbsent(name, n -> new TreeSet<>()).add(worker.hostname);
        RegisteredTaskDefinition definition = worker.definitions.get(name);
        if (definition != null) definitions.putIfAbsent(name, definition);
      }
    }
    TreeSet<String> allNames = new TreeSet<>(registeredBy.keySet());
    for (NameEntry entry : seen.values()) {
      if (entry.count() > 0) allNames.add(entry.name);
    }
    List<RegistryEntry> entries = new ArrayList<>();
    for (String name : allNames) {
      if (needle != null && !name.toLowerCase(Locale.ROOT).contains(needle)) continue;
      NameEntry entry = seen.get(name);
      long executions = entry == null ? 0 : entry.count();
      TreeSet<String> hosts = registeredBy.get(name);
      RegistryEntry.Status badge =
          hosts == null
              ? RegistryEntry.Status.NOT_REGISTERED
              : executions > 0 ? RegistryEntry.Status.ACTIVE : RegistryEntry.Status.NEVER_RUN;
      if (status != null && status != badge) continue;
      RegisteredTaskDefinition definition = definitions.get(name);
      entries.add(
          new RegistryEntry(
              name,
              definition == null ? null : definition.module(),
              definition == null ? null : definition.signature(),
              definition == null ? null : definition.docstring(),
              definition != null && definition.bound(),
              executions,
              hosts == null ? List.of() : new ArrayList<>(hosts),
              executions > 0 ? TaskRecord.toInstant(entry.lastRun) : null,
              badge));
    }
    return List.copyOf(entries);
  }
}
