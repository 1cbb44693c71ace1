package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.Captures;
import io.stemtrace.ui.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The standalone server on a free port over the memory transport, with the Python stemtrace capture
 * replayed through the transport into the real in-memory store: every endpoint's JSON.
 */
class ServerIT {

  static StemtraceServer server;
  static Transport producer;
  static String api;

  @BeforeAll
  static void start() throws Exception {
    String url = "memory://server-it-" + UUID.randomUUID();
    server =
        StemtraceServer.start(
            new CliOptions(
                CliOptions.Command.SERVER, url, "stemtrace", "127.0.0.1", 0, 100_000, false));
    api = server.url() + "api";
    producer = Transports.open(url, "stemtrace");
    producer.send(Captures.pythonCanvas());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (server.handler().consumerMetrics().eventsApplied() < 59 && System.nanoTime() < deadline)
      Thread.sleep(5);
  }

  @AfterAll
  static void stop() {
    server.close();
    producer.close();
  }

  static JsonNode get(String path) {
    Http.Response response = Http.get(api + path);
    assertThat(response.status()).as("GET %s: %s", path, response.text()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("application/json");
    return response.json();
  }

  static String idOf(String name) {
    return get("/tasks?name=" + name).get("tasks").get(0).get("task_id").asText();
  }

  static String fullId(String prefix) {
    for (JsonNode t : get("/tasks?limit=100").get("tasks")) {
      if (t.get("task_id").asText().startsWith(prefix)) return t.get("task_id").asText();
    }
    throw new AssertionError("no task " + prefix);
  }

  @Test
  void graphcheck_passesAgainstTheCapture() throws Exception {
    assertThat(GraphCheck.run(server)).isEqualTo(GraphCheck.CAPTURE_PASSES);
  }

  @Test
  void health_countsTheReplay() {
    JsonNode health = get("/health");
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("consumer_running").asBoolean()).isTrue();
    assertThat(health.get("node_count").asLong()).isEqualTo(18);
    assertThat(health.get("workflow_count").asLong()).isEqualTo(7);
    assertThat(health.get("events_applied").asLong()).isEqualTo(59);
    assertThat(health.get("events_rejected").asLong()).isZero();
    assertThat(health.get("lag").asLong()).isZero();
  }

  @Test
  void tasks_pagesCoverEveryTaskOnce() {
    Set<String> ids = new HashSet<>();
    for (int offset = 0; offset < 18; offset += 5) {
      JsonNode page = get("/tasks?limit=5&offset=" + offset);
      assertThat(page.get("total").asInt()).isEqualTo(18);
      assertThat(page.get("offset").asInt()).isEqualTo(offset);
      assertThat(page.get("tasks")).hasSize(Math.min(5, 18 - offset));
      page.get("tasks").forEach(t -> ids.add(t.get("task_id").asText()));
    }
    assertThat(ids).hasSize(18);
    assertThat(get("/tasks?offset=18").get("tasks")).isEmpty();
    assertThat(get("/tasks?offset=18").get("total").asInt()).isEqualTo(18);
  }

  @Test
  void tasks_filters() {
    assertThat(get("/tasks?state=SUCCESS").get("total").asInt()).isEqualTo(16);
    assertThat(get("/tasks?state=FAILURE").get("total").asInt()).isEqualTo(1);
    assertThat(get("/tasks?state=PENDING").get("total").asInt()).isEqualTo(1);
    assertThat(get("/tasks?state=failure,pending").get("total").asInt()).isEqualTo(2);
    assertThat(get("/tasks?name=add").get("total").asInt()).isEqualTo(13);
    assertThat(get("/tasks?name=ADD&state=SUCCESS&limit=3").get("tasks")).hasSize(3);
    assertThat(get("/tasks?from_date=2026-11-26T03:35:48.652721Z").get("total").asInt())
        .isEqualTo(18);
    assertThat(get("/tasks?from_date=2026-11-26T03:35:48.652722Z").get("total").asInt())
        .isEqualTo(17);
    assertThat(get("/tasks?to_date=2026-11-26T03:35:48.652721Z").get("total").asInt()).isEqualTo(1);
    assertThat(get("/tasks?from_date=2026-11-27").get("total").asInt()).isZero();
    assertThat(get("/tasks?from_date=2026-11-26&to_date=2026-11-26").get("total").asInt())
        .isEqualTo(18);
  }

  @Test
  void task_retriedTaskHasAttemptsAndEvents() {
    JsonNode detail = get("/tasks/" + idOf("flaky"));
    JsonNode task = detail.get("task");
    assertThat(task.get("state").asText()).isEqualTo("SUCCESS");
    assertThat(task.get("retries").asInt()).isEqualTo(2);
    assertThat(task.get("parent_id").isNull()).isTrue();
    assertThat(task.get("attempts")).hasSize(3);
    assertThat(task.get("attempts").get(0).get("state").asText()).isEqualTo("RETRY");
    assertThat(task.get("attempts").get(2).get("state").asText()).isEqualTo("SUCCESS");
    int retryEvents = 0;
    for (JsonNode e : task.get("events"))
      if (e.get("state").asText().equals("RETRY")) retryEvents++;
    assertThat(retryEvents).isEqualTo(2);
    assertThat(task.get("kwargs").toString()).doesNotContain("hunter2");
    assertThat(task.get("first_seen").asText()).isLessThan(task.get("last_updated").asText());
    assertThat(task.get("queue_time_ms").isNumber()).isTrue();
    assertThat(task.get("run_time_ms").isNumber()).isTrue();
  }

  @Test
  void task_failureCarriesTraceback() {
    JsonNode task = get("/tasks/" + idOf("boom")).get("task");
    assertThat(task.get("state").asText()).isEqualTo("FAILURE");
    assertThat(task.get("exception").asText()).isNotBlank();
    assertThat(task.get("traceback").asText()).contains("Traceback");
  }

  @Test
  void children_ofTheSpawningTask() {
    String parent = idOf("capp.parent");
    JsonNode children = get("/tasks/" + parent + "/children");
    assertThat(children.get("total").asInt()).isEqualTo(4);
    children
        .get("children")
        .forEach(c -> assertThat(c.get("parent_id").asText()).isEqualTo(parent));
    assertThat(get("/tasks/" + parent).get("children")).hasSize(4);
  }

  @Test
  void graphs_listContainersAndTotals() {
    JsonNode page = get("/graphs?limit=100");
    assertThat(page.get("total").asInt()).isEqualTo(7);
    Set<String> types = new HashSet<>();
    int tasks = 0;
    for (JsonNode g : page.get("graphs")) {
      types.add(g.get("node_type").asText());
      tasks += g.get("task_count").asInt();
      assertThat(g.get("task_id").asText()).isEqualTo(g.get("root_id").asText());
    }
    assertThat(types).contains("TASK", "GROUP", "CHORD");
    assertThat(tasks).isEqualTo(18);
    assertThat(get("/graphs?limit=3&offset=3").get("graphs")).hasSize(3);
    assertThat(get("/graphs?state=FAILURE").get("total").asInt()).isEqualTo(1);
    assertThat(get("/graphs?from_date=2026-11-27").get("total").asInt()).isZero();
  }

  @Test
  void graph_chordContainerLeadsToItsCallback() {
    String chordRoot = null;
    for (JsonNode g : get("/graphs?limit=100").get("graphs")) {
      if (g.get("node_type").asText().equals("CHORD")) chordRoot = g.get("task_id").asText();
    }
    assertThat(chordRoot).startsWith("group:");
    JsonNode graph = get("/graphs/" + URLEncoder.encode(chordRoot, StandardCharsets.UTF_8));
    assertThat(graph.get("root_id").asText()).isEqualTo(chordRoot);
    JsonNode chord = graph.get("nodes").get(chordRoot);
    String tsum = fullId("532f478d");
    assertThat(chord.get("node_type").asText()).isEqualTo("CHORD");
    assertThat(chord.get("chord_callback_id").asText()).isEqualTo(tsum);
    assertThat(chord.get("member_count").asInt()).isEqualTo(3);
    assertThat(chord.get("group_id").asText()).isEqualTo(chordRoot.substring("group:".length()));
    assertThat(chord.get("children")).extracting(JsonNode::asText).contains(tsum);
    assertThat(graph.get("nodes")).hasSize(5);
    assertThat(graph.get("nodes").get(tsum).get("state").asText()).isEqualTo("SUCCESS");
    // a raw colon works as well as %3A
    assertThat(get("/graphs/" + chordRoot).get("root_id").asText()).isEqualTo(chordRoot);
  }

  @Test
  void workersAndRegistry() {
    JsonNode workers = get("/workers");
    assertThat(workers.get("total").asInt()).isEqualTo(1);
    JsonNode w1 = get("/workers/w1@vm");
    assertThat(w1.get("status").asText()).isEqualTo("offline");
    assertThat(w1.get("pid").asLong()).isEqualTo(8334);
    assertThat(w1.get("registered_tasks")).hasSize(5);
    JsonNode registry = get("/tasks/registry");
    assertThat(registry.get("total").asInt()).isEqualTo(6);
    JsonNode missing = get("/tasks/registry?status=not_registered");
    assertThat(missing.get("tasks")).hasSize(1);
    assertThat(missing.get("tasks").get(0).get("name").asText())
        .isEqualTo("capp.not_registered_anywhere");
    JsonNode add = get("/tasks/registry?query=add").get("tasks").get(0);
    assertThat(add.get("status").asText()).isEqualTo("active");
    assertThat(add.get("execution_count").asInt()).isEqualTo(13);
    assertThat(add.get("registered_by")).extracting(JsonNode::asText).containsExactly("w1@vm");
    assertThat(add.get("module").asText()).isEqualTo("capp");
  }

  @ParameterizedTest
  @CsvSource({
    "/tasks/0000,404",
    "/tasks/0000/children,404",
    "/graphs/0000,404",
    "/graphs/group%3A0000,404",
    "/workers/w9@vm,404",
    "/nope,404",
    "/tasks?limit=0,400",
    "/tasks?state=DONE,400",
    "/graphs?offset=x,400"
  })
  void errors_areJsonWithDetail(String path, int status) {
    Http.Response response = Http.get(api + path);
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.json().get("detail").asText()).isNotBlank();
    assertThat(response.text()).doesNotContain("Exception").doesNotContain("<html");
  }

  @Test
  void root_servesTheUiOrTheNotBuiltPage() {
    Http.Response response = Http.get(server.url());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.text()).doesNotContain("__STEMTRACE_BASE_PATH__").contains("stemtrace");
  }
}
