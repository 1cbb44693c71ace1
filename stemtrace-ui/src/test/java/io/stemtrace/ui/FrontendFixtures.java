package io.stemtrace.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemtrace.testing.Captures;
import io.stemtrace.ui.browser.BrowserSuite;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * The API responses the frontend's fixture server serves ({@code e2e/fixtures/capture-api.json}),
 * dumped from the real server with the Python capture replayed at its recorded times and a clock
 * fixed at its last event, so that the UI's development server and its tests see exactly what the
 * dashboard's API answers: one graph builder, the store's. Regenerate with {@code mvn -q -pl
 * stemtrace-ui -am test-compile -Ptest-server -Dstemtrace.skipFrontend=true
 * -Dtest-server.args=--dump-fixtures}; {@code FrontendFixturesTest} fails when the committed file
 * differs from a fresh dump.
 */
final class FrontendFixtures {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FrontendFixtures() {}

  /** Where the fixture server reads them. */
  static Path file() {
    return BrowserSuite.frontendDir().resolve("e2e/fixtures/capture-api.json");
  }

  /** A fresh dump from a server of its own. */
  static JsonNode dump() {
    Clock atCaptureEnd =
        Clock.fixed(Captures.newest(Captures.lines(Captures.PYTHON_CANVAS)), ZoneOffset.UTC);
    try (TestServer server =
        TestServer.start(TestServer.options().recordedTimes().clock(atCaptureEnd))) {
      String api = server.baseUrl() + "/api";
      ObjectNode out = JSON.createObjectNode();
      ArrayNode tasks = out.putArray("tasks");
      for (JsonNode listed : Http.get(api + "/tasks?limit=1000").json().get("tasks")) {
        tasks.add(
            Http.get(api + "/task?id=" + encode(listed.get("task_id").asText()))
                .json()
                .get("task"));
      }
      ObjectNode graphs = out.putObject("graphs");
      JsonNode summaries = Http.get(api + "/graphs?limit=1000").json().get("graphs");
      for (JsonNode summary : summaries) {
        String root = summary.get("root_id").asText();
        graphs.set(root, Http.get(api + "/graph?id=" + encode(root)).json());
      }
      out.set("summaries", summaries);
      out.set("workers", Http.get(api + "/workers?limit=1000").json().get("workers"));
      out.set("registry", Http.get(api + "/tasks/registry?limit=1000").json().get("tasks"));
      out.set("anomalies", Http.get(api + "/anomalies?limit=1000").json().get("anomalies"));
      return out;
    }
  }

  /** Writes a fresh dump to {@code target}. */
  static void write(Path target) throws IOException {
    Files.writeString(target, JSON.writeValueAsString(dump()) + "\n", StandardCharsets.UTF_8);
  }

  static JsonNode committed() throws IOException {
    return JSON.readTree(Files.readString(file(), StandardCharsets.UTF_8));
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }
}
