package io.stemtrace.server.bench;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.StemtraceCollector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Ingest into PostgreSQL end to end, as {@code ./stemtrace collect} does it: a Redis stream
 * pre-filled with chord-shaped workflows (a root task and a group of four, 3 events per task, small
 * args, kwargs and results), consumed by a collector into a fresh schema until every event is
 * committed. Prints events per second, bytes on disk per task (table and indexes), and how long a
 * dashboard replica takes to start over the store.
 *
 * <pre>
 * mvn -q -pl stemtrace-server -am test-compile -Ppg-ingest -Dstemtrace.skipFrontend=true [-Dpg.tasks=300000]
 * </pre>
 */
public final class PostgresIngestHarness {

  private PostgresIngestHarness() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String prefix = "pgbench-" + suffix;
    String schema = "bench_" + suffix;
    String redis = "redis://127.0.0.1:6379/0?maxlen=" + (tasks * 3L + 1_000);
    String store = "postgresql://postgres@127.0.0.1:5432/test?schema=" + schema;
    List<byte[]> events = workload(tasks);
    try (Transport producer = Transports.open(redis, prefix)) {
      for (int from = 0; from < events.size(); from += 1_000) {
        producer.send(events.subList(from, Math.min(events.size(), from + 1_000)));
      }
    }
    long bytes = 0;
    for (byte[] event : events) bytes += event.length;
    System.out.printf(
        "pg-ingest: stream %s pre-filled with %d events (%d tasks, %.0f B per event on the wire)%n",
        prefix, events.size(), tasks, (double) bytes / events.size());

    long started = System.nanoTime();
    try (StemtraceCollector collector =
        StemtraceCollector.builder()
            .transportUrl(redis)
            .prefix(prefix)
            .storeUrl(store)
            .maxNodes(Math.max(100_000, tasks))
            .build()
            .start()) {
      try (Connection connection =
          DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
        long committed = 0;
        while (committed < events.size()) {
          Thread.sleep(20);
          committed = count(connection, "SELECT count(*) FROM " + schema + ".events");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long disk =
            count(
                connection,
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON"
                    + " n.oid = c.relnamespace WHERE n.nspname = '"
                    + schema
                    + "' AND c.relkind = 'r'");
        System.out.printf(
            "pg-ingest: %d events committed in %.2f s: %.0f events/s end to end (Redis stream ->"
                + " collector -> PostgreSQL, committed before acknowledged)%n",
            committed, seconds, committed / seconds);
        System.out.printf(
            "pg-ingest: disk %d bytes for %d tasks: %.0f B per task (event log, table and indexes)%n",
            disk, tasks, (double) disk / tasks);
        // a dashboard replica starting over the same store: the log replayed through its listeners
        long opening = System.nanoTime();
        try (StemtraceCollector reader =
            StemtraceCollector.builder()
                .storeUrl(store)
                .readOnly(true)
                .maxNodes(Math.max(100_000, tasks))
                .build()
                .start()) {
          double replaySeconds = (System.nanoTime() - opening) / 1e9;
          System.out.printf(
              "pg-ingest: a reader started over the store in %.2f s (%d events replayed, %.0f events/s,"
                  + " %d tasks in its working set)%n",
              replaySeconds,
              reader.metrics().eventsApplied(),
              reader.metrics().eventsApplied() / replaySeconds,
              reader.store().taskCount());
        }
        connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
    new ProcessBuilder("redis-cli", "DEL", prefix + ":events").start().waitFor();
  }

  private static long count(Connection connection, String sql) throws Exception {
    try (ResultSet rows = connection.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Chord-shaped workflows: a root and a group of four, with arguments and results. */
  static List<byte[]> workload(int tasks) {
    EventCodec codec = EventCodec.standard();
    List<byte[]> events = new ArrayList<>(tasks * 3);
    Instant start = Instant.now().minusSeconds(3_600);
    for (int task = 0; task < tasks; task++) {
      int workflow = task / 5;
      int member = task % 5;
      String root = String.format("%08x-0000-4000-8000-%012x", workflow, workflow);
      String id =
          member == 0
              ? root
              : String.format("%08x-%04x-4000-8000-%012x", workflow, member, workflow);
      for (TaskState state :
          new TaskState[] {TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS}) {
        events.add(
            codec.encode(
                TaskEvent.builder(id, state)
                    .name(member == 0 ? "orders.process" : "orders.reserve_sku")
                    .timestamp(start.plusMillis(task * 3L + state.ordinal()))
                    .parentId(member == 0 ? null : root)
                    .rootId(root)
                    .groupId(member == 0 ? null : "g-" + root)
                    .retries(0)
                    .args(List.of(123_456 + task, "sku-" + (task % 97)))
                    .kwargs(Map.of("user_id", 42 + task % 1000, "region", "eu-west-1"))
                    .result(state == TaskState.SUCCESS ? Map.of("ok", true, "count", 7) : null)
                    .build()));
      }
    }
    return events;
  }
}
