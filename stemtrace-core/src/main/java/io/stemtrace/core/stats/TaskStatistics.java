package io.stemtrace.core.stats;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.core.EventListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per task name statistics kept up to date from the events a consumer applied (register it as the
 * consumer's {@link EventListener}): counts by state, success rate, queue and run time percentiles and
 * throughput per minute, over any window of up to {@value #MAX_WINDOW_MINUTES} minutes.
 *
 * <p>How: every task is counted once, in the minute its first event arrived with, under its current state;
 * a state change moves one count between states (never a rescan). When a task first reaches a terminal
 * state, that minute's throughput grows by one and its queue and run time become samples. Percentiles are
 * exact over the most recent {@code samplesPerName} samples of a name (nearest rank), so a window holding
 * more samples than that is summarised by its newest ones. A snapshot costs O(names x minutes kept +
 * samples in the window), never a scan of the tasks.
 *
 * <p>The figures are history, not a view of the store: a task the store evicted still counts in the minute
 * it ran, and minutes older than {@value #MAX_WINDOW_MINUTES} are forgotten. To follow late events, each
 * task's state is remembered for the newest {@code maxTrackedTasks} tasks; an event for a task forgotten
 * since counts it anew. Thread-safe (one lock).
 */
public final class TaskStatistics implements EventListener {

  /** The longest window, and how long minutes are kept: 24 hours. */
  public static final int MAX_WINDOW_MINUTES = 1440;

  private static final TaskState[] STATES = TaskState.values();
  private static final long MINUTE = 60_000L;

  private final Clock clock;
  private final int maxTrackedTasks;
  private final int samplesPerName;
  private final LinkedHashMap<String, Track> tracks = new LinkedHashMap<>();
  private final Map<String, NameStats> names = new HashMap<>();

  private TaskStatistics(Builder builder) {
    this.clock = builder.clock;
    this.maxTrackedTasks = builder.maxTrackedTasks;
    this.samplesPerName = builder.samplesPerName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Statistics with the system clock and default bounds. */
  public static TaskStatistics create() {
    return builder().build();
  }

  @Override
  public void onApplied(List<StemtraceEvent> events) {
    synchronized (this) {
      for (StemtraceEvent event : events) {
        if (event instanceof TaskEvent task) apply(task);
      }
    }
  }

  private void apply(TaskEvent event) {
    Track track = tracks.get(event.taskId());
    if (track == null) {
      track = new Track(Math.floorDiv(event.timestamp().toEpochMilli(), MINUTE));
      tracks.put(event.taskId(), track);
      if (tracks.size() > maxTrackedTasks) {
        var eldest = tracks.entrySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    if (track.name == null && event.name() != null) {
      track.name = names.computeIfAbsent(event.name(), name -> new NameStats(name, samplesPerName));
      if (track.state != null) count(track, track.state, 1);
    }
    Instant at = event.timestamp();
    if (event.state() == TaskState.PENDING && (track.firstPending == null || at.isBefore(track.firstPending))) {
      track.firstPending = at;
    }
    if (event.state() == TaskState.STARTED && (track.firstStarted == null || at.isBefore(track.firstStarted))) {
      track.firstStarted = at;
    }
    if (event.retries() > track.attempt) {
      track.attempt = event.retries();
      track.attemptStarted = null;
    }
    if (event.retries() == track.attempt && event.state() == TaskState.STARTED
        && (track.attemptStarted == null || at.isBefore(track.attemptStarted))) {
      track.attemptStarted = at;
    }
    if (!beats(event, track)) return;
    TaskState before = track.state;
    track.state = event.state();
    track.retries = event.retries();
    track.stamp = at;
    if (before != track.state) {
      if (before != null) count(track, before, -1);
      count(track, track.state, 1);
    }
    if (track.state.isTerminal() && !track.finished) {
      track.finished = true;
      if (track.name == null) return;
      long finishedAt = at.toEpochMilli();
      Slot slot = track.name.slot(Math.floorDiv(finishedAt, MINUTE), true);
      if (slot != null) slot.finished++;
      double queue = track.firstPending != null && track.firstStarted != null
          && !track.firstStarted.isBefore(track.firstPending)
          ? millis(track.firstPending, track.firstStarted) : Double.NaN;
      double run = track.attemptStarted != null && event.retries() == track.attempt
          && !at.isBefore(track.attemptStarted)
          ? millis(track.attemptStarted, at) : Double.NaN;
      track.name.addSample(finishedAt, queue, run);
    }
  }

  private static double millis(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    long nanos = to.getNano() - from.getNano();
    return seconds * 1000.0 + nanos / 1_000_000.0;
  }

  private static void count(Track track, TaskState state, int delta) {
    if (track.name == null) return;
    Slot slot = track.name.slot(track.firstMinute, delta > 0);
    if (slot != null) slot.counts[state.ordinal()] += delta;
  }

  /** Same precedence as the store: later attempt, then terminal over running over PENDING, then later time. */
  private static boolean beats(TaskEvent event, Track track) {
    if (track.state == null) return true;
    if (event.retries() != track.retries) return event.retries() > track.retries;
    int rank = rank(event.state()) - rank(track.state);
    if (rank != 0) return rank > 0;
    return !event.timestamp().isBefore(track.stamp);
  }

  private static int rank(TaskState state) {
    if (state.isTerminal()) return 2;
    return state == TaskState.PENDING ? 0 : 1;
  }

  /**
   * The figures of the last {@code windowMinutes} minutes, the current one included (and any minute after
   * it, for producers whose clocks run ahead).
   */
  public StatsSnapshot snapshot(int windowMinutes) {
    if (windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES) {
      throw new IllegalArgumentException("windowMinutes not in 1.." + MAX_WINDOW_MINUTES + ": " + windowMinutes);
    }
    long now = clock.millis();
    long fromMinute = Math.floorDiv(now, MINUTE) - windowMinutes + 1;
    List<TaskNameStats> result = new ArrayList<>();
    synchronized (this) {
      List<NameStats> sorted = new ArrayList<>(names.values());
      sorted.sort((a, b) -> a.name.compareTo(b.name));
      for (NameStats name : sorted) {
        TaskNameStats stats = name.summarise(fromMinute);
        if (stats != null) result.add(stats);
      }
    }
    return new StatsSnapshot(windowMinutes, Instant.ofEpochMilli(now), result);
  }

  /** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
  static double percentile(double[] sorted, int count, double p) {
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.max(0, Math.min(count, rank) - 1)];
  }

  private static final class Track {
    final long firstMinute;
    NameStats name;
    TaskState state;
    int retries;
    Instant stamp;
    Instant firstPending;
    Instant firstStarted;
    int attempt;
    Instant attemptStarted;
    boolean finished;

    Track(long firstMinute) {
      this.firstMinute = firstMinute;
    }
  }

  /** One minute of one name: tasks first seen in it by current state, and tasks finished in it. */
  private static final class Slot {
    long minute;
    final long[] counts = new long[STATES.length];
    long finished;
  }

  private static final class NameStats {
    final String name;
    final Slot[] slots = new Slot[MAX_WINDOW_MINUTES];
    final int maxSamples;
    // grown on demand up to maxSamples, then used as a ring
    long[] sampleAt = new long[16];
    double[] queueMs = new double[16];
    double[] runMs = new double[16];
    int next;
    int sampleCount;

    NameStats(String name, int maxSamples) {
      this.name = name;
      this.maxSamples = maxSamples;
    }

    /** The slot of a minute; a slot still holding an older minute is reused; null for minutes already gone. */
    Slot slot(long minute, boolean create) {
      int index = (int) Math.floorMod(minute, (long) MAX_WINDOW_MINUTES);
      Slot slot = slots[index];
      if (slot != null && slot.minute == minute) return slot;
      if (!create || (slot != null && slot.minute > minute)) return null;
      if (slot == null) {
        slot = new Slot();
        slots[index] = slot;
      } else {
        Arrays.fill(slot.counts, 0);
        slot.finished = 0;
      }
      slot.minute = minute;
      return slot;
    }

    void addSample(long at, double queue, double run) {
      if (sampleCount < maxSamples && sampleCount == sampleAt.length) {
        int capacity = Math.min(maxSamples, sampleAt.length * 2);
        sampleAt = Arrays.copyOf(sampleAt, capacity);
        queueMs = Arrays.copyOf(queueMs, capacity);
        runMs = Arrays.copyOf(runMs, capacity);
      }
      sampleAt[next] = at;
      queueMs[next] = queue;
      runMs[next] = run;
      next = (next + 1) % maxSamples;
      if (sampleCount < maxSamples) sampleCount++;
    }

    TaskNameStats summarise(long fromMinute) {
      Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
      for (TaskState state : STATES) counts.put(state, 0L);
      long total = 0;
      TreeMap<Long, Long> finished = new TreeMap<>();
      for (Slot slot : slots) {
        if (slot == null || slot.minute < fromMinute) continue;
        for (TaskState state : STATES) {
          long count = slot.counts[state.ordinal()];
          if (count != 0) {
            counts.merge(state, count, Long::sum);
            total += count;
          }
        }
        if (slot.finished > 0) finished.put(slot.minute, slot.finished);
      }
      long fromMillis = fromMinute * MINUTE;
      double[] queues = new double[sampleCount];
      double[] runs = new double[sampleCount];
      int queueCount = 0;
      int runCount = 0;
      int inWindow = 0;
      for (int i = 0; i < sampleCount; i++) {
        if (sampleAt[i] < fromMillis) continue;
        inWindow++;
        if (!Double.isNaN(queueMs[i])) queues[queueCount++] = queueMs[i];
        if (!Double.isNaN(runMs[i])) runs[runCount++] = runMs[i];
      }
      if (total == 0 && finished.isEmpty() && inWindow == 0) return null;
      List<MinuteCount> throughput = new ArrayList<>(finished.size());
      finished.forEach((minute, count) ->
          throughput.add(new MinuteCount(Instant.ofEpochMilli(minute * MINUTE), count)));
      long success = counts.get(TaskState.SUCCESS);
      long failure = counts.get(TaskState.FAILURE);
      Double rate = success + failure == 0 ? null : (double) success / (success + failure);
      return new TaskNameStats(name, total, counts, rate, percentiles(queues, queueCount),
          percentiles(runs, runCount), throughput);
    }

    private static Percentiles percentiles(double[] values, int count) {
      if (count == 0) return Percentiles.NONE;
      Arrays.sort(values, 0, count);
      return new Percentiles(percentile(values, count, 50), percentile(values, count, 95),
          percentile(values, count, 99));
    }
  }

  /** Configures {@link TaskStatistics}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxTrackedTasks = 100_000;
    private int samplesPerName = 10_000;

    Builder() {}

    /** Decides which minutes a window covers; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How many tasks' states are remembered to follow their later events; default 100 000. */
    public Builder maxTrackedTasks(int maxTrackedTasks) {
      if (maxTrackedTasks < 1) throw new IllegalArgumentException("maxTrackedTasks < 1: " + maxTrackedTasks);
      this.maxTrackedTasks = maxTrackedTasks;
      return this;
    }

    /** How many recent duration samples per task name feed the percentiles; default 10 000. */
    public Builder samplesPerName(int samplesPerName) {
      if (samplesPerName < 1) throw new IllegalArgumentException("samplesPerName < 1: " + samplesPerName);
      this.samplesPerName = samplesPerName;
      return this;
    }

    public TaskStatistics build() {
      return new TaskStatistics(this);
    }
  }
}
