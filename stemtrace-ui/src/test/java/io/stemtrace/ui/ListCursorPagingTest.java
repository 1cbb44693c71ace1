package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paging {@code /api/tasks} and {@code /api/graphs} by cursor over HTTP while events keep arriving
 * between the requests: every row exactly once, where paging by offset repeats rows; a cursor the
 * server did not give is a 400 with a detail.
 */
class ListCursorPagingTest {

  private static final EventCodec CODEC = EventCodec.standard();
  private static final Instant T0 = Instant.parse("2026-11-26T03:35:48Z");

  private TestServer server;
  private int created;

  @BeforeEach
  void start() {
    server = TestServer.start(TestServer.options().replayCapture(false));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tasks_pagedByCursorWhileTasksArrive_everyTaskExactlyOnce() {
    addWorkflows(60, 2);
    List<String> before = ids(get("/api/tasks?limit=1000"), "tasks", "task_id");
    assertThat(before).hasSize(120);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int requests = 0;
    do {
      JsonNode page =
          get(
              "/api/tasks?limit=25&state=SUCCESS,PENDING"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(ids(page, "tasks", "task_id"));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      requests++;
      addWorkflows(3, 2); // six tasks arrive between two requests
    } while (cursor != null);

    assertThat(requests).isEqualTo(5);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(before);
  }

  @Test
  void tasks_pagedByOffsetWhileTasksArrive_repeatRows_whichCursorsAvoid() {
    addWorkflows(60, 2);
    List<String> seen = new ArrayList<>();
    for (int offset = 0; offset < 120; offset += 25) {
      seen.addAll(ids(get("/api/tasks?limit=25&offset=" + offset), "tasks", "task_id"));
      addWorkflows(3, 2);
    }
    assertThat(seen.size() - seen.stream().distinct().count())
        .as("rows shown twice by offset paging")
        .isPositive();
  }

  @Test
  void graphs_pagedByCursorWhileWorkflowsArrive_everyWorkflowExactlyOnce() {
    addWorkflows(70, 3);
    List<String> before = ids(get("/api/graphs?limit=1000"), "graphs", "root_id");
    assertThat(before).hasSize(70);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = get("/api/graphs?limit=20" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.get("cursor").isNull() ? null : page.get("cursor").asText())
          .isEqualTo(cursor);
      seen.addAll(ids(page, "graphs", "root_id"));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      addWorkflows(4, 3);
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(before);
  }

  @Test
  void firstPageReadAgainUpToItsNextCursor_meetsTheSecondPageWithoutOverlap() {
    addWorkflows(30, 1);
    JsonNode first = get("/api/tasks?limit=10");
    String next = first.get("next_cursor").asText();
    JsonNode second = get("/api/tasks?limit=10&cursor=" + next);
    addWorkflows(4, 1);

    JsonNode again = get("/api/tasks?limit=1000&end_cursor=" + next);
    List<String> againIds = ids(again, "tasks", "task_id");
    assertThat(againIds)
        .hasSize(14)
        .endsWith(ids(first, "tasks", "task_id").toArray(String[]::new));
    assertThat(againIds).doesNotContainAnyElementsOf(ids(second, "tasks", "task_id"));
    assertThat(again.get("next_cursor").isNull()).isTrue();
    assertThat(again.get("total").asLong()).isEqualTo(34);
  }

  @Test
  void malformedCursor_is400WithDetail_onBothLists() {
    addWorkflows(5, 1);
    String huge = "a" + "z".repeat(500);
    for (String list : List.of("/api/tasks", "/api/graphs")) {
      for (String parameter : List.of("cursor", "end_cursor")) {
        for (String bad :
            List.of("garbage", "a-5", "a%001", "a%E2%82%AC", huge, "a1&" + parameter + "=a2")) {
          Http.Response response = Http.get(server.baseUrl() + list + "?" + parameter + "=" + bad);
          assertThat(response.status()).as(list + " " + parameter + "=" + bad).isEqualTo(400);
          assertThat(response.header("Content-Type")).startsWith("application/json");
          assertThat(response.json().get("detail").asText()).contains(parameter);
          assertThat(response.text()).doesNotContain("Exception").hasSizeLessThan(600);
        }
      }
    }
  }

  private JsonNode get(String pathAndQuery) {
    Http.Response response = Http.get(server.baseUrl() + pathAndQuery);
    assertThat(response.status()).as(pathAndQuery + ": " + response.text()).isEqualTo(200);
    return response.json();
  }

  private static List<String> ids(JsonNode page, String field, String id) {
    List<String> ids = new ArrayList<>();
    for (JsonNode row : page.get(field)) ids.add(row.get(id).asText());
    return ids;
  }

  /**
   * Adds {@code count} workflows of {@code size} tasks (a root and its children), the root a
   * success and the children pending, and gives the newest existing root a late event (which must
   * not move it in any list).
   */
  private void addWorkflows(int count, int size) {
    List<byte[]> events = new ArrayList<>();
    for (int w = 0; w < count; w++) {
      int n = created++;
      String root = "root-" + n;
      Instant at = T0.plusSeconds(n);
      events.add(encode(TaskEvent.builder(root, TaskState.SUCCESS).name("app.root").timestamp(at)));
      for (int c = 1; c < size; c++) {
        events.add(
            encode(
                TaskEvent.builder(root + "-child-" + c, TaskState.PENDING)
                    .name("app.child")
                    .parentId(root)
                    .rootId(root)
                    .timestamp(at.plusMillis(c))));
      }
    }
    if (created > count) {
      String earlier = "root-" + (created - count - 1);
      events.add(
          encode(
              TaskEvent.builder(earlier, TaskState.SUCCESS)
                  .name("app.root")
                  .result(1)
                  .timestamp(T0.plusSeconds(created - count - 1).plusMillis(500))));
    }
    long applied =
        server.handler().consumerMetrics().eventsApplied()
            + server.handler().consumerMetrics().eventsRejected();
    server.inject(events);
    server.awaitApplied(applied + events.size());
  }

  private static byte[] encode(TaskEvent.Builder event) {
    return CODEC.encode(event.build());
  }
}
