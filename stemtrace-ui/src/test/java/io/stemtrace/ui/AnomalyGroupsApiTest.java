package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.MutableClock;
import io.stemtrace.ui.auth.Authentication;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/anomalies/groups} and its triage actions over real HTTP: grouping by type and name,
 * the counts per status, acknowledge and mute, resolution when the cause goes away and the
 * retention after it, and the errors a person gets for a bad request.
 */
class AnomalyGroupsApiTest {

  private static final EventCodec CODEC = EventCodec.standard();
  private static final Instant T0 = Instant.parse("2026-12-04T04:00:00Z");
  private static final Duration STUCK = Duration.ofSeconds(60);
  private static final Duration RETENTION = Duration.ofMinutes(10);

  private final MutableClock clock = new MutableClock(T0);

  private TestServer start(TestServer.Options options) {
    return TestServer.start(
        options.replayCapture(false).clock(clock).stuckAfter(STUCK).anomalyRetention(RETENTION));
  }

  /** Three stuck orders.charge tasks, one stuck mail.send, one unregistered task: 3 groups. */
  private static void stuckWorkload(TestServer server) {
    List<StemtraceEvent> events = new ArrayList<>();
    events.add(
        new WorkerEvent(
            WorkerEvent.Type.READY,
            "w1@host",
            7,
            T0,
            List.of("orders.charge", "mail.send"),
            Map.of(),
            null));
    for (int i = 1; i <= 3; i++)
      events.add(task("c" + i, "orders.charge", TaskState.STARTED, T0.plusMillis(i)));
    events.add(task("m1", "mail.send", TaskState.STARTED, T0.plusMillis(4)));
    events.add(task("u1", "legacy.job", TaskState.PENDING, T0.plusMillis(5)));
    List<byte[]> payloads = events.stream().map(CODEC::encode).toList();
    server.inject(payloads);
    server.awaitApplied(payloads.size());
  }

  private void advance(TestServer server, Duration by) {
    clock.advance(by);
    server.handler().anomalies().checkDeadlines();
  }

  private static TaskEvent task(String id, String name, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name(name).timestamp(at).build();
  }

  private static JsonNode groupNamed(JsonNode page, String name) {
    for (JsonNode group : page.get("groups")) {
      if (name.equals(group.get("name").asText(null))) return group;
    }
    throw new AssertionError("no group " + name + " in " + page);
  }

  @Test
  void groups_countAnomaliesByTypeAndName_withCountsPerStatus_andExpandToTheirAnomalies() {
    try (TestServer server = start(TestServer.options())) {
      String api = server.baseUrl() + "/api";
      stuckWorkload(server);
      advance(server, STUCK.plusSeconds(1));

      assertThat(Http.get(api + "/anomalies").json().get("total").asInt()).isEqualTo(5);
      JsonNode page = Http.get(api + "/anomalies/groups").json();
      assertThat(page.get("total").asInt()).isEqualTo(3);
      assertThat(page.get("counts").toString())
          .isEqualTo("{\"open\":3,\"acknowledged\":0,\"muted\":0,\"resolved\":0}");
      JsonNode charge = groupNamed(page, "orders.charge");
      assertThat(charge.get("type").asText()).isEqualTo("STUCK_STARTED");
      assertThat(charge.get("status").asText()).isEqualTo("open");
      assertThat(charge.get("open").asInt()).isEqualTo(3);
      assertThat(charge.get("occurrences").asLong()).isEqualTo(3);
      assertThat(charge.get("first_seen").asText()).isEqualTo("2026-12-04T04:01:01.000000Z");
      assertThat(charge.get("last_seen").asText()).isEqualTo("2026-12-04T04:01:01.000000Z");
      assertThat(charge.get("resolved_at").isNull()).isTrue();
      assertThat(charge.get("muted_until").isNull()).isTrue();
      assertThat(groupNamed(page, "legacy.job").get("type").asText()).isEqualTo("UNREGISTERED");

      JsonNode expanded = Http.get(api + "/anomalies?type=STUCK_STARTED&name=orders.charge").json();
      assertThat(expanded.get("total").asInt()).isEqualTo(3);
      List<String> ids = new ArrayList<>();
      expanded.get("anomalies").forEach(a -> ids.add(a.get("task_id").asText()));
      assertThat(ids).containsExactlyInAnyOrder("c1", "c2", "c3");
      assertThat(Http.get(api + "/anomalies?unnamed=true").json().get("total").asInt()).isZero();

      // filters
      JsonNode unregistered = Http.get(api + "/anomalies/groups?type=unregistered").json();
      assertThat(unregistered.get("total").asInt()).isEqualTo(1);
      assertThat(unregistered.get("counts").get("open").asInt()).isEqualTo(1);
      assertThat(Http.get(api + "/anomalies/groups?status=resolved").json().get("total").asInt())
          .isZero();
      assertThat(
              Http.get(api + "/anomalies/groups?status=open,resolved&status=all")
                  .json()
                  .get("total")
                  .asInt())
          .isEqualTo(3);
    }
  }

  @Test
  void acknowledgeMuteAndResolve_moveGroupsBetweenStatuses_untilTheRetentionEnds() {
    try (TestServer server = start(TestServer.options())) {
      String api = server.baseUrl() + "/api";
      stuckWorkload(server);
      advance(server, STUCK.plusSeconds(1));

      Http.Response acked =
          Http.post(
              api + "/anomalies/groups/acknowledge",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\"}");
      assertThat(acked.status()).isEqualTo(200);
      assertThat(acked.json().get("status").asText()).isEqualTo("acknowledged");
      assertThat(acked.json().get("acknowledged_at").asText())
          .isEqualTo("2026-12-04T04:01:01.000000Z");

      Http.Response muted =
          Http.post(
              api + "/anomalies/groups/mute",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"orders.charge\",\"minutes\":60}");
      assertThat(muted.status()).isEqualTo(200);
      assertThat(muted.json().get("status").asText()).isEqualTo("muted");
      assertThat(muted.json().get("muted_until").asText()).isEqualTo("2026-12-04T05:01:01.000000Z");

      JsonNode counts = Http.get(api + "/anomalies/groups?limit=1").json().get("counts");
      assertThat(counts.toString())
          .isEqualTo("{\"open\":1,\"acknowledged\":1,\"muted\":1,\"resolved\":0}");
      JsonNode open = Http.get(api + "/anomalies/groups?status=open").json();
      assertThat(open.get("groups")).hasSize(1);
      assertThat(open.get("groups").get(0).get("name").asText()).isEqualTo("legacy.job");

      // the acknowledged task finishes: its cause is gone
      server.inject(
          List.of(CODEC.encode(task("m1", "mail.send", TaskState.SUCCESS, T0.plusSeconds(62)))));
      JsonNode resolved = awaitGroups(api + "/anomalies/groups?status=resolved", 1);
      JsonNode mail = resolved.get("groups").get(0);
      assertThat(mail.get("name").asText()).isEqualTo("mail.send");
      assertThat(mail.get("open").asInt()).isZero();
      assertThat(mail.get("occurrences").asLong()).isEqualTo(1);
      assertThat(mail.get("resolved_at").asText()).isEqualTo("2026-12-04T04:01:01.000000Z");

      // unmute and unacknowledge take it back
      assertThat(
              Http.post(
                      api + "/anomalies/groups/unmute",
                      "{\"type\":\"STUCK_STARTED\",\"name\":\"orders.charge\"}")
                  .json()
                  .get("status")
                  .asText())
          .isEqualTo("open");

      // past the retention the resolved group has left the list, and triage on it is a 404
      advance(server, RETENTION);
      assertThat(Http.get(api + "/anomalies/groups?status=resolved").json().get("total").asInt())
          .isZero();
      Http.Response gone =
          Http.post(
              api + "/anomalies/groups/unacknowledge",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\"}");
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.text()).contains("no anomaly group STUCK_STARTED / mail.send");
    }
  }

  @Test
  void badTriageRequests_are400WithAReason_unknownActions404_andGet405() {
    try (TestServer server = start(TestServer.options())) {
      String api = server.baseUrl() + "/api";
      stuckWorkload(server);
      advance(server, STUCK.plusSeconds(1));
      String ack = api + "/anomalies/groups/acknowledge";
      Map<String, String> bad =
          Map.of(
              "", "the body must be a JSON object",
              "[1]", "the body must be a JSON object",
              "{\"type\":", "the body is not JSON",
              "{\"name\":\"mail.send\"}", "'type' is required",
              "{\"type\":\"STUCK_STARTED\"}", "'name' is required",
              "{\"type\":\"SLOW\",\"name\":\"x\"}", "unknown anomaly type 'SLOW'",
              "{\"type\":\"STUCK_STARTED\",\"name\":1}", "'name' must be a string or null",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\",\"minute\":5}",
                  "unknown field 'minute'",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\",\"minutes\":5}",
                  "'minutes' is for mute only",
              "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\"} {}",
                  "the body must be one JSON object");
      bad.forEach(
          (body, reason) -> {
            Http.Response response = Http.post(ack, body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.text()).as(body).contains(reason);
          });
      for (String minutes : List.of("0", "-5", "527041", "1.5", "\"60\"", "99999999999999999999")) {
        Http.Response response =
            Http.post(
                api + "/anomalies/groups/mute",
                "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\",\"minutes\":" + minutes + "}");
        assertThat(response.status()).as(minutes).isEqualTo(400);
        assertThat(response.text()).as(minutes).contains("'minutes' must be");
      }
      assertThat(Http.post(ack, "{\"type\":\"STUCK_STARTED\",\"name\":\"no.such.task\"}").status())
          .isEqualTo(404);
      Http.Response action =
          Http.post(
              api + "/anomalies/groups/silence", "{\"type\":\"STUCK_STARTED\",\"name\":\"x\"}");
      assertThat(action.status()).isEqualTo(404);
      assertThat(action.text()).contains("expected acknowledge, unacknowledge, mute, unmute");
      assertThat(Http.get(ack).status()).isEqualTo(405);
      assertThat(Http.get(api + "/anomalies/groups?status=new").status()).isEqualTo(400);
      assertThat(Http.get(api + "/anomalies?name=a&unnamed=true").status()).isEqualTo(400);
      assertThat(Http.get(api + "/anomalies?unnamed=maybe").status()).isEqualTo(400);

      // nothing above changed a group
      assertThat(Http.get(api + "/anomalies/groups").json().get("counts").get("open").asInt())
          .isEqualTo(3);
    }
  }

  @Test
  void triage_needsCredentialsWhenAuthenticationIsOn_andIsRefusedCrossOrigin() {
    String password = "correct horse battery staple";
    try (TestServer server =
        start(TestServer.options().authentication(Authentication.basic("admin", password)))) {
      String url = server.baseUrl() + "/api/anomalies/groups/acknowledge";
      String body = "{\"type\":\"STUCK_STARTED\",\"name\":\"mail.send\"}";
      assertThat(Http.post(url, body).status()).isEqualTo(401);
      String credentials =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url))
              .header("Authorization", credentials)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      assertThat(Http.send(request.build()).status()).as("no such group yet").isEqualTo(404);
      assertThat(
              Http.send(request.copy().header("Origin", "https://evil.example").build()).status())
          .isEqualTo(403);
    }
  }

  private static JsonNode awaitGroups(String url, int total) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode page;
    do {
      page = Http.get(url).json();
      if (page.get("total").asInt() == total) return page;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("expected " + total + " groups at " + url + ", got " + page);
  }
}
