package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.core.NodeAlias;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code q=} on {@code /api/tasks} and {@code display_name} over real HTTP, with the Python capture
 * replayed into the real in-memory store.
 */
class SearchApiTest {

  static TestServer server;
  static TestServer aliased;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.options().staticRoot("io/stemtrace/ui/testui/"));
    aliased =
        TestServer.start(
            TestServer.options()
                .staticRoot("io/stemtrace/ui/testui/")
                .nodeAlias(NodeAlias.parse("capp.not_registered_anywhere=0")));
  }

  @AfterAll
  static void stop() {
    server.close();
    aliased.close();
  }

  private static Http.Response search(TestServer on, String q) {
    return Http.get(
        on.baseUrl() + "/api/tasks?limit=100&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    for (JsonNode task : page.get("tasks")) names.add(task.get("name").asText());
    return names;
  }

  @Test
  void q_nameGlob_listsThoseTasks_withAnIndexedTotal() {
    JsonNode page = search(server, "name:capp.a*").json();

    assertThat(page.get("total").asInt()).isEqualTo(13);
    assertThat(names(page)).hasSize(13).containsOnly("capp.add");
    assertThat(page.has("scanned")).isFalse();
  }

  @Test
  void q_stateAndName_areAnded() {
    JsonNode page = search(server, "state:FAILURE name:boom").json();

    assertThat(names(page)).containsExactly("capp.boom");
    assertThat(search(server, "state:failure name:add").json().get("total").asInt()).isZero();
  }

  @Test
  void q_exceptionTerm_scans_andSaysHowFar() {
    JsonNode page = search(server, "exception:kaboom").json();

    assertThat(names(page)).containsExactly("capp.boom");
    assertThat(page.get("scanned").asInt()).isEqualTo(18);
    assertThat(page.get("truncated").asBoolean()).isFalse();
  }

  @Test
  void q_idPrefix_andFreeText() {
    assertThat(names(search(server, "id:1a9af1b1").json())).containsExactly("capp.boom");
    assertThat(names(search(server, "spawned").json())).containsExactly("capp.parent");
  }

  @Test
  void q_combinesWithTheOtherFilters() {
    Http.Response response =
        Http.get(server.baseUrl() + "/api/tasks?state=SUCCESS&name=capp.t&q=result:120");

    assertThat(names(response.json())).containsExactly("capp.tsum");
  }

  @Test
  void q_blank_isNoSearch() {
    assertThat(search(server, "  ").json().get("total").asInt()).isEqualTo(18);
  }

  @Test
  void q_unknownKey_is400WithDetail() {
    Http.Response response = search(server, "name:add colour:red");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("detail").asText())
        .isEqualTo(
            "query parameter 'q': unknown search key 'colour' at character 10; known keys: name,"
                + " state, worker, args, kwargs, result, exception, id");
  }

  @Test
  void q_badSyntax_is400WithDetail() {
    Http.Response unclosed = search(server, "exception:\"kaboom");
    Http.Response badState = search(server, "state:DONE");

    assertThat(unclosed.status()).isEqualTo(400);
    assertThat(unclosed.json().get("detail").asText())
        .isEqualTo("query parameter 'q': unclosed quote in the 'exception:' term at character 11");
    assertThat(badState.status()).isEqualTo(400);
    assertThat(badState.json().get("detail").asText())
        .startsWith("query parameter 'q': unknown state 'DONE'");
  }

  @Test
  void q_onGraphs_listsTheWorkflowsHoldingAMatchingTask() {
    JsonNode page =
        Http.get(
                server.baseUrl()
                    + "/api/graphs?q="
                    + URLEncoder.encode("name:capp.tsum", StandardCharsets.UTF_8))
            .json();
    JsonNode failed = Http.get(server.baseUrl() + "/api/graphs?q=state:FAILURE").json();

    assertThat(page.get("total").asInt()).isEqualTo(1);
    assertThat(page.get("graphs").get(0).get("node_type").asText()).isEqualTo("CHORD");
    assertThat(page.get("scanned").asInt()).isEqualTo(1);
    assertThat(page.get("truncated").asBoolean()).isFalse();
    assertThat(failed.get("graphs").get(0).get("name").asText()).isEqualTo("capp.boom");
    assertThat(Http.get(server.baseUrl() + "/api/graphs?q=colour:red").status()).isEqualTo(400);
  }

  @Test
  void displayName_isTheNameWithoutAnAlias() {
    for (JsonNode task : Http.get(server.baseUrl() + "/api/tasks?limit=100").json().get("tasks")) {
      assertThat(task.get("display_name")).isEqualTo(task.get("name"));
    }
  }

  @Test
  void displayName_followsTheAlias_onListsDetailsAndGraphNodes() {
    JsonNode page = search(aliased, "name:not_registered").json();
    JsonNode task = page.get("tasks").get(0);
    String id = task.get("task_id").asText();
    JsonNode detail = Http.get(aliased.baseUrl() + "/api/task?id=" + id).json().get("task");
    JsonNode graph =
        Http.get(aliased.baseUrl() + "/api/graph?id=" + task.get("workflow_id").asText()).json();

    assertThat(task.get("display_name").asText()).isEqualTo("1");
    assertThat(task.get("name").asText()).isEqualTo("capp.not_registered_anywhere");
    assertThat(detail.get("display_name").asText()).isEqualTo("1");
    assertThat(graph.get("nodes").get(id).get("display_name").asText()).isEqualTo("1");
    JsonNode other = search(aliased, "name:capp.boom").json().get("tasks").get(0);
    assertThat(other.get("display_name").asText()).isEqualTo("capp.boom");
  }
}
