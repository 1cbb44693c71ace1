package io.stemtrace.core.workers;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.EventListener;
import io.stemtrace.core.WorkerLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Liveness, task counts and restart history per worker, kept up to date from the events a consumer
 * applied (register it as the consumer's {@link EventListener}).
 *
 * <p>Liveness: a worker is heard from when any event naming it arrives: worker_ready (which the JVM
 * producer repeats as a heartbeat), worker_shutdown, or a task event carrying its {@code hostname}.
 * "Heard" is measured on the collector's {@link Clock} at arrival, not with the events' own
 * timestamps, so a worker whose clock is off is not taken for dead. A worker not heard from for
 * {@link Builder#offlineAfter} is {@link WorkerActivity.Liveness#OFFLINE}; one whose latest word
 * was worker_shutdown is {@link WorkerActivity.Liveness#SHUT_DOWN}.
 *
 * <p>Counts come from task events with the worker's host name (Python stemtrace 0.3 sends none, so
 * its workers show zero). Each task's latest state is remembered for the {@code maxTrackedTasks}
 * most recently updated tasks, so a duplicate or late event counts nothing twice; an event for a
 * task forgotten since counts again. A worker that restarts or shuts down has no active tasks left.
 *
 * <p>Restarts: worker_ready with a pid other than the current run's, or any worker_ready after a
 * worker_shutdown, starts a new run; a repeated worker_ready of the running process is a heartbeat.
 * The latest {@value #MAX_STARTS_KEPT} runs are kept per worker, with how many there were in all.
 *
 * <p>Bounded: at most {@link WorkerLimits#MAX_WORKERS} workers (the one heard from least recently
 * forgotten first, shut down and offline ones before online ones), and task tracking within {@code
 * maxBytes} of estimated heap (host names and task ids counted by length). Thread-safe (one lock).
 */
public final class WorkerMonitor implements EventListener {

  /** How long a worker may stay silent before it counts as offline, unless told otherwise. */
  public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofSeconds(90);

  /** Runs kept per worker; older ones are only counted. */
  public static final int MAX_STARTS_KEPT = 20;

  /** Tasks tracked unless told otherwise. */
  public static final int DEFAULT_MAX_TRACKED_TASKS = 100_000;

  /** Estimated heap for task tracking unless told otherwise: 32 MiB. */
  public static final long DEFAULT_MAX_BYTES = 32L << 20;

  /** heap of a worker entry with its map slot, before its host name and starts */
  static final int WORKER_BYTES = 200;

  /** heap of one kept start */
  static final int START_BYTES = 64;

  /** heap of one tracked task with its map slot, before its id */
  static final int TRACK_BYTES = 120;

  private final Clock clock;
  private final Duration offlineAfter;
  private final int maxTrackedTasks;
  private final long maxBytes;
  private final int maxWorkers;

  private final Map<String, Worker> workers = new HashMap<>();

  /** in access order: the eldest is the task updated longest ago */
  private final LinkedHashMap<String, Track> tracks = new LinkedHashMap<>(16, 0.75f, true);

  private long trackBytes;
  private long workerBytes;
  private long forgottenWorkers;

  private WorkerMonitor(Builder builder) {
    this.clock = builder.clock;
    this.offlineAfter = builder.offlineAfter;
    this.maxTrackedTasks = builder.maxTrackedTasks;
    this.maxBytes = builder.maxBytes;
    this.maxWorkers = builder.maxWorkers;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How long a worker may stay silent before it counts as offline. */
  public Duration offlineAfter() {
    return offlineAfter;
  }

  @Override
  public void onApplied(List<StemtraceEvent> events) {
    Instant now = clock.instant();
    synchronized (this) {
      for (StemtraceEvent event : events) {
        if (event instanceof TaskEvent task) {
          if (task.hostname() != null) applyTask(task, now);
        } else if (event instanceof WorkerEvent worker) {
          applyWorker(worker, now);
        }
      }
    }
  }

  /** Every worker heard from, online first, then by host name. */
  public List<WorkerActivity> workers() {
    Instant now = clock.instant();
    List<WorkerActivity> views = new ArrayList<>();
    synchronized (this) {
      for (Worker worker : workers.values()) views.add(worker.view(now, offlineAfter));
    }
    views.sort(
        Comparator.comparing((WorkerActivity w) -> w.liveness() != WorkerActivity.Liveness.ONLINE)
            .thenComparing(WorkerActivity::hostname));
    return List.copyOf(views);
  }

  /** One worker by host name, when it was heard from and not forgotten since. */
  public Optional<WorkerActivity> worker(String hostname) {
    Instant now = clock.instant();
    synchronized (this) {
      Worker worker = workers.get(hostname);
      return worker == null ? Optional.empty() : Optional.of(worker.view(now, offlineAfter));
    }
  }

  /** The liveness of a worker this monitor never heard from, judged by its latest event time. */
  public WorkerActivity.Liveness livenessOf(Instant lastSeen, boolean shutDown) {
    if (shutDown) return WorkerActivity.Liveness.SHUT_DOWN;
    if (lastSeen == null) return WorkerActivity.Liveness.OFFLINE;
    return Duration.between(lastSeen, clock.instant()).compareTo(offlineAfter) > 0
        ? WorkerActivity.Liveness.OFFLINE
        : WorkerActivity.Liveness.ONLINE;
  }

  /** Estimated heap held: workers with their names and starts, and tracked tasks. */
  public synchronized long estimatedBytes() {
    return workerBytes + trackBytes;
  }

  synchronized int trackedTasks() {
    return tracks.size();
  }

  /** Workers forgotten beyond the cap so far. */
  synchronized long forgottenWorkers() {
    return forgottenWorkers;
  }

  // ------------------------------------------------------------------ applying (under the lock)

  private void applyTask(TaskEvent event, Instant now) {
    Worker worker = heard(event.hostname(), now, event.timestamp());
    Track track = tracks.get(event.taskId());
    if (track == null) {
      track = new Track();
      tracks.put(event.taskId(), track);
      trackBytes += TRACK_BYTES + stringBytes(event.taskId());
    } else if (!event.supersedes(track.retries, track.state, track.timestamp)) {
      return; // late or duplicate: the task's state does not change, nor do the counts
    }
    if (track.activeOn != null) {
      track.activeOn.leave(track.generation);
      track.activeOn = null;
    }
    TaskState state = event.state();
    if (state == TaskState.STARTED || state == TaskState.RECEIVED) {
      worker.active++;
      track.activeOn = worker;
      track.generation = worker.generation;
    }
    boolean attemptEnded = state.isTerminal() || state == TaskState.RETRY;
    if (attemptEnded && !(track.endedCounted && track.retries == event.retries())) {
      if (state == TaskState.RETRY) {
        worker.retried++;
      } else {
        worker.processed++;
        if (state == TaskState.SUCCESS) worker.succeeded++;
        if (state == TaskState.FAILURE) worker.failed++;
      }
      track.endedCounted = true;
    } else if (track.retries != event.retries()) {
      track.endedCounted = false;
    }
    track.retries = event.retries();
    track.state = state;
    track.timestamp = event.timestamp();
    evictTracks();
  }

  private void applyWorker(WorkerEvent event, Instant now) {
    Worker worker = heard(event.hostname(), now, event.timestamp());
    Instant at = event.timestamp();
    if (event.type() == WorkerEvent.Type.READY) {
      if (worker.latestReadyAt == null || at.isAfter(worker.latestReadyAt))
        worker.latestReadyAt = at;
      worker.ready(event.pid(), at);
    } else {
      if (worker.shutdownAt == null || at.isAfter(worker.shutdownAt)) worker.shutdownAt = at;
      worker.shutdown(event.pid(), event.shutdownTime() != null ? event.shutdownTime() : at);
    }
    workerBytes += worker.bytesChange();
  }

  private Worker heard(String hostname, Instant now, Instant eventTime) {
    Worker worker = workers.get(hostname);
    if (worker == null) {
      worker = new Worker(hostname);
      workers.put(hostname, worker);
      worker.heldBytes = WORKER_BYTES + stringBytes(hostname);
      workerBytes += worker.heldBytes;
      if (workers.size() > maxWorkers) forgetOneWorker(worker, now);
    }
    if (worker.lastHeardAt == null || now.isAfter(worker.lastHeardAt)) worker.lastHeardAt = now;
    if (worker.lastEventAt == null || eventTime.isAfter(worker.lastEventAt))
      worker.lastEventAt = eventTime;
    return worker;
  }

  /** Forgets the worker heard from least recently, shut down and offline ones first. */
  private void forgetOneWorker(Worker keep, Instant now) {
    Worker victim = null;
    for (Worker w : workers.values()) {
      if (w == keep) continue;
      if (victim == null || evictsBefore(w, victim, now)) victim = w;
    }
    if (victim == null) return;
    workers.remove(victim.hostname);
    workerBytes -= victim.heldBytes;
    victim.generation++; // its tracked tasks no longer count anywhere
    forgottenWorkers++;
  }

  private boolean evictsBefore(Worker a, Worker b, Instant now) {
    boolean aOnline = a.liveness(now, offlineAfter) == WorkerActivity.Liveness.ONLINE;
    boolean bOnline = b.liveness(now, offlineAfter) == WorkerActivity.Liveness.ONLINE;
    if (aOnline != bOnline) return !aOnline;
    return a.lastHeardAt.isBefore(b.lastHeardAt);
  }

  private void evictTracks() {
    Iterator<Map.Entry<String, Track>> it = tracks.entrySet().iterator();
    while ((tracks.size() > maxTrackedTasks || trackBytes > maxBytes) && it.hasNext()) {
      Map.Entry<String, Track> eldest = it.next();
      Track track = eldest.getValue();
      if (track.activeOn != null) track.activeOn.leave(track.generation);
      trackBytes -= TRACK_BYTES + stringBytes(eldest.getKey());
      it.remove();
    }
  }

  static long stringBytes(String value) {
    return 56 + 2L * value.length();
  }

  /** One task's latest state, for counting each change once. */
  private static final class Track {
    int retries;
    TaskState state;
    Instant timestamp;

    /** whether this attempt's end (terminal or RETRY) was counted */
    boolean endedCounted;

    /** the worker counting it active, or null */
    Worker activeOn;

    /** that worker's generation when it became active there */
    long generation;
  }

  /** Mutable state of one worker, under the monitor's lock. */
  private static final class Worker {
    final String hostname;
    Instant lastHeardAt;
    Instant lastEventAt;
    Instant latestReadyAt;
    Instant shutdownAt;
    long processed;
    long succeeded;
    long failed;
    long retried;
    int active;

    /** grows at each start and shutdown: active tasks of an earlier run no longer count */
    long generation;

    long startCount;

    /** oldest first */
    final List<WorkerActivity.Start> starts = new ArrayList<>();

    long heldBytes;
    private int countedStarts;

    Worker(String hostname) {
      this.hostname = hostname;
    }

    void leave(long trackGeneration) {
      if (trackGeneration == generation && active > 0) active--;
    }

    void ready(long pid, Instant at) {
      int current = starts.size() - 1;
      if (current >= 0) {
        WorkerActivity.Start latest = starts.get(current);
        if (at.isBefore(latest.startedAt())) {
          // a late announcement from an earlier run: keep it in its place unless already known
          for (WorkerActivity.Start s : starts) if (s.pid() == pid) return;
          int index = 0;
          while (index < starts.size() && starts.get(index).startedAt().isBefore(at)) index++;
          starts.add(index, new WorkerActivity.Start(pid, at, null));
          startCount++;
          trim();
          return;
        }
        boolean sameRun =
            latest.pid() == pid && (latest.stoppedAt() == null || !at.isAfter(latest.stoppedAt()));
        if (sameRun) return; // a heartbeat
      }
      starts.add(new WorkerActivity.Start(pid, at, null));
      startCount++;
      generation++;
      active = 0;
      trim();
    }

    void shutdown(long pid, Instant stoppedAt) {
      for (int i = starts.size() - 1; i >= 0; i--) {
        WorkerActivity.Start s = starts.get(i);
        if (s.pid() == pid && !s.startedAt().isAfter(stoppedAt)) {
          if (s.stoppedAt() == null)
            starts.set(i, new WorkerActivity.Start(pid, s.startedAt(), stoppedAt));
          break;
        }
      }
      generation++;
      active = 0;
    }

    private void trim() {
      while (starts.size() > MAX_STARTS_KEPT) starts.remove(0);
    }

    /** Bytes the kept starts added or released since the last call. */
    long bytesChange() {
      long change = (long) (starts.size() - countedStarts) * START_BYTES;
      countedStarts = starts.size();
      heldBytes += change;
      return change;
    }

    WorkerActivity.Liveness liveness(Instant now, Duration offlineAfter) {
      if (shutdownAt != null && (latestReadyAt == null || !latestReadyAt.isAfter(shutdownAt)))
        return WorkerActivity.Liveness.SHUT_DOWN;
      if (Duration.between(lastHeardAt, now).compareTo(offlineAfter) > 0)
        return WorkerActivity.Liveness.OFFLINE;
      return WorkerActivity.Liveness.ONLINE;
    }

    WorkerActivity view(Instant now, Duration offlineAfter) {
      return new WorkerActivity(
          hostname,
          liveness(now, offlineAfter),
          lastHeardAt,
          lastEventAt,
          processed,
          succeeded,
          failed,
          retried,
          active,
          startCount,
          starts);
    }
  }

  /** Configures a {@link WorkerMonitor}. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration offlineAfter = DEFAULT_OFFLINE_AFTER;
    private int maxTrackedTasks = DEFAULT_MAX_TRACKED_TASKS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxWorkers = WorkerLimits.MAX_WORKERS;

    Builder() {}

    /** The clock arrivals are measured with; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How long a worker may stay silent before it counts as offline; default 90 s. */
    public Builder offlineAfter(Duration offlineAfter) {
      Objects.requireNonNull(offlineAfter, "offlineAfter == null");
      if (offlineAfter.isNegative() || offlineAfter.isZero())
        throw new IllegalArgumentException("offlineAfter <= 0: " + offlineAfter);
      this.offlineAfter = offlineAfter;
      return this;
    }

    /** The most tasks whose state is remembered for counting; default 100 000. */
    public Builder maxTrackedTasks(int maxTrackedTasks) {
      if (maxTrackedTasks < 1)
        throw new IllegalArgumentException("maxTrackedTasks < 1: " + maxTrackedTasks);
      this.maxTrackedTasks = maxTrackedTasks;
      return this;
    }

    /** The most estimated heap bytes task tracking holds; default 32 MiB. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1 << 16) throw new IllegalArgumentException("maxBytes < 64 KiB: " + maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /** The most workers kept; default {@link WorkerLimits#MAX_WORKERS}. */
    Builder maxWorkers(int maxWorkers) {
      if (maxWorkers < 1) throw new IllegalArgumentException("maxWorkers < 1: " + maxWorkers);
      this.maxWorkers = maxWorkers;
      return this;
    }

    public WorkerMonitor build() {
      return new WorkerMonitor(this);
    }
  }
}
