package io.stemtrace.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskStatisticsTest {

  static final Instant NOW = Instant.parse("2026-11-26T04:30:20Z");
  static final String[] NAMES = {"app.a", "app.b", "app.c"};

  final MutableClock clock = new MutableClock(NOW);

  /** One generated task: its events in order, and the facts a brute-force computation needs. */
  record Generated(String id, String name, List<TaskEvent> events) {}

  static List<Generated> generate(long seed, int count) {
    Random random = new Random(seed);
    List<Generated> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "task-" + i;
      String name = NAMES[random.nextInt(NAMES.length)];
      // first seen anywhere in the last 26 hours, some a little in the future (producer clocks run
      // ahead)
      Instant t =
          NOW.minusMillis((long) (random.nextDouble() * 26 * 3600_000L))
              .plusMillis(random.nextInt(3000));
      List<TaskEvent> events = new ArrayList<>();
      events.add(event(id, name, TaskState.PENDING, t, 0));
      int roll = random.nextInt(100);
      if (roll < 8) {
        tasks.add(new Generated(id, name, events)); // stays PENDING
        continue;
      }
      t = t.plusNanos(1000L * random.nextInt(5_000_000));
      events.add(event(id, name, TaskState.STARTED, t, 0));
      int retries = 0;
      if (roll < 20) {
        t = t.plusNanos(1000L * random.nextInt(2_000_000));
        events.add(event(id, name, TaskState.RETRY, t, 0));
        retries = 1;
        t = t.plusNanos(1000L * random.nextInt(2_000_000));
        events.add(event(id, name, TaskState.STARTED, t, 1));
      }
      if (roll < 28) {
        tasks.add(new Generated(id, name, events)); // still running
        continue;
      }
      t = t.plusNanos(1000L * random.nextInt(60_000_000));
      TaskState end =
          roll < 40 ? TaskState.FAILURE : roll < 43 ? TaskState.REVOKED : TaskState.SUCCESS;
      events.add(event(id, name, end, t, retries));
      tasks.add(new Generated(id, name, events));
    }
    return tasks;
  }

  static TaskEvent event(String id, String name, TaskState state, Instant at, int retries) {
    return TaskEvent.builder(id, state).name(name).timestamp(at).retries(retries).build();
  }

  /** Interleaves the tasks' events randomly, keeping each task's own order. */
  static List<StemtraceEvent> interleave(List<Generated> tasks, long seed) {
    Random random = new Random(seed);
    List<Generated> open = new ArrayList<>(tasks);
    int[] next = new int[tasks.size()];
    Map<Generated, Integer> index = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) index.put(tasks.get(i), i);
    List<StemtraceEvent> out = new ArrayList<>();
    while (!open.isEmpty()) {
      int pick = random.nextInt(open.size());
      Generated task = open.get(pick);
      int i = index.get(task);
      out.add(task.events().get(next[i]++));
      if (next[i] == task.events().size()) {
        open.set(pick, open.get(open.size() - 1));
        open.remove(open.size() - 1);
      }
    }
    return out;
  }

  /** The expected figures of the last minutes before NOW, the current one included. */
  static Map<String, TaskNameStats> bruteForce(List<Generated> tasks, int windowMinutes) {
    long toMinute = Math.floorDiv(NOW.toEpochMilli(), 60_000L) + 1;
    return bruteForce(tasks, toMinute - windowMinutes, toMinute);
  }

  /**
   * The expected figures of the minutes [fromMinute, toMinute), from each task's complete event
   * list.
   */
  static Map<String, TaskNameStats> bruteForce(
      List<Generated> tasks, long fromMinute, long toMinute) {
    long fromMillis = fromMinute * 60_000L;
    long toMillis = toMinute * 60_000L;
    Map<String, Map<TaskState, Long>> counts = new TreeMap<>();
    Map<String, List<Double>> queues = new HashMap<>();
    Map<String, List<Double>> runs = new HashMap<>();
    Map<String, TreeMap<Long, Long>> throughput = new HashMap<>();
    for (Generated task : tasks) {
      List<TaskEvent> events = task.events();
      TaskEvent first = events.get(0);
      TaskEvent last = events.get(events.size() - 1);
      long firstMinute = Math.floorDiv(first.timestamp().toEpochMilli(), 60_000L);
      if (firstMinute >= fromMinute && firstMinute < toMinute) {
        counts.computeIfAbsent(task.name(), n -> zeroCounts()).merge(last.state(), 1L, Long::sum);
      }
      long lastMillis = last.timestamp().toEpochMilli();
      if (!last.state().isTerminal() || lastMillis < fromMillis || lastMillis >= toMillis) continue;
      counts.computeIfAbsent(task.name(), n -> zeroCounts());
      throughput
          .computeIfAbsent(task.name(), n -> new TreeMap<>())
          .merge(Math.floorDiv(last.timestamp().toEpochMilli(), 60_000L), 1L, Long::sum);
      TaskEvent firstStarted =
          events.stream().filter(e -> e.state() == TaskState.STARTED).findFirst().orElse(null);
      TaskEvent attemptStarted =
          events.stream()
              .filter(e -> e.state() == TaskState.STARTED && e.retries() == last.retries())
              .findFirst()
              .orElse(null);
      if (firstStarted != null) {
        queues
            .computeIfAbsent(task.name(), n -> new ArrayList<>())
            .add(ms(first.timestamp(), firstStarted.timestamp()));
      }
      if (attemptStarted != null) {
        runs.computeIfAbsent(task.name(), n -> new ArrayList<>())
            .add(ms(attemptStarted.timestamp(), last.timestamp()));
      }
    }
    Map<String, TaskNameStats> expected = new LinkedHashMap<>();
    for (var entry : counts.entrySet()) {
      String name = entry.getKey();
      Map<TaskState, Long> byState = entry.getValue();
      long total = byState.values().stream().mapToLong(Long::longValue).sum();
      long success = byState.get(TaskState.SUCCESS);
      long failure = byState.get(TaskState.FAILURE);
      List<MinuteCount> minutes = new ArrayList<>();
      throughput
          .getOrDefault(name, new TreeMap<>())
          .forEach(
              (minute, count) ->
                  minutes.add(new MinuteCount(Instant.ofEpochMilli(minute * 60_000L), count)));
      expected.put(
          name,
          new TaskNameStats(
              name,
              total,
              byState,
              success + failure == 0 ? null : (double) success / (success + failure),
              nearestRank(queues.get(name)),
              nearestRank(runs.get(name)),
              minutes));
    }
    return expected;
  }

  static Map<TaskState, Long> zeroCounts() {
    Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
    for (TaskState state : TaskState.values()) counts.put(state, 0L);
    return counts;
  }

  static double ms(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1_000_000.0;
  }

  static Percentiles nearestRank(List<Double> values) {
    if (values == null || values.isEmpty()) return Percentiles.NONE;
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new Percentiles(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99));
  }

  static double rank(double[] sorted, int p) {
    // the smallest value with at least p% of the values at or below it
    for (int i = 0; i < sorted.length; i++) {
      if ((i + 1) * 100L >= (long) p * sorted.length) return sorted[i];
    }
    return sorted[sorted.length - 1];
  }

  static void assertMatches(StatsSnapshot actual, Map<String, TaskNameStats> expected) {
    assertThat(actual.tasks())
        .extracting(TaskNameStats::name)
        .containsExactlyElementsOf(expected.keySet());
    for (TaskNameStats stats : actual.tasks()) {
      TaskNameStats want = expected.get(stats.name());
      assertThat(stats.counts()).as(stats.name() + " counts").isEqualTo(want.counts());
      assertThat(stats.total()).isEqualTo(want.total());
      assertThat(stats.successRate()).isEqualTo(want.successRate());
      assertThat(stats.throughput()).as(stats.name() + " throughput").isEqualTo(want.throughput());
      assertPercentiles(stats.name() + " queue", stats.queueTimeMs(), want.queueTimeMs());
      assertPercentiles(stats.name() + " run", stats.runTimeMs(), want.runTimeMs());
    }
  }

  static void assertPercentiles(String what, Percentiles actual, Percentiles expected) {
    if (expected.p50() == null) {
      assertThat(actual).as(what).isEqualTo(Percentiles.NONE);
      return;
    }
    assertThat(actual.p50()).as(what + " p50").isCloseTo(expected.p50(), within(1e-6));
    assertThat(actual.p95()).as(what + " p95").isCloseTo(expected.p95(), within(1e-6));
    assertThat(actual.p99()).as(what + " p99").isCloseTo(expected.p99(), within(1e-6));
  }

  @Test
  void snapshot_generatedStreams_matchBruteForce_inEveryWindow() {
    for (long seed = 1; seed <= 3; seed++) {
      List<Generated> tasks = generate(seed, 3000);
      TaskStatistics stats = TaskStatistics.builder().clock(clock).build();
      InMemoryGraphStore store = InMemoryGraphStore.create();
      EventConsumer consumer = EventConsumer.builder(store).listener(stats).build();
      List<StemtraceEvent> events = interleave(tasks, seed);
      Random random = new Random(seed);
      for (int i = 0; i < events.size(); ) {
        int end = Math.min(events.size(), i + 1 + random.nextInt(200));
        consumer.acceptEvents(events.subList(i, end));
        i = end;
      }
      for (int window : new int[] {1, 15, 60, 240, 1440}) {
        StatsSnapshot snapshot = stats.snapshot(window);
        assertThat(snapshot.windowMinutes()).isEqualTo(window);
        assertThat(snapshot.generatedAt()).isEqualTo(NOW);
        assertThat(snapshot.to()).isEqualTo(Instant.parse("2026-11-26T04:31:00Z"));
        assertThat(snapshot.from()).isEqualTo(snapshot.to().minus(Duration.ofMinutes(window)));
        assertMatches(snapshot, bruteForce(tasks, window));
      }
      // any period, in the events' own time: the clock plays no part
      for (int i = 0; i < 20; i++) {
        Instant from = NOW.minusMillis((long) (random.nextDouble() * 27 * 3600_000L));
        Instant to = from.plusMillis(1 + (long) (random.nextDouble() * 6 * 3600_000L));
        clock.set(NOW.plus(Duration.ofDays(random.nextInt(800) - 400)));
        StatsSnapshot snapshot = stats.snapshot(from, to);
        long fromMinute = Math.floorDiv(from.toEpochMilli(), 60_000L);
        long toMinute = Math.floorDiv(to.toEpochMilli() - 1, 60_000L) + 1;
        assertThat(snapshot.windowMinutes()).isNull();
        assertThat(snapshot.from()).isEqualTo(Instant.ofEpochMilli(fromMinute * 60_000L));
        assertThat(snapshot.to()).isEqualTo(Instant.ofEpochMilli(toMinute * 60_000L));
        assertMatches(snapshot, bruteForce(tasks, fromMinute, toMinute));
      }
      clock.set(NOW);
      // the durations are the store's: queue and run time of every finished task agree with its
      // node
      for (Generated task : tasks.subList(0, 200)) {
        TaskNode node = store.task(task.id()).orElseThrow();
        TaskEvent last = task.events().get(task.events().size() - 1);
        if (!last.state().isTerminal() || node.runTime() == null) continue;
        TaskEvent started =
            task.events().stream()
                .filter(e -> e.state() == TaskState.STARTED && e.retries() == last.retries())
                .findFirst()
                .orElseThrow();
        assertThat(Duration.between(started.timestamp(), last.timestamp()))
            .isEqualTo(node.runTime());
      }
    }
  }

  @Test
  void snapshot_lateEventsOutOfOrder_moveCountsWithoutDoubleCounting() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).build();
    Instant t = NOW.minusSeconds(30);
    stats.onApplied(
        List.of(
            event("t1", "app.a", TaskState.SUCCESS, t.plusSeconds(3), 0),
            event("t1", "app.a", TaskState.STARTED, t.plusSeconds(1), 0),
            event("t1", "app.a", TaskState.PENDING, t, 0),
            event("t1", "app.a", TaskState.SUCCESS, t.plusSeconds(3), 0),
            event("t2", "app.a", TaskState.PENDING, t, 0)));

    TaskNameStats a = stats.snapshot(15).tasks().get(0);
    assertThat(a.total()).isEqualTo(2);
    assertThat(a.counts().get(TaskState.SUCCESS)).isEqualTo(1);
    assertThat(a.counts().get(TaskState.PENDING)).isEqualTo(1);
    assertThat(a.throughput()).extracting(MinuteCount::count).containsExactly(1L);
    assertThat(a.successRate()).isEqualTo(1.0);
  }

  @Test
  void snapshot_queueTime_startsAtTheFirstPendingOrReceived() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).build();
    Instant t = NOW.minusSeconds(30);
    stats.onApplied(
        List.of(
            event("t1", "app.a", TaskState.RECEIVED, t, 0),
            event("t1", "app.a", TaskState.STARTED, t.plusMillis(20), 0),
            event("t1", "app.a", TaskState.SUCCESS, t.plusMillis(25), 0)));

    Percentiles queue = stats.snapshot(15).tasks().get(0).queueTimeMs();
    assertThat(queue).isEqualTo(new Percentiles(20.0, 20.0, 20.0));
  }

  @Test
  void snapshot_samplesPerName_keepsTheNewestSamples() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).samplesPerName(10).build();
    List<StemtraceEvent> events = new ArrayList<>();
    Instant t = NOW.minusSeconds(50);
    for (int i = 0; i < 30; i++) {
      // run time of task i is i ms; only the last 10 (20..29) are kept
      events.add(event("t" + i, "app.a", TaskState.STARTED, t, 0));
      events.add(event("t" + i, "app.a", TaskState.SUCCESS, t.plusMillis(i), 0));
    }
    stats.onApplied(events);

    Percentiles run = stats.snapshot(5).tasks().get(0).runTimeMs();
    assertThat(run).isEqualTo(new Percentiles(24.0, 29.0, 29.0));
    assertThat(stats.snapshot(5).tasks().get(0).queueTimeMs()).isEqualTo(Percentiles.NONE);
  }

  @Test
  void uniqueNameFlood_keepsAtMostMaxNames_newestNamesAndBusyNamesStay() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).maxNames(100).build();
    Instant t = NOW.minusSeconds(30);
    for (int i = 0; i < 10_000; i++) {
      // a busy name keeps getting new tasks among the flood; each flood name is seen once
      stats.onApplied(
          List.of(
              event("busy" + i, "app.busy", TaskState.SUCCESS, t, 0),
              event("flood" + i, "flood.name" + i, TaskState.SUCCESS, t, 0)));
    }
    assertThat(stats.nameCount()).isEqualTo(100);
    assertThat(stats.forgottenNames()).isEqualTo(10_000 + 1 - 100);
    List<TaskNameStats> kept = stats.snapshot(5).tasks();
    assertThat(kept).hasSize(100);
    assertThat(kept)
        .extracting(TaskNameStats::name)
        .contains("app.busy", "flood.name9999")
        .doesNotContain("flood.name0");
    TaskNameStats busy =
        kept.stream().filter(n -> n.name().equals("app.busy")).findFirst().orElseThrow();
    assertThat(busy.total()).isEqualTo(10_000);
    assertThat(busy.counts().get(TaskState.SUCCESS)).isEqualTo(10_000);
  }

  @Test
  void forgottenName_lateEventOfItsTask_countsAnewWithoutGoingNegative() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).maxNames(1).build();
    Instant t = NOW.minusSeconds(30);
    stats.onApplied(List.of(event("a1", "app.a", TaskState.STARTED, t, 0)));
    stats.onApplied(List.of(event("b1", "app.b", TaskState.STARTED, t, 0))); // app.a forgotten
    stats.onApplied(
        List.of(
            event("a2", "app.a", TaskState.STARTED, t, 0), // app.b forgotten, app.a anew
            event("a1", "app.a", TaskState.SUCCESS, t.plusSeconds(1), 0)));
    TaskNameStats a = stats.snapshot(5).tasks().get(0);
    assertThat(a.name()).isEqualTo("app.a");
    assertThat(a.counts().get(TaskState.STARTED)).isEqualTo(1);
    assertThat(a.counts().get(TaskState.SUCCESS)).isEqualTo(1);
    assertThat(a.counts().values()).allMatch(count -> count >= 0);
  }

  @Test
  void samplesOfAllNames_stayWithinMaxSamples_eachNameKeepsItsNewest() {
    TaskStatistics stats =
        TaskStatistics.builder().clock(clock).samplesPerName(10_000).maxSamples(1_000).build();
    Instant t = NOW.minusSeconds(50);
    List<StemtraceEvent> events = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      for (int i = 0; i < 2_000; i++) {
        events.add(event("n" + n + "t" + i, "app.n" + n, TaskState.STARTED, t, 0));
        events.add(event("n" + n + "t" + i, "app.n" + n, TaskState.SUCCESS, t.plusMillis(i), 0));
      }
    }
    stats.onApplied(events);
    assertThat(stats.sampleCapacity())
        .isLessThanOrEqualTo(1_000 + 20 * 16); // the budget, plus 16 per name to start with
    for (TaskNameStats name : stats.snapshot(5).tasks()) {
      assertThat(name.total()).isEqualTo(2_000);
      // the ring kept the newest run times, whatever its size: the 99th percentile is among the
      // last tasks
      assertThat(name.runTimeMs().p99()).as(name.name()).isGreaterThanOrEqualTo(1_900.0);
    }
  }

  @Test
  void snapshot_windowOutsideTheRange_isRejected() {
    TaskStatistics stats = TaskStatistics.create();
    assertThatThrownBy(() -> stats.snapshot(0)).hasMessage("windowMinutes not in 1..527040: 0");
    assertThatThrownBy(() -> stats.snapshot(527041))
        .hasMessage("windowMinutes not in 1..527040: 527041");
    assertThat(stats.snapshot(60).tasks()).isEmpty();
    assertThat(stats.snapshot(60).dataFrom()).isNull();
  }

  @Test
  void snapshot_periodNotInOrderOrOutsideTheRange_isRejected() {
    TaskStatistics stats = TaskStatistics.create();
    assertThatThrownBy(() -> stats.snapshot(NOW, NOW))
        .hasMessage("from 2026-11-26T04:30:20Z is not before to 2026-11-26T04:30:20Z");
    assertThatThrownBy(() -> stats.snapshot(Instant.MIN, NOW))
        .hasMessageStartingWith("period end outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z: ");
    assertThatThrownBy(() -> stats.snapshot(NOW, Instant.MAX))
        .hasMessageContaining("period end outside");
    assertThatThrownBy(() -> stats.snapshot(null, NOW)).hasMessage("from == null");
  }

  @Test
  void snapshot_ofAWeekOldReplay_isFoundByItsOwnPeriod_andTheDataRangeSaysWhere() {
    // the clock is a week past the events: "the last 24 hours" is empty, the events' period is not
    clock.set(NOW.plus(Duration.ofDays(7)));
    TaskStatistics stats = TaskStatistics.builder().clock(clock).build();
    Instant t = NOW.minusSeconds(90);
    stats.onApplied(
        List.of(
            event("t1", "app.a", TaskState.PENDING, t, 0),
            event("t1", "app.a", TaskState.STARTED, t.plusMillis(5), 0),
            event("t1", "app.a", TaskState.SUCCESS, t.plusSeconds(60), 0)));

    StatsSnapshot lastDay = stats.snapshot(1440);
    assertThat(lastDay.tasks()).isEmpty();
    assertThat(lastDay.dataFrom()).isEqualTo(Instant.parse("2026-11-26T04:28:00Z"));
    assertThat(lastDay.dataTo()).isEqualTo(Instant.parse("2026-11-26T04:30:00Z"));

    StatsSnapshot own = stats.snapshot(lastDay.dataFrom(), lastDay.dataTo());
    assertThat(own.tasks())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.total()).isEqualTo(1);
              assertThat(a.counts().get(TaskState.SUCCESS)).isEqualTo(1);
              assertThat(a.throughput())
                  .containsExactly(new MinuteCount(Instant.parse("2026-11-26T04:29:00Z"), 1));
              assertThat(a.runTimeMs().p50()).isEqualTo(59_995.0);
            });
    // a period ending inside a minute covers that whole minute; one ending on a minute's start does
    // not
    assertThat(stats.snapshot(t, t.plusNanos(1)).to())
        .isEqualTo(Instant.parse("2026-11-26T04:29:00Z"));
    assertThat(
            stats
                .snapshot(NOW.minusSeconds(120), Instant.parse("2026-11-26T04:29:00Z"))
                .tasks()
                .get(0)
                .throughput())
        .isEmpty();
  }

  @Test
  void maxMinuteSlots_forgetsTheOldestMinutesFirst_andDoesNotCountThemAgain() {
    TaskStatistics stats = TaskStatistics.builder().clock(clock).maxMinuteSlots(3).build();
    Instant start = NOW.minus(Duration.ofMinutes(10));
    List<StemtraceEvent> events = new ArrayList<>();
    for (int minute = 0; minute < 5; minute++) {
      events.add(
          event(
              "t" + minute, "app.a", TaskState.PENDING, start.plus(Duration.ofMinutes(minute)), 0));
    }
    stats.onApplied(events);
    StatsSnapshot snapshot = stats.snapshot(60);
    assertThat(snapshot.tasks().get(0).total()).isEqualTo(3);
    assertThat(snapshot.dataFrom()).isEqualTo(Instant.parse("2026-11-26T04:22:00Z"));

    // a late task of a forgotten minute is not counted; one of a kept minute is
    stats.onApplied(
        List.of(
            event("late-old", "app.a", TaskState.PENDING, start, 0),
            event("late-kept", "app.a", TaskState.PENDING, start.plus(Duration.ofMinutes(4)), 0)));
    assertThat(stats.snapshot(60).tasks().get(0).total()).isEqualTo(4);
  }

  @Test
  void percentile_isNearestRank() {
    double[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(TaskStatistics.percentile(values, 10, 50)).isEqualTo(5);
    assertThat(TaskStatistics.percentile(values, 10, 95)).isEqualTo(10);
    assertThat(TaskStatistics.percentile(values, 1, 99)).isEqualTo(1);
  }
}
