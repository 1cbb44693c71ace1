package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * /api/anomalies, /api/stats, export and import, anomaly flags on nodes and in WebSocket frames,
 * over HTTP.
 */
class AnomalyStatsExportIT {

  static final String UNREGISTERED = "9644dd94-f807-4048-8183-4b983e7112e8";
  static final String CHORD_ROOT_MEMBER = "e48dc173-35f7-4cb9-8d2c-4cc76660105d";
  static final Instant AFTER_CAPTURE = Instant.parse("2026-11-26T03:36:01Z");

  static TestServer captureServer(MutableClock clock) {
    return TestServer.start(
        TestServer.options().clock(clock).recordedTimes().pushInterval(Duration.ofMillis(50)));
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void anomalies_capture_listsTheUnregisteredTask_andFlagsItsNodes() {
    try (TestServer server = captureServer(new MutableClock(AFTER_CAPTURE))) {
      String api = server.baseUrl() + "/api";
      JsonNode page = Http.get(api + "/anomalies").json();
      assertThat(page.get("total").asInt()).isEqualTo(1);
      assertThat(page.get("limit").asInt()).isEqualTo(50);
      assertThat(page.get("offset").asInt()).isZero();
      JsonNode anomaly = page.get("anomalies").get(0);
      assertThat(anomaly.get("type").asText()).isEqualTo("UNREGISTERED");
      assertThat(anomaly.get("task_id").asText()).isEqualTo(UNREGISTERED);
      assertThat(anomaly.get("name").asText()).isEqualTo("capp.not_registered_anywhere");
      assertThat(anomaly.get("workflow_id").asText()).isEqualTo(UNREGISTERED);
      assertThat(anomaly.get("since").asText()).isEqualTo("2026-11-26T03:35:48.686054Z");
      assertThat(anomaly.get("detected_at").asText()).isEqualTo("2026-11-26T03:36:01.000000Z");
      assertThat(anomaly.get("worker").isNull()).isTrue();
      assertThat(anomaly.get("detail").asText())
          .contains("no known worker registers capp.not_registered_anywhere");

      assertThat(
              Http.get(api + "/anomalies?type=STUCK_STARTED,INTERRUPTED")
                  .json()
                  .get("total")
                  .asInt())
          .isZero();
      assertThat(
              Http.get(api + "/anomalies?type=unregistered&type=CHORD_NOT_JOINED")
                  .json()
                  .get("total")
                  .asInt())
          .isEqualTo(1);
      assertThat(Http.get(api + "/anomalies?offset=1").json().get("anomalies")).isEmpty();
      Http.Response bad = Http.get(api + "/anomalies?type=BROKEN");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("detail").asText()).contains("'type'").contains("BROKEN");

      JsonNode detail = Http.get(api + "/tasks/" + UNREGISTERED).json().get("task");
      assertThat(detail.get("anomalies"))
          .extracting(JsonNode::asText)
          .containsExactly("UNREGISTERED");
      JsonNode graph = Http.get(api + "/graphs/" + UNREGISTERED).json();
      assertThat(graph.get("nodes").get(UNREGISTERED).get("anomalies"))
          .extracting(JsonNode::asText)
          .containsExactly("UNREGISTERED");
      for (JsonNode task : Http.get(api + "/tasks?limit=100").json().get("tasks")) {
        int expected = task.get("task_id").asText().equals(UNREGISTERED) ? 1 : 0;
        assertThat(task.get("anomalies")).as(task.get("task_id").asText()).hasSize(expected);
      }
      String chordRoot =
          Http.get(api + "/tasks/" + CHORD_ROOT_MEMBER)
              .json()
              .get("task")
              .get("workflow_id")
              .asText();
      JsonNode container =
          Http.get(api + "/graphs/" + encode(chordRoot)).json().get("nodes").get(chordRoot);
      assertThat(container.get("node_type").asText()).isEqualTo("CHORD");
      assertThat(container.get("anomalies")).isEmpty();
    }
  }

  @Test
  void anomalies_workerShutdownWhileATaskRuns_isInterrupted_andPushedOnTheWebSocket()
      throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T04:00:00Z"));
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .clock(clock)
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(50)));
        WebSocketIT.Listener listener = WebSocketIT.Listener.connect(server)) {
      WebSocketIT.awaitTrue(
          () -> server.handler().websocketConnections() == 1, "client registered");
      Instant t0 = clock.instant();
      EventCodec codec = EventCodec.standard();
      server.inject(
          List.of(
              codec.encode(
                  new io.stemtrace.api.WorkerEvent(
                      io.stemtrace.api.WorkerEvent.Type.READY,
                      "w9",
                      1,
                      t0,
                      List.of("app.export"),
                      Map.of(),
                      null)),
              codec.encode(
                  TaskEvent.builder("run-1", TaskState.STARTED)
                      .name("app.export")
                      .timestamp(t0)
                      .build()),
              codec.encode(
                  new io.stemtrace.api.WorkerEvent(
                      io.stemtrace.api.WorkerEvent.Type.SHUTDOWN,
                      "w9",
                      1,
                      t0.plusSeconds(1),
                      List.of(),
                      Map.of(),
                      t0.plusSeconds(1)))));
      server.awaitApplied(3);

      JsonNode anomaly =
          Http.get(server.baseUrl() + "/api/anomalies?type=INTERRUPTED")
              .json()
              .get("anomalies")
              .get(0);
      assertThat(anomaly.get("task_id").asText()).isEqualTo("run-1");
      assertThat(anomaly.get("worker").asText()).isEqualTo("w9");
      WebSocketIT.awaitTrue(
          () ->
              listener.frames.stream()
                  .anyMatch(
                      f ->
                          f.get("anomalies")
                              .toString()
                              .contains(
                                  "{\"type\":\"INTERRUPTED\",\"task_id\":\"run-1\",\"status\":\"raised\"}")),
          "raised frame");

      server.inject(
          List.of(
              codec.encode(
                  TaskEvent.builder("run-1", TaskState.FAILURE)
                      .name("app.export")
                      .timestamp(t0.plusSeconds(2))
                      .build())));
      WebSocketIT.awaitTrue(
          () ->
              listener.frames.stream()
                  .anyMatch(
                      f ->
                          f.get("anomalies")
                              .toString()
                              .contains(
                                  "{\"type\":\"INTERRUPTED\",\"task_id\":\"run-1\",\"status\":\"cleared\"}")),
          "cleared frame");
      assertThat(Http.get(server.baseUrl() + "/api/anomalies").json().get("total").asInt())
          .isZero();
      for (JsonNode frame : listener.frames) assertThat(frame.get("anomalies").isArray()).isTrue();
    }
  }

  @Test
  void stats_capture_matchesTheStoresTasks() {
    try (TestServer server = captureServer(new MutableClock(AFTER_CAPTURE))) {
      JsonNode stats = Http.get(server.baseUrl() + "/api/stats?window_minutes=15").json();
      assertThat(stats.get("window_minutes").asInt()).isEqualTo(15);
      assertThat(stats.get("generated_at").asText()).isEqualTo("2026-11-26T03:36:01.000000Z");
      Map<String, JsonNode> byName = new TreeMap<>();
      stats.get("tasks").forEach(t -> byName.put(t.get("name").asText(), t));
      assertThat(byName)
          .containsOnlyKeys(
              "capp.add",
              "capp.boom",
              "capp.flaky",
              "capp.not_registered_anywhere",
              "capp.parent",
              "capp.tsum");

      // brute force over the store: every capp.add task, its state and its durations
      List<TaskNode> adds =
          server
              .handler()
              .store()
              .tasks(new TaskQuery(java.util.Set.of(), "capp.add", null, null, 1000, 0))
              .items()
              .stream()
              .filter(t -> t.name().equals("capp.add"))
              .toList();
      JsonNode add = byName.get("capp.add");
      assertThat(add.get("total").asInt()).isEqualTo(adds.size()).isEqualTo(13);
      assertThat(add.get("counts").get("SUCCESS").asInt()).isEqualTo(13);
      assertThat(add.get("counts").get("PENDING").asInt()).isZero();
      assertThat(add.get("counts")).hasSize(8);
      assertThat(add.get("success_rate").asDouble()).isEqualTo(1.0);
      List<Double> runs = new ArrayList<>();
      for (TaskNode t : adds) runs.add(t.runTime().toNanos() / 1_000_000.0);
      runs.sort(null);
      double p50 = runs.get((int) Math.ceil(0.5 * runs.size()) - 1);
      double p99 = runs.get((int) Math.ceil(0.99 * runs.size()) - 1);
      assertThat(add.get("run_time_ms").get("p50").asDouble())
          .isEqualTo(Math.round(p50 * 1000) / 1000.0);
      assertThat(add.get("run_time_ms").get("p99").asDouble())
          .isEqualTo(Math.round(p99 * 1000) / 1000.0);
      assertThat(add.get("throughput"))
          .singleElement()
          .satisfies(
              minute -> {
                assertThat(minute.get("minute").asText()).isEqualTo("2026-11-26T03:35:00Z");
                assertThat(minute.get("count").asInt()).isEqualTo(13);
              });
      JsonNode boom = byName.get("capp.boom");
      assertThat(boom.get("success_rate").asDouble()).isZero();
      JsonNode unregistered = byName.get("capp.not_registered_anywhere");
      assertThat(unregistered.get("success_rate").isNull()).isTrue();
      assertThat(unregistered.get("run_time_ms").get("p50").isNull()).isTrue();
      assertThat(unregistered.get("throughput")).isEmpty();

      assertThat(Http.get(server.baseUrl() + "/api/stats?window_minutes=0").status())
          .isEqualTo(400);
      assertThat(Http.get(server.baseUrl() + "/api/stats?window_minutes=527041").status())
          .isEqualTo(400);
      assertThat(Http.get(server.baseUrl() + "/api/stats").json().get("window_minutes").asInt())
          .isEqualTo(60);
    }
  }

  @Test
  void stats_ofTheCapturesOwnPeriod_countItsTasks_whateverTheDateToday() {
    // a replay of last week's stream: the server's clock is today's, the capture keeps its recorded
    // times
    MutableClock yearLater = new MutableClock(AFTER_CAPTURE.plus(Duration.ofDays(365)));
    try (TestServer server =
        TestServer.start(TestServer.options().clock(yearLater).recordedTimes())) {
      String api = server.baseUrl() + "/api/stats";
      JsonNode lastWeek = Http.get(api + "?window_minutes=10080").json();
      assertThat(lastWeek.get("tasks")).isEmpty();
      assertThat(lastWeek.get("from").asText()).isEqualTo("2027-11-19T03:37:00.000000Z");
      assertThat(lastWeek.get("to").asText()).isEqualTo("2027-11-26T03:37:00.000000Z");
      // where the data is, so that the page can offer it
      assertThat(lastWeek.get("data_from").asText()).isEqualTo("2026-11-26T03:35:00.000000Z");
      assertThat(lastWeek.get("data_to").asText()).isEqualTo("2026-11-26T03:36:00.000000Z");

      JsonNode own =
          Http.get(
                  api
                      + "?from="
                      + lastWeek.get("data_from").asText()
                      + "&to="
                      + lastWeek.get("data_to").asText())
              .json();
      assertThat(own.get("window_minutes").isNull()).isTrue();
      assertThat(own.get("from").asText()).isEqualTo("2026-11-26T03:35:00.000000Z");
      assertThat(own.get("to").asText()).isEqualTo("2026-11-26T03:36:00.000000Z");
      JsonNode add = null;
      for (JsonNode t : own.get("tasks")) if (t.get("name").asText().equals("capp.add")) add = t;
      assertThat(add).as("capp.add in the capture's own period").isNotNull();
      assertThat(add.get("total").asInt()).isEqualTo(13);
      assertThat(add.get("counts").get("SUCCESS").asInt()).isEqualTo(13);
      assertThat(add.get("throughput"))
          .singleElement()
          .satisfies(
              minute -> {
                assertThat(minute.get("minute").asText()).isEqualTo("2026-11-26T03:35:00Z");
                assertThat(minute.get("count").asInt()).isEqualTo(13);
              });
      // a date alone is that whole day (UTC); a period after the capture holds nothing
      assertThat(Http.get(api + "?from=2026-11-26&to=2026-11-26").json().get("tasks"))
          .hasSize(own.get("tasks").size());
      assertThat(Http.get(api + "?from=2026-11-26T03:36:00Z&to=2026-11-27").json().get("tasks"))
          .isEmpty();
      // from alone runs to the end of the current minute; to alone covers the hour before it
      assertThat(Http.get(api + "?from=2026-11-26T03:00:00Z").json().get("to").asText())
          .isEqualTo("2027-11-26T03:37:00.000000Z");
      assertThat(Http.get(api + "?to=2026-11-26T04:00:00Z").json().get("from").asText())
          .isEqualTo("2026-11-26T03:00:00.000000Z");

      Http.Response both = Http.get(api + "?window_minutes=60&from=2026-11-26T03:00:00Z");
      assertThat(both.status()).isEqualTo(400);
      assertThat(both.text()).contains("give either 'window_minutes' or 'from'/'to', not both");
      Http.Response reversed = Http.get(api + "?from=2026-11-26T04:00:00Z&to=2026-11-26T03:00:00Z");
      assertThat(reversed.status()).isEqualTo(400);
      assertThat(reversed.text()).contains("is not before to");
      assertThat(Http.get(api + "?from=yesterday").status()).isEqualTo(400);
      Http.Response far =
          Http.get(api + "?from=-999999999-01-01T00:00:00Z&to=2026-11-26T03:00:00Z");
      assertThat(far.status()).isEqualTo(400);
      assertThat(far.text())
          .contains("period end outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z");
    }
  }

  @Test
  void exportThenImport_intoAnotherServer_reproducesTheSameGraph() {
    try (TestServer source = captureServer(new MutableClock(AFTER_CAPTURE));
        TestServer target =
            TestServer.start(
                TestServer.options().clock(new MutableClock(AFTER_CAPTURE)).replayCapture(false))) {
      JsonNode graphs = Http.get(source.baseUrl() + "/api/graphs?limit=100").json().get("graphs");
      assertThat(graphs).hasSize(7);
      for (JsonNode summary : graphs) {
        String root = summary.get("root_id").asText();
        Http.Response export =
            Http.get(source.baseUrl() + "/api/graphs/" + encode(root) + "/export");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("content-type")).isEqualTo("application/json");
        assertThat(export.header("content-disposition"))
            .isEqualTo("attachment; filename=\"stemtrace-" + root.replace(':', '_') + ".json\"");
        JsonNode document = export.json();
        assertThat(document.get("format").asText()).isEqualTo("stemtrace-export");
        assertThat(document.get("version").asInt()).isEqualTo(1);
        assertThat(document.get("root_id").asText()).isEqualTo(root);
        assertThat(document.get("exported_at").asText()).isEqualTo("2026-11-26T03:36:01.000000Z");

        Http.Response imported =
            Http.send(
                HttpRequest.newBuilder(URI.create(target.baseUrl() + "/api/import"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(export.body()))
                    .build());
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(imported.json().get("imported").asInt())
            .isEqualTo(document.get("events").size());
        assertThat(imported.json().get("rejected").asInt()).isZero();
        assertThat(imported.json().get("root_ids"))
            .extracting(JsonNode::asText)
            .containsExactly(root);

        JsonNode before =
            Http.get(source.baseUrl() + "/api/graphs/" + encode(root)).json().get("nodes");
        JsonNode after =
            Http.get(target.baseUrl() + "/api/graphs/" + encode(root)).json().get("nodes");
        assertThat(shape(after)).as(root).isEqualTo(shape(before));
      }
      // the imported capture raises the same anomaly on the target
      assertThat(
              Http.get(target.baseUrl() + "/api/anomalies")
                  .json()
                  .get("anomalies")
                  .get(0)
                  .get("task_id")
                  .asText())
          .isEqualTo(UNREGISTERED);
    }
  }

  /** Node ids with their type, state, children and anomaly flags. */
  static Map<String, String> shape(JsonNode nodes) {
    Map<String, String> shape = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> node = it.next();
      JsonNode n = node.getValue();
      shape.put(
          node.getKey(),
          n.get("node_type").asText()
              + " "
              + n.get("state").asText()
              + " "
              + n.get("children")
              + " "
              + n.get("anomalies")
              + " "
              + n.get("attempts"));
    }
    return shape;
  }

  @Test
  void import_badRequests_areRejectedWithClearStatuses() {
    try (TestServer server = TestServer.start(TestServer.options().replayCapture(false))) {
      String url = server.baseUrl() + "/api/import";
      Http.Response notExport = Http.post(url, "{\"hello\":1}");
      assertThat(notExport.status()).isEqualTo(400);
      assertThat(notExport.json().get("detail").asText())
          .contains("\"format\" must be \"stemtrace-export\"");
      assertThat(Http.post(url, "not json").status()).isEqualTo(400);

      Http.Response get = Http.get(url);
      assertThat(get.status()).isEqualTo(405);
      assertThat(get.header("allow")).isEqualTo("POST");
      assertThat(Http.post(server.baseUrl() + "/api/tasks", "{}").status()).isEqualTo(405);

      // the limit is enforced on the declared length, before any of the body is read; announcing an
      // oversized body without sending it keeps the answer deterministic (a client still writing 16
      // MiB
      // may see the connection closed under it before it reads the 413)
      String tooLarge =
          postHeadersOnly(server.port(), URI.create(url).getPath(), ApiRoutes.MAX_IMPORT_BYTES + 1);
      assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("16 MiB");

      assertThat(Http.get(server.baseUrl() + "/api/graphs/nope/export").status()).isEqualTo(404);
    }
  }

  /**
   * Sends a POST whose headers announce {@code length} body bytes, sends none, and returns the raw
   * response.
   */
  private static String postHeadersOnly(int port, String path, long length) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nOrigin: http://127.0.0.1:"
              + port
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + length
              + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      try {
        while ((read = socket.getInputStream().read(buffer)) > 0) {
          response.write(buffer, 0, read);
          if (response.toString(StandardCharsets.UTF_8).contains("}"))
            break; // the JSON detail has arrived
        }
      } catch (java.net.SocketTimeoutException e) {
        // keep what arrived; the assertion says what was missing
      }
      return response.toString(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
