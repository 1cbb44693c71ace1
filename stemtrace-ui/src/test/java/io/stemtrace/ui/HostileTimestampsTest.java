package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Times no view could render or subtract, sent by a producer beside sane events: they are refused
 * at decode (counted as BAD_TIMESTAMP) and every page keeps answering, the sane events counted in
 * full by statistics.
 */
class HostileTimestampsTest {

  static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");

  static byte[] event(String id, String state, String timestamp) {
    return ("{\"task_id\":\""
            + id
            + "\",\"name\":\"app.t\",\"state\":\""
            + state
            + "\",\"timestamp\":"
            + timestamp
            + ",\"root_id\":\""
            + id
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void outOfRangeTimestamps_areRefusedAndCounted_andNoEndpointFails() {
    try (TestServer server =
        TestServer.start(TestServer.options().replayCapture(false).clock(new MutableClock(NOW)))) {
      List<byte[]> events = new ArrayList<>();
      // a "min date" sentinel, then the task running now: 2 025 years apart
      events.add(event("sentinel", "PENDING", "\"0001-01-01T00:00:00Z\""));
      events.add(event("sentinel", "STARTED", "\"2026-11-26T03:59:00Z\""));
      events.add(event("sentinel", "SUCCESS", "\"2026-11-26T03:59:01Z\""));
      // Instant.MIN as epoch seconds, Instant.MAX's year as text: in the middle of a batch of 99
      for (int i = 0; i < 96; i++) {
        String stamp =
            i == 30
                ? "-31557014167219200"
                : i == 60 ? "\"+999999999-12-31T23:59:59Z\"" : "\"2026-11-26T03:59:30Z\"";
        events.add(event("t" + i, "SUCCESS", stamp));
      }
      server.inject(events);
      server.awaitApplied(events.size());

      String api = server.baseUrl() + "/api";
      JsonNode health = Http.get(api + "/health").json();
      assertThat(health.get("events_rejected_by_kind").get("BAD_TIMESTAMP").asInt()).isEqualTo(3);
      assertThat(health.get("events_applied").asInt()).isEqualTo(96);
      assertThat(health.get("listener_failures").asInt()).isZero();
      for (String path :
          List.of(
              "/tasks",
              "/graphs",
              "/tasks/sentinel",
              "/graphs/sentinel",
              "/anomalies",
              "/graphs/sentinel/export",
              "/stats",
              "/workers")) {
        assertThat(Http.get(api + path).status()).as(path).isEqualTo(200);
      }
      JsonNode sentinel = Http.get(api + "/tasks/sentinel").json().get("task");
      assertThat(sentinel.get("state").asText()).isEqualTo("SUCCESS");
      assertThat(sentinel.get("events")).hasSize(2);
      // statistics count every sane event of the batch, none lost behind a bad one
      JsonNode stats = Http.get(api + "/stats?window_minutes=15").json().get("tasks").get(0);
      assertThat(stats.get("total").asInt()).isEqualTo(95);
      assertThat(stats.get("counts").get("SUCCESS").asInt()).isEqualTo(95);
    }
  }
}
