package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.ui.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./stemtrace demo} in-process: within a minute it shows every shape the dashboard must
 * draw, and every anomaly type.
 */
class DemoIT {

  @Test
  void demo_withinAMinute_showsContainersAndEveryOutcome() throws Exception {
    try (StemtraceServer demo =
        StemtraceServer.start(
            new CliOptions(
                CliOptions.Command.DEMO,
                CliOptions.DEMO_TRANSPORT_URL,
                "stemtrace",
                "127.0.0.1",
                0,
                100_000,
                false))) {
      String api = demo.url() + "api";
      Set<String> containerTypes = new TreeSet<>();
      Set<String> states = new TreeSet<>();
      boolean retriedThenSucceeded = false;
      Set<String> anomalyTypes = new TreeSet<>();
      Set<String> allTypes =
          Set.of(
              "UNREGISTERED", "STUCK_PENDING", "INTERRUPTED", "STUCK_STARTED", "CHORD_NOT_JOINED");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        for (JsonNode g : Http.get(api + "/graphs?limit=200").json().get("graphs")) {
          containerTypes.add(g.get("node_type").asText());
        }
        for (String state : new String[] {"SUCCESS", "FAILURE", "RETRY"}) {
          if (Http.get(api + "/tasks?limit=1&state=" + state).json().get("total").asInt() > 0)
            states.add(state);
        }
        JsonNode captures =
            Http.get(api + "/tasks?name=payments.capture&state=SUCCESS&limit=5")
                .json()
                .get("tasks");
        for (JsonNode task : captures) {
          if (task.get("attempts").size() == 3
              && task.get("attempts").get(0).get("state").asText().equals("RETRY")) {
            retriedThenSucceeded = true;
          }
        }
        for (JsonNode anomaly : Http.get(api + "/anomalies?limit=1000").json().get("anomalies")) {
          anomalyTypes.add(anomaly.get("type").asText());
        }
        if (containerTypes.containsAll(Set.of("GROUP", "CHORD"))
            && states.size() == 3
            && retriedThenSucceeded
            && anomalyTypes.containsAll(allTypes)) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(containerTypes).contains("TASK", "GROUP", "CHORD");
      assertThat(states).containsExactly("FAILURE", "RETRY", "SUCCESS");
      assertThat(retriedThenSucceeded)
          .as("a payments.capture that succeeded on its third attempt")
          .isTrue();
      assertThat(anomalyTypes)
          .as("every anomaly type within a minute")
          .containsExactlyInAnyOrderElementsOf(allTypes);
      JsonNode interrupted =
          Http.get(api + "/anomalies?type=INTERRUPTED").json().get("anomalies").get(0);
      assertThat(interrupted.get("worker").asText()).isEqualTo(DemoWorkload.EXPORTS_WORKER);
      JsonNode chord =
          Http.get(api + "/anomalies?type=CHORD_NOT_JOINED").json().get("anomalies").get(0);
      assertThat(chord.get("task_id").asText()).startsWith("group:");
      // one open group per stuck name, however many times each has been raised
      JsonNode groups = Http.get(api + "/anomalies/groups?status=open").json();
      List<String> groupKeys = new ArrayList<>();
      groups
          .get("groups")
          .forEach(g -> groupKeys.add(g.get("type").asText() + " " + g.get("name").asText()));
      assertThat(groupKeys)
          .containsExactlyInAnyOrder(
              "UNREGISTERED " + DemoWorkload.UNREGISTERED,
              "STUCK_PENDING payments.refund",
              "INTERRUPTED reports.nightly_export",
              "STUCK_STARTED reports.warehouse_sync",
              "CHORD_NOT_JOINED chord",
              // the stalled chord's callback also waits in the queue
              "STUCK_PENDING reports.build");
      assertThat(groups.get("counts").get("open").asInt()).isEqualTo(6);
      JsonNode stats = Http.get(api + "/stats?window_minutes=15").json();
      assertThat(stats.get("tasks"))
          .extracting(t -> t.get("name").asText())
          .contains("orders.checkout", "reports.build");

      String failed =
          Http.get(api + "/tasks?state=FAILURE&limit=1")
              .json()
              .get("tasks")
              .get(0)
              .get("task_id")
              .asText();
      assertThat(Http.get(api + "/tasks/" + failed).json().get("task").get("traceback").asText())
          .contains("\tat ");
      JsonNode unregistered = Http.get(api + "/tasks/registry?status=not_registered").json();
      assertThat(unregistered.get("tasks"))
          .extracting(t -> t.get("name").asText())
          .contains(DemoWorkload.UNREGISTERED);
      JsonNode workers = Http.get(api + "/workers").json();
      assertThat(workers.get("total").asInt()).isGreaterThanOrEqualTo(2);
      // import_batch: three inventory.reserve, an email.send spawned by one of them, a group of two
      // resizes
      JsonNode spawned =
          Http.get(api + "/graphs?name=orders.import_batch&limit=50").json().get("graphs");
      assertThat(spawned).extracting(g -> g.get("task_count").asInt()).contains(7);
    }
  }
}
