package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemtrace.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JSON a JVM producer emits has the same shape as what Python stemtrace writes. */
class WireShapeTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void producerJson_hasThePythonCapturesFieldsInTheirOrder_andDecodes() throws Exception {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("w1@vm")
            .registeredTasks("capp.add")
            .shutdownHook(false)
            .build()) {
      TracingExecutorService pool = stemtrace.wrap(Executors.newSingleThreadExecutor());
      pool.submit("capp.add", () -> 3).get();
      pool.shutdown();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      stemtrace.flush(Duration.ofSeconds(5));
    }
    List<byte[]> ours = transport.payloads();
    EventLog.decode(ours); // every payload decodes with the consumer's codec

    Map<String, List<String>> pythonShapes = shapes(Captures.pythonCanvas());
    Map<String, List<String>> ourShapes = shapes(ours);
    assertThat(ourShapes.keySet())
        .containsExactlyInAnyOrder("task", "worker_ready", "worker_shutdown");
    // Python's task fields in their order, then the worker's host name, which Python ignores
    List<String> pythonTaskWithHostname = new ArrayList<>(pythonShapes.get("task"));
    pythonTaskWithHostname.add("hostname");
    assertThat(ourShapes)
        .isEqualTo(
            Map.of(
                "task", pythonTaskWithHostname,
                "worker_ready", pythonShapes.get("worker_ready"),
                "worker_shutdown", pythonShapes.get("worker_shutdown")));
    String pending = new String(ours.get(1), StandardCharsets.UTF_8);
    assertThat(pending)
        .matches(".*\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z\".*");
  }

  /** Field names in order, by kind of event. */
  private static Map<String, List<String>> shapes(List<byte[]> payloads) throws Exception {
    Map<String, List<String>> shapes = new java.util.HashMap<>();
    for (byte[] payload : payloads) {
      var node = JSON.readTree(payload);
      String kind = node.has("event_type") ? node.get("event_type").asText() : "task";
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
      List<String> previous = shapes.putIfAbsent(kind, names);
      assertThat(previous == null || previous.equals(names))
          .as("one shape per kind: %s", kind)
          .isTrue();
    }
    return shapes;
  }
}
