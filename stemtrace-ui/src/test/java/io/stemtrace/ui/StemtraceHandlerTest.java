package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing, rendering and errors of the API over real HTTP, with the capture replayed into the real
 * in-memory store.
 */
class StemtraceHandlerTest {

  static TestServer server;
  static String api;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.options().staticRoot("io/stemtrace/ui/testui/"));
    api = server.baseUrl() + "/api";
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void health_reportsStatusCountersAndLag() {
    JsonNode health = Http.get(api + "/health").json();
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("version").asText()).isNotBlank();
    assertThat(health.get("consumer_running").asBoolean()).isTrue();
    assertThat(health.get("events_applied").asLong()).isEqualTo(59);
    assertThat(health.get("events_rejected").isIntegralNumber()).isTrue();
    assertThat(health.get("node_count").asLong()).isEqualTo(18);
    assertThat(health.get("websocket_connections").asInt()).isZero();
    assertThat(health.get("lag").isNumber()).isTrue();
    assertThat(health.get("transport").asText()).startsWith("memory://");
  }

  @Test
  void health_countsRejectedPayloads() {
    long before = Http.get(api + "/health").json().get("events_rejected").asLong();
    server.inject(List.of("not json".getBytes(), "{\"task_id\": 5}".getBytes()));
    server.awaitApplied(59 + before + 2);
    var health = Http.get(api + "/health").json();
    assertThat(health.get("events_rejected").asLong()).isEqualTo(before + 2);
    assertThat(health.get("events_rejected_by_kind").get("NOT_JSON").asLong()).isPositive();
    assertThat(health.get("events_rejected_by_kind").get("WRONG_TYPE").asLong()).isPositive();
  }

  @Test
  void tasks_pageCarriesTotalsAndListFields() {
    Http.Response response = Http.get(api + "/tasks?limit=5&offset=2");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).startsWith("application/json");
    JsonNode page = response.json();
    assertThat(page.get("total").asInt()).isEqualTo(18);
    assertThat(page.get("limit").asInt()).isEqualTo(5);
    assertThat(page.get("offset").asInt()).isEqualTo(2);
    assertThat(page.get("tasks")).hasSize(5);
    JsonNode task = page.get("tasks").get(0);
    assertThat(task.fieldNames())
        .toIterable()
        .contains(
            "task_id",
            "node_type",
            "name",
            "state",
            "parent_id",
            "root_id",
            "workflow_id",
            "group_id",
            "chord_id",
            "chord_callback_id",
            "trace_id",
            "retries",
            "args",
            "kwargs",
            "result",
            "exception",
            "first_seen",
            "last_updated",
            "queue_time_ms",
            "run_time_ms",
            "duration_ms",
            "attempts",
            "children");
    assertThat(task.has("events")).isFalse();
    assertThat(task.has("traceback")).isFalse();
    assertThat(task.get("first_seen").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
  }

  @Test
  void tasks_newestFirst() {
    JsonNode tasks = Http.get(api + "/tasks?limit=100").json().get("tasks");
    for (int i = 1; i < tasks.size(); i++) {
      assertThat(tasks.get(i - 1).get("first_seen").asText())
          .isGreaterThanOrEqualTo(tasks.get(i).get("first_seen").asText());
    }
  }

  @Test
  void tasks_filtersByStateRepeatedOrCommaSeparated() {
    JsonNode failures = Http.get(api + "/tasks?state=FAILURE").json();
    assertThat(failures.get("total").asInt()).isEqualTo(1);
    assertThat(failures.get("tasks").get(0).get("name").asText()).isEqualTo("capp.boom");
    int both = Http.get(api + "/tasks?state=FAILURE,pending").json().get("total").asInt();
    int repeated = Http.get(api + "/tasks?state=FAILURE&state=PENDING").json().get("total").asInt();
    assertThat(both).isEqualTo(repeated).isEqualTo(2);
  }

  @Test
  void tasks_filtersByNameSubstring() {
    JsonNode page = Http.get(api + "/tasks?name=FLAK").json();
    assertThat(page.get("total").asInt()).isEqualTo(1);
    assertThat(page.get("tasks").get(0).get("name").asText()).isEqualTo("capp.flaky");
  }

  @Test
  void tasks_filtersByDate() {
    assertThat(
            Http.get(api + "/tasks?from_date=2000-01-01&to_date=2100-01-01T00:00:00Z")
                .json()
                .get("total")
                .asInt())
        .isEqualTo(18);
    assertThat(Http.get(api + "/tasks?from_date=2100-01-01").json().get("total").asInt()).isZero();
    assertThat(
            Http.get(api + "/tasks?to_date=2000-01-01T00:00:00%2B01:00")
                .json()
                .get("total")
                .asInt())
        .isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/tasks?limit=0|limit",
        "/tasks?limit=1001|limit",
        "/tasks?limit=ten|limit",
        "/tasks?offset=-1|offset",
        "/tasks?state=DONE|state",
        "/tasks?from_date=yesterday|from_date",
        "/tasks?to_date=2026-13-01|to_date",
        "/tasks?from_date=2026-02-01&to_date=2026-01-01|from_date",
        "/tasks?limit=1&limit=2|limit",
        "/graphs?limit=-5|limit",
        "/graphs?state=nope|state",
        "/graphs?from_date=soon|from_date",
        "/tasks/registry?status=retired|status"
      })
  void badParameter_400NamesIt(String path, String parameter) {
    Http.Response response = Http.get(api + path);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.header("content-type")).startsWith("application/json");
    assertThat(response.json().get("detail").asText()).contains("'" + parameter + "'");
  }

  @Test
  void task_detailCarriesEventsTracebackAndChildren() {
    String boom =
        Http.get(api + "/tasks?name=boom").json().get("tasks").get(0).get("task_id").asText();
    JsonNode detail = Http.get(api + "/tasks/" + boom).json();
    JsonNode task = detail.get("task");
    assertThat(task.get("task_id").asText()).isEqualTo(boom);
    assertThat(task.get("state").asText()).isEqualTo("FAILURE");
    assertThat(task.get("traceback").asText()).contains("Traceback");
    assertThat(task.get("events")).isNotEmpty();
    assertThat(task.get("events").get(0).get("task_id").asText()).isEqualTo(boom);
    assertThat(detail.get("children").isArray()).isTrue();
  }

  @Test
  void taskChildren_listsSpawnedTasks() {
    String parent =
        Http.get(api + "/tasks?name=capp.parent")
            .json()
            .get("tasks")
            .get(0)
            .get("task_id")
            .asText();
    JsonNode children = Http.get(api + "/tasks/" + parent + "/children").json();
    assertThat(children.get("total").asInt()).isEqualTo(4);
    assertThat(children.get("children")).hasSize(4);
    assertThat(children.get("children").get(0).get("parent_id").asText()).isEqualTo(parent);
  }

  @ParameterizedTest
  @CsvSource({
    "/tasks/nope",
    "/tasks/nope/children",
    "/graphs/nope",
    "/workers/nobody@nowhere",
    "/nothing",
    "/tasks/a/b/c",
    "/",
    "/graphs/group%3Aunknown"
  })
  void unknownIdOrPath_404Json(String path) {
    Http.Response response = Http.get(api + path);
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("detail").asText()).isNotBlank();
  }

  @Test
  void post_405Json() {
    Http.Response response = Http.post(api + "/tasks", "{}");
    assertThat(response.status()).isEqualTo(405);
    assertThat(response.json().get("detail").asText()).isEqualTo("Method Not Allowed");
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void head_isAnsweredWhereverGetIs_withoutABody() {
    for (String path :
        new String[] {"/health", "/tasks", "/graphs", "/stats", "/anomalies", "/workers"}) {
      Http.Response head =
          Http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + path))
                  .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(head.status()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.headers().firstValue("Content-Type"))
          .as(path)
          .hasValueSatisfying(t -> assertThat(t).contains("json"));
    }
    Http.Response importHead =
        Http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/import"))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(importHead.status()).isEqualTo(405);
  }

  @Test
  void graphs_listAndDetail() {
    JsonNode page = Http.get(api + "/graphs?limit=2").json();
    assertThat(page.get("total").asInt()).isPositive();
    assertThat(page.get("graphs")).hasSize(2);
    JsonNode summary = page.get("graphs").get(0);
    assertThat(summary.fieldNames())
        .toIterable()
        .containsExactly(
            "task_id",
            "root_id",
            "node_type",
            "name",
            "state",
            "task_count",
            "first_seen",
            "last_updated",
            "duration_ms",
            "finished");
    String root = summary.get("task_id").asText();
    JsonNode graph = Http.get(api + "/graphs/" + root).json();
    assertThat(graph.get("root_id").asText()).isEqualTo(root);
    assertThat(graph.get("nodes").get(root).get("children").isArray()).isTrue();
    // the graph carries the very summary the list shows, so both pages show one duration
    assertThat(graph.get("workflow")).isEqualTo(summary);
    // and so does the detail of any task in it
    String anyTask = null;
    for (JsonNode node : graph.get("nodes")) {
      if (node.get("node_type").asText().equals("TASK")) anyTask = node.get("task_id").asText();
    }
    assertThat(anyTask).as("a task in workflow " + root).isNotNull();
    JsonNode detail =
        Http.get(
                api
                    + "/task?id="
                    + java.net.URLEncoder.encode(anyTask, java.nio.charset.StandardCharsets.UTF_8))
            .json();
    assertThat(detail.get("workflow")).isEqualTo(summary);
  }

  @Test
  void graph_containerNodeCarriesGroupFacts() {
    Instant t0 = Instant.parse("2026-11-26T03:00:00Z");
    List<byte[]> events = new ArrayList<>();
    for (String[] run : new String[][] {{"m-a", "0"}, {"m-b", "5"}, {"cb", "50"}}) {
      boolean header = !run[0].equals("cb");
      TaskEvent.Builder event =
          TaskEvent.builder(run[0], TaskState.STARTED)
              .name(header ? "reports.fetch" : "reports.build")
              .groupId(header ? "g1" : null)
              .chordCallbackId(header ? "cb" : null)
              .parentId(header ? null : "m-b")
              .timestamp(t0.plusMillis(Long.parseLong(run[1])));
      events.add(EventCodec.standard().encode(event.build()));
      events.add(
          EventCodec.standard()
              .encode(
                  event
                      .state(TaskState.SUCCESS)
                      .result(2)
                      .timestamp(t0.plusMillis(Long.parseLong(run[1]) + 10))
                      .build()));
    }
    JsonNode graph;
    try (TestServer own =
        TestServer.start(
            TestServer.options().replayCapture(false).staticRoot("io/stemtrace/ui/testui/"))) {
      own.inject(events);
      own.awaitApplied(events.size());
      graph = Http.get(own.baseUrl() + "/api/graphs/group%3Ag1").json();
    }
    JsonNode chord = graph.get("nodes").get("group:g1");
    assertThat(chord.get("node_type").asText()).isEqualTo("CHORD");
    assertThat(chord.get("group_id").asText()).isEqualTo("g1");
    assertThat(chord.get("chord_callback_id").asText()).isEqualTo("cb");
    assertThat(chord.get("body_id").asText()).isEqualTo("cb");
    assertThat(chord.get("children"))
        .extracting(JsonNode::asText)
        .containsExactly("m-a", "m-b", "cb");
    assertThat(chord.get("member_count").asInt()).isEqualTo(2);
    assertThat(chord.get("duration_ms").asDouble())
        .as("first header start to callback end")
        .isEqualTo(60.0);
    assertThat(graph.get("nodes").get("m-a").get("children")).isEmpty();
    assertThat(graph.get("nodes").get("m-a").has("events")).isFalse();
  }

  @Test
  void workers_listOneAndRegistry() {
    JsonNode workers = Http.get(api + "/workers").json();
    assertThat(workers.get("total").asInt()).isEqualTo(1);
    JsonNode w1 = workers.get("workers").get(0);
    assertThat(w1.get("hostname").asText()).isEqualTo("w1@vm");
    assertThat(w1.get("status").asText()).isEqualTo("offline");
    assertThat(w1.fieldNames())
        .toIterable()
        .containsExactly(
            "hostname",
            "pid",
            "registered_tasks",
            "registered_task_count",
            "status",
            "registered_at",
            "last_seen",
            "liveness",
            "last_heard_at",
            "processed",
            "succeeded",
            "failed",
            "retried",
            "active",
            "start_count",
            "restart_count",
            "starts");
    assertThat(workers.get("limit").asInt()).isEqualTo(50);
    assertThat(workers.get("offset").asInt()).isZero();
    assertThat(Http.get(api + "/workers?offset=1").json().get("workers")).isEmpty();
    assertThat(Http.get(api + "/workers/w1@vm").json().get("hostname").asText()).isEqualTo("w1@vm");
    assertThat(Http.get(api + "/worker?hostname=w1%40vm").json().get("hostname").asText())
        .isEqualTo("w1@vm");
    JsonNode registry = Http.get(api + "/tasks/registry?query=add").json();
    assertThat(registry.get("tasks").get(0).get("name").asText()).isEqualTo("capp.add");
    assertThat(registry.get("tasks").get(0).get("status").asText())
        .as("registered and run")
        .isEqualTo("active");
    JsonNode all = Http.get(api + "/tasks/registry").json();
    assertThat(all.get("limit").asInt()).isEqualTo(100);
    JsonNode second = Http.get(api + "/tasks/registry?limit=2&offset=2").json();
    assertThat(second.get("total").asInt()).isEqualTo(all.get("total").asInt()).isGreaterThan(3);
    assertThat(second.get("tasks")).hasSize(2);
    assertThat(second.get("tasks").get(0).get("name"))
        .isEqualTo(all.get("tasks").get(2).get("name"));
  }

  @Test
  void mountedUnderPrefix_servesApiBesideHostRoutes() {
    try (TestServer mounted =
        TestServer.start(
            TestServer.options()
                .store(InMemoryGraphStore.create())
                .mount("/stemtrace")
                .replayCapture(false)
                .staticRoot("io/stemtrace/ui/testui/"))) {
      assertThat(mounted.baseUrl()).endsWith("/stemtrace");
      assertThat(Http.get(mounted.baseUrl() + "/api/health").json().get("status").asText())
          .isEqualTo("ok");
      assertThat(Http.get(mounted.baseUrl() + "/api/tasks").json().get("total").asInt()).isZero();
      Http.Response bare = Http.get(mounted.baseUrl() + "?x=1");
      assertThat(bare.status()).isEqualTo(302);
      assertThat(bare.header("location")).isEqualTo("/stemtrace/?x=1");
      String root =
          mounted.baseUrl().substring(0, mounted.baseUrl().length() - "/stemtrace".length());
      assertThat(Http.get(root + "/api/health").status()).isEqualTo(404);
    }
  }
}
