package io.stemtrace.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.GraphStores;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the PostgreSQL store adds to the contract: history survives restarts, a redelivered batch
 * writes nothing new, the consumer's batches are committed before they count as consumed (also
 * while PostgreSQL restarts), retention drops whole day partitions, and bad configuration fails
 * with a message that says what to fix.
 */
class PostgresGraphStoreIT {

  private static final EventCodec CODEC = EventCodec.standard();
  private final List<String> schemas = new ArrayList<>();
  private final List<GraphStore> stores = new ArrayList<>();

  @BeforeAll
  static void postgresRunning() {
    PostgresTestSupport.requirePostgres();
  }

  @AfterEach
  void dropSchemas() {
    for (GraphStore store : stores) store.close();
    for (String schema : schemas) PostgresTestSupport.dropSchema(schema);
  }

  private String schema() {
    String schema = PostgresTestSupport.newSchema();
    schemas.add(schema);
    return schema;
  }

  private PostgresGraphStore open(String schema) {
    return open(schema, PostgresGraphStore.builder(PostgresTestSupport.url(schema)));
  }

  private PostgresGraphStore open(String schema, PostgresGraphStore.Builder builder) {
    PostgresGraphStore store = builder.build();
    stores.add(store);
    store.replay();
    return store;
  }

  private static long rows(String schema) {
    return PostgresTestSupport.count("SELECT count(*) FROM " + schema + ".events");
  }

  @Test
  void realCapture_survivesARestart_asTheSameGraph() {
    String schema = schema();
    PostgresGraphStore first = open(schema);
    List<StemtraceEvent> events = CaptureExpectations.pythonCanvasEvents();
    for (StemtraceEvent event : events) first.apply(event);
    first.flush();
    first.close();

    PostgresGraphStore second = open(schema);
    assertThat(second.replayedEvents()).isEqualTo(events.size());
    CaptureExpectations.assertPythonCanvasGraph(second);
    CaptureExpectations.assertEveryTaskExactlyOnce(second);
  }

  @Test
  void redeliveredBatch_afterACrash_writesNothingNew_andChangesNoGraph() {
    String schema = schema();
    List<StemtraceEvent> events = CaptureExpectations.pythonCanvasEvents();
    PostgresGraphStore crashed = open(schema);
    for (StemtraceEvent event : events) crashed.apply(event);
    crashed.flush();
    long written = rows(schema);
    // the collector died after the commit and before the broker heard: it gets the batch again
    PostgresGraphStore restarted = open(schema);
    long tasksBefore = restarted.taskCount();
    for (StemtraceEvent event : events) restarted.apply(event);
    restarted.flush();

    assertThat(rows(schema)).isEqualTo(written).isEqualTo(events.size());
    assertThat(restarted.taskCount()).isEqualTo(tasksBefore);
    CaptureExpectations.assertPythonCanvasGraph(restarted);
    CaptureExpectations.assertPythonCanvasGraph(open(schema));
  }

  @Test
  void consumer_commitsEachBatchBeforeReturning_andLosesNothingWhilePostgresRestarts()
      throws Exception {
    String schema = schema();
    PostgresGraphStore store = open(schema);
    EventConsumer consumer = EventConsumer.builder(store).build();
    int tasks = 6_000;
    int batchSize = 300;
    List<byte[]> all = new ArrayList<>();
    Instant at = Instant.now().minusSeconds(60);
    for (int i = 0; i < tasks; i++) {
      String id = "pg-restart-" + i;
      for (TaskState state : List.of(TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS)) {
        all.add(
            CODEC.encode(
                TaskEvent.builder(id, state)
                    .name("load.task")
                    .timestamp(at.plusMillis(i * 3L + state.ordinal()))
                    .build()));
      }
    }
    CompletableFuture<Void> restart = null;
    for (int from = 0; from < all.size(); from += batchSize) {
      consumer.accept(all.subList(from, Math.min(all.size(), from + batchSize)));
      // what a transport would now acknowledge is already committed
      assertThat(store.pendingEvents()).isZero();
      if (restart == null && from >= all.size() / 3) {
        restart = CompletableFuture.runAsync(PostgresGraphStoreIT::restartPostgres);
      }
    }
    restart.get(300, TimeUnit.SECONDS);
    consumer.close();

    assertThat(rows(schema)).isEqualTo(all.size());
    PostgresGraphStore reopened = open(schema);
    assertThat(reopened.taskCount()).isEqualTo(tasks);
    assertThat(
            reopened
                .tasks(
                    new TaskQuery(
                        java.util.Set.of(TaskState.SUCCESS),
                        null,
                        null,
                        null,
                        1,
                        0,
                        null,
                        null,
                        null))
                .total())
        .isEqualTo(tasks);
  }

  @Test
  void retention_dropsWholeDayPartitions_andNothingElse() throws Exception {
    String schema = schema();
    Instant noon = Instant.parse("2026-03-10T12:00:00Z");
    MutableClock clock = new MutableClock(noon);
    PostgresGraphStore store =
        open(
            schema,
            PostgresGraphStore.builder(PostgresTestSupport.url(schema) + "&retain=7d")
                .clock(clock));
    for (int daysAgo = 3; daysAgo >= 0; daysAgo--) {
      Instant day = noon.minus(Duration.ofDays(daysAgo));
      store.apply(
          TaskEvent.builder("day-" + daysAgo, TaskState.SUCCESS)
              .name("app.daily")
              .timestamp(day)
              .build());
    }
    // a clock far off files under today instead of making a partition for the year 2200
    store.apply(
        TaskEvent.builder("far-future", TaskState.SUCCESS)
            .name("app.daily")
            .timestamp(Instant.parse("2200-01-01T00:00:00Z"))
            .build());
    store.flush();
    assertThat(partitions(schema))
        .containsExactly(
            "events_20260307", "events_20260308", "events_20260309", "events_20260310");
    assertThat(
            PostgresTestSupport.count(
                "SELECT count(*) FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
                    + schema
                    + "' AND pt.partdefid <> 0"))
        .as("no default partition")
        .isZero();

    clock.set(Instant.parse("2026-03-15T12:00:00Z")); // oldest retained day: 2026-03-08
    assertThat(store.dropExpiredPartitions()).isEqualTo(1);
    assertThat(partitions(schema))
        .containsExactly("events_20260308", "events_20260309", "events_20260310");

    PostgresGraphStore reopened =
        open(
            schema,
            PostgresGraphStore.builder(PostgresTestSupport.url(schema) + "&retain=7d")
                .clock(clock));
    assertThat(reopened.task("day-3")).isEmpty();
    assertThat(reopened.task("day-2")).isPresent();
    assertThat(reopened.task("day-0")).isPresent();
    assertThat(reopened.task("far-future")).isPresent();
  }

  @Test
  void failedWorkflows_outliveTheirDay_forRetainFailed_successfulOnesDoNot() throws Exception {
    String schema = schema();
    Instant day0 = Instant.parse("2026-05-01T10:00:00Z");
    MutableClock clock = new MutableClock(day0);
    String url = PostgresTestSupport.url(schema) + "&retain=7d&retain_failed=30d";
    PostgresGraphStore store = open(schema, PostgresGraphStore.builder(url).clock(clock));
    // an ok workflow and a failed one (root -> child that fails), all on day 0
    store.apply(task("ok-root", null, TaskState.SUCCESS, day0));
    store.apply(task("ok-child", "ok-root", TaskState.SUCCESS, day0.plusSeconds(1)));
    store.apply(task("bad-root", null, TaskState.SUCCESS, day0.plusSeconds(2)));
    store.apply(task("bad-child", "bad-root", TaskState.STARTED, day0.plusSeconds(3)));
    store.apply(task("bad-child", "bad-root", TaskState.FAILURE, day0.plusSeconds(4)));
    store.flush();

    clock.set(day0.plus(Duration.ofDays(9))); // past retain, within retain_failed
    assertThat(store.dropExpiredPartitions()).isEqualTo(1);
    PostgresGraphStore later = open(schema, PostgresGraphStore.builder(url).clock(clock));
    assertThat(later.task("ok-root")).isEmpty();
    assertThat(later.task("ok-child")).isEmpty();
    assertThat(later.workflow("bad-root"))
        .hasValueSatisfying(
            graph -> assertThat(graph.nodes()).containsKeys("bad-root", "bad-child"));
    assertThat(later.task("bad-child"))
        .hasValueSatisfying(t -> assertThat(t.state()).isEqualTo(TaskState.FAILURE));

    clock.set(day0.plus(Duration.ofDays(31))); // past retain_failed too
    later.dropExpiredPartitions();
    assertThat(open(schema, PostgresGraphStore.builder(url).clock(clock)).task("bad-root"))
        .isEmpty();
    assertThat(PostgresTestSupport.count("SELECT count(*) FROM " + schema + ".failed_workflows"))
        .isZero();
  }

  private static TaskEvent task(String id, String parent, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name("app.step").parentId(parent).timestamp(at).build();
  }

  @Test
  void hostileIds_areStoredAndComeBack_withoutHoldingTheStreamBack() {
    String schema = schema();
    PostgresGraphStore store =
        open(
            schema,
            PostgresGraphStore.builder(PostgresTestSupport.url(schema) + "&retain_failed=30d"));
    String nul = "nul\u0000id";
    store.apply(task(nul, null, TaskState.STARTED, Instant.now()));
    store.apply(task(nul, null, TaskState.FAILURE, Instant.now()));
    store.apply(task("__proto__", nul, TaskState.SUCCESS, Instant.now()));
    store.apply(task("'; DROP TABLE events; --", null, TaskState.FAILURE, Instant.now()));
    store.flush();
    assertThat(store.pendingEvents()).isZero();
    assertThat(store.rowsRefused()).isZero();
    PostgresGraphStore reopened = open(schema);
    assertThat(reopened.task(nul))
        .hasValueSatisfying(t -> assertThat(t.state()).isEqualTo(TaskState.FAILURE));
    assertThat(reopened.children(nul)).extracting(t -> t.id()).containsExactly("__proto__");
    assertThat(reopened.task("'; DROP TABLE events; --")).isPresent();
    assertThat(PostgresTestSupport.count("SELECT count(*) FROM " + schema + ".failed_workflows"))
        .isEqualTo(2);
  }

  @Test
  void oversizedEvent_isStoredWithoutItsPayload_soDiskStaysBoundedPerEvent() {
    String schema = schema();
    PostgresGraphStore store = open(schema);
    TaskEvent huge =
        TaskEvent.builder("huge", TaskState.SUCCESS)
            .name("app.huge")
            .timestamp(Instant.now())
            .result("x".repeat(1 << 20))
            .build();
    store.apply(huge, CODEC.encode(huge));
    store.flush();
    assertThat(store.payloadsNotStored()).isEqualTo(1);
    assertThat(
            PostgresTestSupport.count("SELECT max(octet_length(body)) FROM " + schema + ".events"))
        .isLessThan(4_096);
    PostgresGraphStore reopened = open(schema);
    assertThat(reopened.task("huge"))
        .hasValueSatisfying(t -> assertThat(t.state()).isEqualTo(TaskState.SUCCESS));
  }

  @Test
  void storeUrl_isFoundByScheme_throughServiceLoader() {
    String schema = schema();
    GraphStore store =
        GraphStores.open(PostgresTestSupport.url(schema), new GraphStoreProvider.Limits(1_000, 0));
    stores.add(store);
    assertThat(store).isInstanceOf(PostgresGraphStore.class);
    store.apply(
        TaskEvent.builder("found", TaskState.STARTED)
            .name("app.found")
            .timestamp(Instant.now())
            .build());
    store.flush();
    assertThat(rows(schema)).isEqualTo(1);
  }

  @Test
  void schemaNewerThanThisBuild_isRefused_withWhatToDo() {
    String schema = schema();
    open(schema).close();
    PostgresTestSupport.execute(
        "INSERT INTO " + schema + ".schema_version (version, description) VALUES (99, 'future')");
    assertThatThrownBy(() -> open(schema))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 99, newer than this stemtrace knows (2)");
  }

  @Test
  void unreachableDatabase_failsFast_namingItWithoutThePassword() {
    assertThatThrownBy(
            () -> PostgresGraphStore.builder("postgresql://app:s3cret@127.0.0.1:1/test").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not connect to the PostgreSQL store postgresql://")
        .hasMessageContaining("127.0.0.1:1/test")
        .hasMessageNotContaining("s3cret");
  }

  private static List<String> partitions(String schema) {
    List<String> names = new ArrayList<>();
    try (var connection = PostgresTestSupport.sharedPool().getConnection();
        var statement = connection.createStatement();
        var rows =
            statement.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    + " JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace"
                    + " WHERE n.nspname = '"
                    + schema
                    + "' AND p.relname = 'events' ORDER BY 1")) {
      while (rows.next()) names.add(rows.getString(1));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  /**
   * A real restart of the machine's PostgreSQL, as an operator's would be: every connection drops.
   * A checkpoint first, so that the shutdown's own has little left to write (after many schemas
   * were made and dropped it can take minutes); if the restart fails, PostgreSQL is started again
   * before the test fails, so that the tests after it find it running.
   */
  private static void restartPostgres() {
    PostgresTestSupport.execute("CHECKPOINT");
    String version = run(List.of("sh", "-c", "ls /etc/postgresql | sort -V | tail -1")).strip();
    String restart = "pg_ctlcluster --skip-systemctl-redirect " + version + " main restart -m fast";
    try {
      run(List.of("sh", "-c", restart + " 2>&1"));
    } catch (IllegalStateException failed) {
      run(
          List.of(
              "sh",
              "-c",
              "pg_ctlcluster --skip-systemctl-redirect " + version + " main start 2>&1 || true"));
      throw failed;
    }
  }

  /** Runs a command on the machine's real clock (PostgreSQL must not start under faketime). */
  private static String run(List<String> command) {
    try {
      Process process =
          io.stemtrace.testing.ServerProcesses.onTheRealClock(new ProcessBuilder(command))
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
