package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemtrace.codec.EventCodec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every id the codec accepts can be reached: ids with "/" or "\" (which no path segment carries),
 * percent signs, spaces at either end, non-ASCII and the longest accepted id, through the
 * query-parameter routes.
 */
class UnusualIdsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static TestServer server;
  static String api;

  static List<String> ids() {
    return List.of(
        "a/b",
        "..\\..\\etc\\passwd",
        "/leading/and/trailing/",
        "50%25 off%2F",
        " spaced ",
        "q?x=1#frag",
        "emoji-\ud83d\ude00-\u00e9",
        "\u0000nul\u001f",
        "w".repeat(EventCodec.MAX_IDENTIFIER_LENGTH),
        "\u20ac".repeat(EventCodec.MAX_IDENTIFIER_LENGTH));
  }

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            TestServer.options().replayCapture(false).staticRoot("io/stemtrace/ui/testui/"));
    api = server.baseUrl() + "/api";
    List<byte[]> events = new ArrayList<>();
    for (String id : ids()) {
      events.add(event(id, null, "STARTED"));
      events.add(event(id, null, "SUCCESS"));
      events.add(event(childOf(id), id, "SUCCESS"));
    }
    events.add(
        ("{\"event_type\":\"worker_ready\",\"hostname\":\"host/with\\\\slashes\",\"timestamp\":\""
                + java.time.Instant.now()
                + "\"}")
            .getBytes(StandardCharsets.UTF_8));
    server.inject(events);
    server.awaitApplied(events.size());
  }

  private static String childOf(String id) {
    return "child-" + ids().indexOf(id);
  }

  private static byte[] event(String id, String parent, String state) {
    ObjectNode node =
        JSON.createObjectNode()
            .put("task_id", id)
            .put("name", "unusual.task")
            .put("state", state)
            .put("timestamp", java.time.Instant.now().toString());
    if (parent != null) node.put("parent_id", parent).put("root_id", parent);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("ids")
  void task_children_graph_andExport_areReachableByQueryParameter(String id) {
    JsonNode task = Http.get(api + "/task?id=" + q(id)).json();
    assertThat(task.get("task").get("task_id").asText()).isEqualTo(id);
    assertThat(task.get("children").get(0).get("task_id").asText()).isEqualTo(childOf(id));
    JsonNode children = Http.get(api + "/task/children?id=" + q(id)).json();
    assertThat(children.get("total").asInt()).isEqualTo(1);
    JsonNode graph = Http.get(api + "/graph?id=" + q(id)).json();
    assertThat(graph.get("root_id").asText()).isEqualTo(id);
    assertThat(graph.get("nodes").has(childOf(id))).isTrue();
    Http.Response export = Http.get(api + "/graph/export?id=" + q(id));
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("content-disposition"))
        .startsWith("attachment; filename=\"stemtrace-");
    assertThat(export.json().get("root_id").asText()).isEqualTo(id);
  }

  @org.junit.jupiter.api.Test
  void workerWithSlashes_isReachable_missingOrRepeatedIdIsABadRequest() {
    Http.Response worker = Http.get(api + "/worker?hostname=" + q("host/with\\slashes"));
    assertThat(worker.status())
        .as(new String(worker.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(worker.json().get("hostname").asText()).isEqualTo("host/with\\slashes");
    assertThat(Http.get(api + "/task").status()).isEqualTo(400);
    assertThat(Http.get(api + "/task?id=").json().get("detail").asText())
        .contains("'id' is required");
    assertThat(Http.get(api + "/graph?id=a&id=b").status()).isEqualTo(400);
    assertThat(Http.get(api + "/task?id=" + q("no such id")).status()).isEqualTo(404);
  }
}
