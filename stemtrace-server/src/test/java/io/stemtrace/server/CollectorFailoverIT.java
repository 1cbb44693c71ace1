package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.RequiredServers;
import io.stemtrace.ui.Http;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production topology on this machine: two {@code ./stemtrace collect} processes on one Redis
 * stream and one PostgreSQL schema, and a dashboard started with {@code --no-consumer}. The second
 * collector stands by; the first is killed with SIGKILL while tasks are being published; the second
 * takes over, and the store ends with every event exactly once, which the dashboard shows.
 */
class CollectorFailoverIT {

  private static final Pattern HEALTH_LINE = Pattern.compile("health on (http://\\S+/health)");
  private static final EventCodec CODEC = EventCodec.standard();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String schema = "st_" + suffix;
  private final String prefix = "failover-" + suffix;
  private final String storeUrl = "postgresql://postgres@127.0.0.1:5432/test?schema=" + schema;
  private final String transportUrl = "redis://127.0.0.1:6379/0";
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void serversRunning() {
    RequiredServers.requireListening("PostgreSQL", 5432);
    RequiredServers.requireListening("Redis", 6379);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process process : processes) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try (Connection connection = database()) {
      connection.createStatement().execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    new ProcessBuilder("redis-cli", "DEL", prefix + ":events")
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void standbyTakesOverAfterKill9_everyEventOnce_andTheReaderShowsIt() throws Exception {
    Collector first = startCollector("first");
    awaitStatus(first, "ok", 60);
    Collector second = startCollector("second");
    awaitStatus(second, "standby", 60);

    try (StemtraceServer reader =
            StemtraceServer.start(
                CliOptions.parse(
                    List.of("server", "--no-consumer", "--port", "0", "--host", "127.0.0.1"),
                    Map.of("STEMTRACE_STORE_URL", storeUrl)));
        Transport producer = Transports.open(transportUrl, prefix)) {
      int tasks = 4_000;
      CompletableFuture<Void> publishing =
          CompletableFuture.runAsync(() -> publish(producer, 0, tasks));
      // kill the writer while the stream is being published
      awaitAtLeast(reader, 600, 60);
      long killedAt = System.nanoTime();
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no last flush
      first.process.waitFor(10, TimeUnit.SECONDS);
      // taking over is holding the writer lock; replaying the store and the stream follow
      awaitStatus(second, "starting|ok", 60);
      double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
      awaitStatus(second, "ok", 120);
      publishing.get(120, TimeUnit.SECONDS);

      awaitAtLeast(reader, tasks, 120);
      assertThat(takeoverSeconds).as("takeover after kill -9").isLessThan(10);
      assertThat(count("SELECT count(*) FROM " + schema + ".events")).isEqualTo(tasks * 3L);
      assertThat(count("SELECT count(DISTINCT event_key) FROM " + schema + ".events"))
          .isEqualTo(tasks * 3L);
      JsonNode page = json(reader.url() + "api/tasks?state=SUCCESS&limit=1");
      assertThat(page.get("total").asLong()).isEqualTo(tasks);

      // how soon a reader dashboard shows what the collector committed
      String marker = "failover-marker-" + suffix;
      long sent = System.nanoTime();
      producer.send(
          List.of(
              CODEC.encode(
                  TaskEvent.builder(marker, TaskState.STARTED)
                      .name("load.marker")
                      .timestamp(Instant.now())
                      .build())));
      while (Http.get(reader.url() + "api/task?id=" + marker).status() != 200) {
        if (System.nanoTime() - sent > TimeUnit.SECONDS.toNanos(30))
          fail("the reader never showed the marker");
        Thread.sleep(10);
      }
      double visibleMillis = (System.nanoTime() - sent) / 1e6;
      System.out.printf(
          "collector-failover: writer lock taken over %.2f s after kill -9; %d tasks, %d events, each once; reader shows a new event after %.0f ms%n",
          takeoverSeconds, tasks, tasks * 3, visibleMillis);
    }
  }

  private void publish(Transport producer, int from, int to) {
    Instant at = Instant.now().minusSeconds(600);
    List<byte[]> batch = new ArrayList<>();
    try {
      for (int i = from; i < to; i++) {
        String id = "failover-" + suffix + "-" + i;
        for (TaskState state : List.of(TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS)) {
          batch.add(
              CODEC.encode(
                  TaskEvent.builder(id, state)
                      .name("load.task")
                      .timestamp(at.plusMillis(i * 3L + state.ordinal()))
                      .build()));
        }
        if (batch.size() >= 300) {
          producer.send(batch);
          batch = new ArrayList<>();
          Thread.sleep(20); // about 15 000 events a second: the kill lands mid-stream
        }
      }
      if (!batch.isEmpty()) producer.send(batch);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private record Collector(Process process, String healthUrl, Path log) {}

  private Collector startCollector(String name) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String main = Path.of("target/classes").toAbsolutePath().toString();
    Path log = Files.createTempFile("stemtrace-collect-" + name + "-", ".log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                main + File.pathSeparator + classpath,
                StemtraceServer.class.getName(),
                "collect",
                "--transport-url",
                transportUrl,
                "--prefix",
                prefix,
                "--store-url",
                storeUrl,
                "--health-port",
                "0")
            .redirectErrorStream(true)
            .start();
    processes.add(process);
    BufferedReader output =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while ((line = output.readLine()) != null && System.nanoTime() < deadline) {
      Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
      Matcher matcher = HEALTH_LINE.matcher(line);
      if (matcher.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    String rest;
                    while ((rest = output.readLine()) != null)
                      Files.writeString(log, rest + "\n", java.nio.file.StandardOpenOption.APPEND);
                  } catch (java.io.IOException ignored) {
                    // the process ended
                  }
                },
                "collector-output-" + name);
        drain.setDaemon(true);
        drain.start();
        return new Collector(process, matcher.group(1), log);
      }
    }
    throw new AssertionError(
        "collector " + name + " never served health:\n" + Files.readString(log));
  }

  private static void awaitStatus(Collector collector, String status, int seconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String last = null;
    while (System.nanoTime() < deadline) {
      try {
        Http.Response response = Http.get(collector.healthUrl());
        last = response.text();
        if (JSON.readTree(last).get("status").asText().matches(status)) return;
      } catch (RuntimeException e) {
        last = e.toString();
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "collector health never said "
            + status
            + " (last: "
            + last
            + ")\n"
            + Files.readString(collector.log()));
  }

  private static void awaitAtLeast(StemtraceServer reader, long tasks, int seconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = json(reader.url() + "api/tasks?state=SUCCESS&limit=1").get("total").asLong();
      if (seen >= tasks) return;
      Thread.sleep(50);
    }
    throw new AssertionError("the reader shows " + seen + " finished tasks, not " + tasks);
  }

  private static JsonNode json(String url) {
    Http.Response response = Http.get(url);
    assertThat(response.status()).as(url + ": " + response.text()).isEqualTo(200);
    return response.json();
  }

  private long count(String sql) throws Exception {
    try (Connection connection = database();
        ResultSet rows = connection.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Connection database() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
  }
}
