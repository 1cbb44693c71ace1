package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/workers} and {@code /api/workers/{hostname}} over real HTTP: liveness driven by the
 * server's clock, counts from task events naming the worker, restarts, and the host name on tasks.
 */
class WorkersApiTest {

  private static final EventCodec CODEC = EventCodec.standard();
  private static final Instant T0 = Instant.parse("2026-12-04T04:00:00Z");
  private static final String HOST = "jvm-7@host-a";

  @Test
  void workers_liveness_followsTheServerClock_countsAndRestartsFromEvents() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (TestServer server =
        TestServer.start(
            TestServer.options()
                .replayCapture(false)
                .clock(clock)
                .workerOfflineAfter(Duration.ofSeconds(60)))) {
      String api = server.baseUrl() + "/api";
      List<byte[]> events = new ArrayList<>();
      events.add(CODEC.encode(ready(100, T0)));
      events.add(CODEC.encode(task("a", TaskState.STARTED, T0.plusMillis(1))));
      events.add(CODEC.encode(task("a", TaskState.SUCCESS, T0.plusMillis(2))));
      events.add(CODEC.encode(task("b", TaskState.STARTED, T0.plusMillis(3))));
      events.add(CODEC.encode(task("b", TaskState.FAILURE, T0.plusMillis(4))));
      events.add(CODEC.encode(task("c", TaskState.STARTED, T0.plusMillis(5))));
      events.add(CODEC.encode(shutdown(100, T0.plusSeconds(1))));
      events.add(CODEC.encode(ready(200, T0.plusSeconds(2))));
      events.add(CODEC.encode(task("d", TaskState.STARTED, T0.plusSeconds(3))));
      server.inject(events);
      server.awaitApplied(events.size());
      awaitWorker(
          api, HOST, w -> w.get("active").asInt() == 1 && w.get("start_count").asInt() == 2);

      JsonNode list = Http.get(api + "/workers").json();
      assertThat(list.get("offline_after_seconds").asLong()).isEqualTo(60);
      JsonNode worker = list.get("workers").get(0);
      assertThat(worker.get("hostname").asText()).isEqualTo(HOST);
      assertThat(worker.get("status").asText()).isEqualTo("online");
      assertThat(worker.get("liveness").asText()).isEqualTo("online");
      assertThat(worker.get("pid").asLong()).isEqualTo(200);
      assertThat(worker.get("processed").asLong()).isEqualTo(2);
      assertThat(worker.get("succeeded").asLong()).isEqualTo(1);
      assertThat(worker.get("failed").asLong()).isEqualTo(1);
      assertThat(worker.get("active").asInt()).as("c was interrupted by the restart").isEqualTo(1);
      assertThat(worker.get("start_count").asLong()).isEqualTo(2);
      assertThat(worker.get("restart_count").asLong()).isEqualTo(1);
      assertThat(worker.get("starts")).hasSize(2);
      assertThat(worker.get("starts").get(0).get("pid").asLong()).isEqualTo(100);
      assertThat(worker.get("starts").get(0).get("stopped_at").asText())
          .isEqualTo("2026-12-04T04:00:01.000000Z");
      assertThat(worker.get("starts").get(1).get("stopped_at").isNull()).isTrue();
      assertThat(worker.get("last_heard_at").asText()).isEqualTo("2026-12-04T04:00:00.000000Z");
      assertThat(worker.get("last_seen").asText()).isEqualTo("2026-12-04T04:00:03.000000Z");

      clock.advance(Duration.ofSeconds(61));
      JsonNode silent = Http.get(api + "/workers/" + HOST).json();
      assertThat(silent.get("liveness").asText()).isEqualTo("offline");
      assertThat(silent.get("status").asText()).isEqualTo("offline");

      // a heartbeat brings it back
      server.inject(List.of(CODEC.encode(ready(200, T0.plusSeconds(62)))));
      JsonNode back = awaitWorker(api, HOST, w -> w.get("liveness").asText().equals("online"));
      assertThat(back.get("liveness").asText()).isEqualTo("online");
      assertThat(back.get("start_count").asLong()).as("a heartbeat is no restart").isEqualTo(2);
      assertThat(back.get("registered_at").asText()).isEqualTo("2026-12-04T04:00:02.000000Z");

      server.inject(List.of(CODEC.encode(shutdown(200, T0.plusSeconds(70)))));
      assertThat(
              awaitWorker(api, HOST, w -> !w.get("liveness").asText().equals("online"))
                  .get("liveness")
                  .asText())
          .isEqualTo("shut_down");
    }
  }

  @Test
  void workers_heardOnlyOnTaskEvents_areListed_andTasksShowTheirHostname() throws Exception {
    MutableClock clock = new MutableClock(T0);
    try (TestServer server =
        TestServer.start(TestServer.options().replayCapture(false).clock(clock))) {
      String api = server.baseUrl() + "/api";
      server.inject(List.of(CODEC.encode(task("x", TaskState.STARTED, T0))));
      server.awaitApplied(1);

      JsonNode worker = awaitWorker(api, HOST, w -> true);
      assertThat(worker.get("liveness").asText()).isEqualTo("online");
      assertThat(worker.get("pid").asLong()).isZero();
      assertThat(worker.get("registered_tasks")).isEmpty();
      assertThat(worker.get("active").asInt()).isEqualTo(1);
      assertThat(worker.get("registered_at").isNull()).isTrue();

      assertThat(Http.get(api + "/tasks").json().get("tasks").get(0).get("hostname").asText())
          .isEqualTo(HOST);
      JsonNode detail = Http.get(api + "/tasks/x").json().get("task");
      assertThat(detail.get("hostname").asText()).isEqualTo(HOST);
      assertThat(detail.get("events").get(0).get("hostname").asText()).isEqualTo(HOST);
      assertThat(Http.get(api + "/graphs/x").json().get("nodes").get("x").get("hostname").asText())
          .isEqualTo(HOST);
      assertThat(Http.get(api + "/workers/nobody").status()).isEqualTo(404);
    }
  }

  @Test
  void workers_pythonCapture_keepTheirShape_taskHostnameIsNull() {
    try (TestServer server = TestServer.start()) {
      String api = server.baseUrl() + "/api";
      JsonNode w1 = Http.get(api + "/workers/w1@vm").json();
      assertThat(w1.get("liveness").asText()).isEqualTo("shut_down");
      assertThat(w1.get("status").asText()).isEqualTo("offline");
      assertThat(w1.get("processed").asLong()).isZero();
      assertThat(w1.get("start_count").asLong()).isEqualTo(1);
      assertThat(w1.get("registered_task_count").asInt()).isEqualTo(5);
      JsonNode task = Http.get(api + "/tasks?limit=1").json().get("tasks").get(0);
      assertThat(task.has("hostname")).isTrue();
      assertThat(task.get("hostname").isNull()).isTrue();
    }
  }

  /**
   * The worker's document once it satisfies {@code until}: listeners hear an event just after the
   * store applied it, so the consumer's counters alone do not say the monitor has it yet.
   */
  private static JsonNode awaitWorker(
      String api, String hostname, java.util.function.Predicate<JsonNode> until)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Http.Response response = Http.get(api + "/workers/" + hostname);
      if (response.status() == 200 && until.test(response.json())) return response.json();
      if (System.nanoTime() > deadline)
        throw new AssertionError("worker " + hostname + " never matched: " + response.text());
      Thread.sleep(5);
    }
  }

  private static WorkerEvent ready(long pid, Instant at) {
    return new WorkerEvent(
        WorkerEvent.Type.READY, HOST, pid, at, List.of("app.add"), Map.of(), null);
  }

  private static WorkerEvent shutdown(long pid, Instant at) {
    return new WorkerEvent(WorkerEvent.Type.SHUTDOWN, HOST, pid, at, List.of(), Map.of(), at);
  }

  private static TaskEvent task(String id, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name("app.add").timestamp(at).hostname(HOST).build();
  }
}
