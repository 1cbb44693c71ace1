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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per task name statistics kept up to date from the events a consumer applied (register it as the
 * consumer's {@link EventListener}): counts by state, success rate, queue and run time percentiles
 * and throughput per minute, over the last N minutes or any period in the events' own time.
 *
 * <p>How: per-minute roll-ups. Every task is counted once, in the minute its first event carries,
 * under its current state; a state change moves one count between states (never a rescan). When a
 * task first reaches a terminal state, that minute's throughput grows by one and its queue and run
 * time become samples. Percentiles are exact over the most recent {@code samplesPerName} samples of
 * a name (nearest rank), so a period holding more samples than that is summarised by its newest
 * ones. A snapshot costs O(names x log minutes + minutes in the period + samples kept), never a
 * scan of the tasks.
 *
 * <p>The figures are history, not a view of the store: a task the store evicted still counts in the
 * minute it ran. Minutes are kept by the events' time, not the wall clock, so a replayed or
 * imported capture of last week has statistics like today's traffic; at most {@code maxMinuteSlots}
 * (name, minute) roll-ups are kept (about {@value #BYTES_PER_SLOT} bytes each), and past that the
 * oldest minute is forgotten first. To follow late events, each task's state is remembered for the
 * newest {@code maxTrackedTasks} tasks; an event for a task forgotten since counts it anew. At most
 * {@code maxNames} task names are kept, the one whose newest task came longest ago forgotten first
 * (with its roll-ups), and the duration samples of all names together never exceed {@code
 * maxSamples}: a flood of unique names costs a bounded amount of heap. Thread-safe (one lock).
 */
public final class TaskStatistics implements EventListener {

  /** The longest "last N minutes" window: 366 days. Periods given by their ends have no limit. */
  public static final int MAX_WINDOW_MINUTES = 366 * 24 * 60;

  /** Periods given by their ends must lie within these instants (years 1 to 9999, UTC). */
  public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

  /** See {@link #MIN_INSTANT}. */
  public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59Z");

  /**
   * Heap per (name, minute) roll-up, measured on a 64-bit JVM with compressed pointers
   * (RATIONALE.md).
   */
  static final int BYTES_PER_SLOT = 150;

  private static final TaskState[] STATES = TaskState.values();
  private static final long MINUTE = 60_000L;

  private final Clock clock;
  private final int maxTrackedTasks;
  private final int samplesPerName;
  private final int maxMinuteSlots;
  private final int maxNames;
  private final int maxSamples;
  private final LinkedHashMap<String, Track> tracks = new LinkedHashMap<>();

  /** in access order: the eldest is the name whose newest task came longest ago */
  private final LinkedHashMap<String, NameStats> names = new LinkedHashMap<>(16, 0.75f, true);

  /** sample slots allocated over all names, at most maxSamples (plus the first few of each name) */
  private long sampleCapacity;

  /**
   * references in {@link #minutes} to names forgotten since; compacted away once they outnumber the
   * live ones
   */
  private int staleMinuteRefs;

  private long forgottenNames;

  /** Which names hold a roll-up of each minute: the eviction order, oldest minute first. */
  private final TreeMap<Long, List<NameStats>> minutes = new TreeMap<>();

  private int slotCount;

  /** Minutes before this one were forgotten; later events for them are not counted again. */
  private long forgottenBefore = Long.MIN_VALUE;

  private TaskStatistics(Builder builder) {
    this.clock = builder.clock;
    this.maxTrackedTasks = builder.maxTrackedTasks;
    this.samplesPerName = builder.samplesPerName;
    this.maxMinuteSlots = builder.maxMinuteSlots;
    this.maxNames = builder.maxNames;
    this.maxSamples = builder.maxSamples;
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
    // a track whose name was forgotten counts again under the name's new entry, as a task first
    // heard of now
    if ((track.name == null || track.name.forgotten) && event.name() != null) {
      track.name = nameStats(event.name());
      if (track.state != null) count(track, track.state, 1);
    }
    Instant at = event.timestamp();
    // queued from the first PENDING or RECEIVED, as a task's own queue time
    if ((event.state() == TaskState.PENDING || event.state() == TaskState.RECEIVED)
        && (track.firstPending == null || at.isBefore(track.firstPending))) {
      track.firstPending = at;
    }
    if (event.state() == TaskState.STARTED
        && (track.firstStarted == null || at.isBefore(track.firstStarted))) {
      track.firstStarted = at;
    }
    if (event.retries() > track.attempt) {
      track.attempt = event.retries();
      track.attemptStarted = null;
    }
    if (event.retries() == track.attempt
        && event.state() == TaskState.STARTED
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
      Slot slot = slot(track.name, Math.floorDiv(finishedAt, MINUTE), true);
      if (slot != null) slot.finished++;
      double queue =
          track.firstPending != null
                  && track.firstStarted != null
                  && !track.firstStarted.isBefore(track.firstPending)
              ? millis(track.firstPending, track.firstStarted)
              : Double.NaN;
      double run =
          track.attemptStarted != null
                  && event.retries() == track.attempt
                  && !at.isBefore(track.attemptStarted)
              ? millis(track.attemptStarted, at)
              : Double.NaN;
      addSample(track.name, finishedAt, queue, run);
    }
  }

  private NameStats nameStats(String name) {
    NameStats stats = names.get(name);
    if (stats != null) return stats;
    stats = new NameStats(name, samplesPerName);
    names.put(name, stats);
    sampleCapacity += stats.sampleAt.length;
    if (names.size() > maxNames) forget(names.values().iterator().next());
    return stats;
  }

  private void forget(NameStats stats) {
    names.remove(stats.name);
    stats.forgotten = true;
    slotCount -= stats.slots.size();
    staleMinuteRefs += stats.slots.size();
    stats.slots.clear();
    stats.lastSlot = null;
    sampleCapacity -= stats.sampleAt.length;
    stats.releaseSamples();
    forgottenNames++;
    if (staleMinuteRefs > slotCount + 1024) {
      // rebuilt at most once per as many forgotten roll-ups as live ones: amortised O(1) per name
      for (var it = minutes.entrySet().iterator(); it.hasNext(); ) {
        List<NameStats> owners = it.next().getValue();
        owners.removeIf(owner -> owner.forgotten);
        if (owners.isEmpty()) it.remove();
      }
      staleMinuteRefs = 0;
    }
  }

  private void addSample(NameStats stats, long at, double queue, double run) {
    int grown =
        stats.capacityForNextSample(
            (int) Math.min(Integer.MAX_VALUE, Math.max(0, maxSamples - sampleCapacity)));
    sampleCapacity += grown;
    stats.addSample(at, queue, run);
  }

  private static double millis(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    long nanos = to.getNano() - from.getNano();
    return seconds * 1000.0 + nanos / 1_000_000.0;
  }

  private void count(Track track, TaskState state, int delta) {
    if (track.name == null) return;
    Slot slot = slot(track.name, track.firstMinute, delta > 0);
    if (slot != null) slot.counts[state.ordinal()] += delta;
  }

  /** The roll-up of a name's minute, made on demand; null for minutes already forgotten. */
  private Slot slot(NameStats name, long minute, boolean create) {
    // most events of a name land in the minute its previous event did
    if (name.lastSlot != null && name.lastMinute == minute) return name.lastSlot;
    Slot slot = name.slots.get(minute);
    if (slot == null) {
      if (!create || minute < forgottenBefore) return null;
      slot = new Slot();
      name.slots.put(minute, slot);
      minutes.computeIfAbsent(minute, m -> new ArrayList<>(2)).add(name);
      slotCount++;
      forgetOldestBeyondTheCap();
      if (minute < forgottenBefore) return null;
    }
    name.lastMinute = minute;
    name.lastSlot = slot;
    return slot;
  }

  private void forgetOldestBeyondTheCap() {
    while (slotCount > maxMinuteSlots) {
      Map.Entry<Long, List<NameStats>> oldest = minutes.pollFirstEntry();
      for (NameStats owner : oldest.getValue()) {
        if (owner.forgotten) {
          staleMinuteRefs--;
          continue;
        }
        owner.slots.remove(oldest.getKey());
        slotCount--;
        if (owner.lastMinute == oldest.getKey()) owner.lastSlot = null;
      }
      forgottenBefore = oldest.getKey() + 1;
    }
  }

  /** Task names held now, at most {@code maxNames}. */
  public synchronized int nameCount() {
    return names.size();
  }

  /** Task names forgotten so far to stay within {@code maxNames}. */
  public synchronized long forgottenNames() {
    return forgottenNames;
  }

  /**
   * Duration sample slots allocated over all names (bounded by {@code maxSamples}, plus 16 per
   * name).
   */
  synchronized long sampleCapacity() {
    return sampleCapacity;
  }

  private static boolean beats(TaskEvent event, Track track) {
    return track.state == null || event.supersedes(track.retries, track.state, track.stamp);
  }

  /**
   * The figures of the last {@code windowMinutes} minutes by the clock, the current one included:
   * the period from the start of the minute {@code windowMinutes - 1} minutes ago to the end of the
   * current one.
   */
  public StatsSnapshot snapshot(int windowMinutes) {
    if (windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES) {
      throw new IllegalArgumentException(
          "windowMinutes not in 1.." + MAX_WINDOW_MINUTES + ": " + windowMinutes);
    }
    long now = clock.millis();
    long toMinute = Math.floorDiv(now, MINUTE) + 1;
    return snapshot(toMinute - windowMinutes, toMinute, windowMinutes, now);
  }

  /**
   * The figures of any period, in the events' own time: the whole minutes from the one holding
   * {@code from} to the one holding the instant just before {@code to} (a period is widened to
   * whole minutes, which the snapshot reports).
   *
   * @throws IllegalArgumentException when {@code from} is not before {@code to}, or either is
   *     outside {@link #MIN_INSTANT}..{@link #MAX_INSTANT}
   */
  public StatsSnapshot snapshot(Instant from, Instant to) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    for (Instant end : new Instant[] {from, to}) {
      if (end.isBefore(MIN_INSTANT) || end.isAfter(MAX_INSTANT)) {
        throw new IllegalArgumentException(
            "period end outside " + MIN_INSTANT + ".." + MAX_INSTANT + ": " + end);
      }
    }
    if (!from.isBefore(to))
      throw new IllegalArgumentException("from " + from + " is not before to " + to);
    // the period ends with the minute holding its last instant, one nanosecond before `to`
    long toMinute = Math.floorDiv(to.minusNanos(1).toEpochMilli(), MINUTE) + 1;
    return snapshot(Math.floorDiv(from.toEpochMilli(), MINUTE), toMinute, null, clock.millis());
  }

  private StatsSnapshot snapshot(long fromMinute, long toMinute, Integer windowMinutes, long now) {
    List<TaskNameStats> result = new ArrayList<>();
    Instant dataFrom;
    Instant dataTo;
    synchronized (this) {
      List<NameStats> sorted = new ArrayList<>(names.values());
      sorted.sort((a, b) -> a.name.compareTo(b.name));
      for (NameStats name : sorted) {
        TaskNameStats stats = name.summarise(fromMinute, toMinute);
        if (stats != null) result.add(stats);
      }
      dataFrom = minutes.isEmpty() ? null : minuteStart(minutes.firstKey());
      dataTo = minutes.isEmpty() ? null : minuteStart(minutes.lastKey() + 1);
    }
    return new StatsSnapshot(
        windowMinutes,
        minuteStart(fromMinute),
        minuteStart(toMinute),
        Instant.ofEpochMilli(now),
        dataFrom,
        dataTo,
        result);
  }

  private static Instant minuteStart(long minute) {
    return Instant.ofEpochMilli(minute * MINUTE);
  }

  /**
   * Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or
   * below it.
   */
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
    final int[] counts = new int[STATES.length];
    int finished;
  }

  private static final class NameStats {
    final String name;
    final TreeMap<Long, Slot> slots = new TreeMap<>();
    long lastMinute;
    Slot lastSlot;
    boolean forgotten;
    final int maxSamples;
    // grown on demand up to maxSamples, then used as a ring
    long[] sampleAt;
    double[] queueMs;
    double[] runMs;
    int next;
    int sampleCount;

    NameStats(String name, int maxSamples) {
      this.name = name;
      this.maxSamples = maxSamples;
      int initial = Math.min(16, maxSamples);
      this.sampleAt = new long[initial];
      this.queueMs = new double[initial];
      this.runMs = new double[initial];
    }

    /**
     * Makes room for the next sample: the ring doubles while it is full, below its own cap and
     * within {@code budget} more slots (what is left of the budget over all names); otherwise the
     * next sample replaces the oldest. Returns the slots added.
     */
    int capacityForNextSample(int budget) {
      // only when full with the oldest sample first (next wrapped to 0), so that copying keeps the
      // ring's order
      if (budget <= 0
          || next != 0
          || sampleCount != sampleAt.length
          || sampleAt.length >= maxSamples) return 0;
      int length = sampleAt.length;
      int capacity =
          (int) Math.min(Math.min(maxSamples, Math.max(16, length * 2)), (long) length + budget);
      sampleAt = Arrays.copyOf(sampleAt, capacity);
      queueMs = Arrays.copyOf(queueMs, capacity);
      runMs = Arrays.copyOf(runMs, capacity);
      next = length;
      return capacity - length;
    }

    void addSample(long at, double queue, double run) {
      sampleAt[next] = at;
      queueMs[next] = queue;
      runMs[next] = run;
      next = (next + 1) % sampleAt.length;
      if (sampleCount < sampleAt.length) sampleCount++;
    }

    void releaseSamples() {
      sampleAt = new long[0];
      queueMs = new double[0];
      runMs = new double[0];
      sampleCount = 0;
      next = 0;
    }

    TaskNameStats summarise(long fromMinute, long toMinute) {
      Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
      for (TaskState state : STATES) counts.put(state, 0L);
      long total = 0;
      List<MinuteCount> throughput = new ArrayList<>();
      for (Map.Entry<Long, Slot> entry : slots.subMap(fromMinute, toMinute).entrySet()) {
        Slot slot = entry.getValue();
        for (TaskState state : STATES) {
          int count = slot.counts[state.ordinal()];
          if (count != 0) {
            counts.merge(state, (long) count, Long::sum);
            total += count;
          }
        }
        if (slot.finished > 0)
          throughput.add(new MinuteCount(minuteStart(entry.getKey()), slot.finished));
      }
      long fromMillis = fromMinute * MINUTE;
      long toMillis = toMinute * MINUTE;
      double[] queues = new double[sampleCount];
      double[] runs = new double[sampleCount];
      int queueCount = 0;
      int runCount = 0;
      int inWindow = 0;
      for (int i = 0; i < sampleCount; i++) {
        if (sampleAt[i] < fromMillis || sampleAt[i] >= toMillis) continue;
        inWindow++;
        if (!Double.isNaN(queueMs[i])) queues[queueCount++] = queueMs[i];
        if (!Double.isNaN(runMs[i])) runs[runCount++] = runMs[i];
      }
      if (total == 0 && throughput.isEmpty() && inWindow == 0) return null;
      long success = counts.get(TaskState.SUCCESS);
      long failure = counts.get(TaskState.FAILURE);
      Double rate = success + failure == 0 ? null : (double) success / (success + failure);
      return new TaskNameStats(
          name,
          total,
          counts,
          rate,
          percentiles(queues, queueCount),
          percentiles(runs, runCount),
          throughput);
    }

    private static Percentiles percentiles(double[] values, int count) {
      if (count == 0) return Percentiles.NONE;
      Arrays.sort(values, 0, count);
      return new Percentiles(
          percentile(values, count, 50),
          percentile(values, count, 95),
          percentile(values, count, 99));
    }
  }

  /** Configures {@link TaskStatistics}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxTrackedTasks = 100_000;
    private int samplesPerName = 10_000;
    private int maxMinuteSlots = 200_000;
    private int maxNames = 10_000;
    private int maxSamples = 2_000_000;

    Builder() {}

    /**
     * How many task names are kept; past it the name whose newest task came longest ago is
     * forgotten, with its roll-ups. Default 10 000 (a name costs about 1 KB besides its roll-ups
     * and samples).
     */
    public Builder maxNames(int maxNames) {
      if (maxNames < 1) throw new IllegalArgumentException("maxNames < 1: " + maxNames);
      this.maxNames = maxNames;
      return this;
    }

    /**
     * How many duration samples all names keep together (24 bytes each); a name's ring stops
     * growing once they are spent and keeps its newest samples. Default 2 000 000 (about 48 MB).
     */
    public Builder maxSamples(int maxSamples) {
      if (maxSamples < 1) throw new IllegalArgumentException("maxSamples < 1: " + maxSamples);
      this.maxSamples = maxSamples;
      return this;
    }

    /** Decides which minutes a window covers; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** How many tasks' states are remembered to follow their later events; default 100 000. */
    public Builder maxTrackedTasks(int maxTrackedTasks) {
      if (maxTrackedTasks < 1)
        throw new IllegalArgumentException("maxTrackedTasks < 1: " + maxTrackedTasks);
      this.maxTrackedTasks = maxTrackedTasks;
      return this;
    }

    /** How many recent duration samples per task name feed the percentiles; default 10 000. */
    public Builder samplesPerName(int samplesPerName) {
      if (samplesPerName < 1)
        throw new IllegalArgumentException("samplesPerName < 1: " + samplesPerName);
      this.samplesPerName = samplesPerName;
      return this;
    }

    /**
     * How many (task name, minute) roll-ups are kept, about {@value TaskStatistics#BYTES_PER_SLOT}
     * bytes each; past it the oldest minute is forgotten. Default 200 000 (about 30 MB): a week of
     * every minute for 20 busy task names.
     */
    public Builder maxMinuteSlots(int maxMinuteSlots) {
      if (maxMinuteSlots < 1)
        throw new IllegalArgumentException("maxMinuteSlots < 1: " + maxMinuteSlots);
      this.maxMinuteSlots = maxMinuteSlots;
      return this;
    }

    public TaskStatistics build() {
      return new TaskStatistics(this);
    }
  }
}
