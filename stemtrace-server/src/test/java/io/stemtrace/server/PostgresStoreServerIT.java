package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.RequiredServers;
import io.stemtrace.ui.Http;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The standalone server with {@code --store-url postgresql://...}: the real capture consumed by one
 * server is the graph, the statistics and the anomalies a second server shows after a restart,
 * though its broker holds nothing.
 */
class PostgresStoreServerIT {

  private final String schema =
      "st_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String storeUrl = "postgresql://postgres@127.0.0.1:5432/test?schema=" + schema;

  @BeforeAll
  static void postgresRunning() {
    RequiredServers.requireListening("PostgreSQL", 5432);
  }

  @AfterEach
  void dropSchema() throws Exception {
    try (Connection connection =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
      connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private JsonNode statsBefore;
  private List<String> anomaliesBefore;

  /** The capture's day in the events' own time, without the moment it was generated. */
  private static JsonNode stats(StemtraceServer server) {
    Http.Response response = Http.get(server.url() + "api/stats?from=2026-11-26&to=2026-11-27");
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    ObjectNode stats = (ObjectNode) response.json();
    stats.remove("generated_at");
    assertThat(stats.get("tasks").size()).isPositive();
    return stats;
  }

  private static List<String> anomalies(StemtraceServer server) {
    Http.Response response = Http.get(server.url() + "api/anomalies?limit=1000");
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    List<String> shown = new ArrayList<>();
    for (JsonNode anomaly : response.json().get("anomalies")) {
      shown.add(anomaly.get("type").asText() + " " + anomaly.get("name").asText());
    }
    Collections.sort(shown);
    return shown;
  }

  private StemtraceServer start(String transportUrl) throws Exception {
    return StemtraceServer.start(
        CliOptions.parse(
            List.of(
                "server", "--transport-url", transportUrl, "--port", "0", "--host", "127.0.0.1"),
            Map.of("STEMTRACE_STORE_URL", storeUrl)));
  }

  @Test
  void history_survivesARestart_servedFromPostgres() throws Exception {
    String first = "memory://pg-server-it-" + UUID.randomUUID();
    try (StemtraceServer server = start(first);
        Transport producer = Transports.open(first, "stemtrace")) {
      producer.send(Captures.pythonCanvas());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.handler().consumerMetrics().eventsApplied() < 59
          && System.nanoTime() < deadline) Thread.sleep(5);
      assertThat(GraphCheck.run(server)).isEqualTo(GraphCheck.CAPTURE_PASSES);
      statsBefore = stats(server);
      anomaliesBefore = anomalies(server);
    }
    // a new server on an empty stream: everything it shows comes from PostgreSQL
    try (StemtraceServer restarted = start("memory://pg-server-it-empty-" + UUID.randomUUID())) {
      // the stream is empty: all 59 came back from the store, through the consumer's listeners
      assertThat(restarted.handler().consumerMetrics().eventsApplied()).isEqualTo(59);
      assertThat(GraphCheck.run(restarted)).isEqualTo(GraphCheck.CAPTURE_PASSES);
      // statistics and anomalies are rebuilt from the same events, through the same listeners
      assertThat(stats(restarted)).isEqualTo(statsBefore);
      assertThat(anomalies(restarted))
          .isEqualTo(anomaliesBefore)
          .contains("UNREGISTERED capp.not_registered_anywhere");
    }
  }
}
