package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.ui.Http;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone server's start-up paths: exit codes and the one-line errors. */
class StemtraceServerTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return StemtraceServer.run(
        args,
        Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void badFlag_exits2WithOneLine() {
    assertThat(run("server", "--transport-url", "memory://x", "--port", "nope")).isEqualTo(2);
    assertThat(err()).startsWith("stemtrace: --port must be a number").hasLineCount(1);
  }

  @Test
  void unknownScheme_exits2ListingSchemesFound() {
    assertThat(run("server", "--transport-url", "kafka://localhost:9092", "--port", "0"))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("stemtrace: unknown transport scheme 'kafka'")
        .contains("memory")
        .hasLineCount(1);
  }

  @Test
  void unknownStoreScheme_exits2ListingSchemesFound_withoutThePassword() {
    assertThat(
            run(
                "server",
                "--transport-url",
                "memory://store-scheme",
                "--store-url",
                "cassandra://u:secret@h/ks",
                "--port",
                "0"))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("stemtrace: unknown store scheme 'cassandra'")
        .contains("memory")
        .doesNotContain("secret")
        .hasLineCount(1);
  }

  @Test
  void portInUse_exits2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(
              run(
                  "server",
                  "--transport-url",
                  "memory://port-in-use",
                  "--port",
                  String.valueOf(taken.getLocalPort())))
          .isEqualTo(2);
      assertThat(err())
          .startsWith("stemtrace: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("the port is in use")
          .hasLineCount(1);
    }
  }

  @Test
  void unknownHost_exits2() {
    assertThat(
            run(
                "server",
                "--transport-url",
                "memory://unknown-host",
                "--host",
                "no-such-host.invalid",
                "--port",
                "0"))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("stemtrace: cannot listen on no-such-host.invalid: unknown host")
        .hasLineCount(1);
  }

  @Test
  void help_printsUsageAndExits0() {
    assertThat(run("server", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: ./stemtrace server");
  }

  @Test
  void importFile_isLoadedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    io.stemtrace.core.graph.InMemoryGraphStore source =
        io.stemtrace.core.graph.InMemoryGraphStore.create();
    io.stemtrace.core.EventConsumer.builder(source)
        .build()
        .acceptEvents(io.stemtrace.testing.CaptureExpectations.pythonCanvasEvents());
    String root = "2286e677-e9ff-4278-acff-9970fcbfd019";
    java.nio.file.Path file = dir.resolve("bug.json");
    java.nio.file.Files.write(
        file,
        io.stemtrace.core.export.WorkflowExport.toBytes(
            root,
            java.time.Instant.now(),
            io.stemtrace.core.export.WorkflowExport.collect(source, root).orElseThrow()));

    try (StemtraceServer server =
        StemtraceServer.start(
            new CliOptions(
                CliOptions.Command.SERVER,
                "memory://import-at-start",
                "stemtrace",
                "127.0.0.1",
                0,
                1000,
                false,
                file.toString()))) {
      assertThat(server.imported().rootIds()).containsExactly(root);
      assertThat(Http.get(server.url() + "api/graphs/" + root).json().get("nodes")).hasSize(3);
    }
  }

  @Test
  void importedLine_countsInTheSingularForOne() {
    assertThat(
            StemtraceServer.importedLine(
                new io.stemtrace.core.export.WorkflowExport.ImportResult(1, 0, List.of("wf")),
                "bug.json"))
        .isEqualTo("stemtrace: imported 1 event from bug.json (0 rejected), workflow [wf]");
    assertThat(
            StemtraceServer.importedLine(
                new io.stemtrace.core.export.WorkflowExport.ImportResult(23, 2, List.of("a", "b")),
                "bug.json"))
        .isEqualTo("stemtrace: imported 23 events from bug.json (2 rejected), workflows [a, b]");
  }

  @Test
  void importFile_missingOrInvalid_exits2WithOneLine(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    assertThat(
            run(
                "server",
                "--transport-url",
                "memory://import-missing",
                "--port",
                "0",
                "--import",
                dir.resolve("missing.json").toString()))
        .isEqualTo(2);
    assertThat(err())
        .startsWith("stemtrace: cannot import ")
        .contains("no such file")
        .hasLineCount(1);

    java.nio.file.Path bad = dir.resolve("bad.json");
    java.nio.file.Files.writeString(bad, "{\"format\":\"other\"}");
    err.reset();
    assertThat(
            run(
                "server",
                "--transport-url",
                "memory://import-bad",
                "--port",
                "0",
                "--import",
                bad.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("\"format\" must be \"stemtrace-export\"").hasLineCount(1);
  }

  @Test
  void start_servesApiAtRootOfAFreePort() {
    try (StemtraceServer server =
        StemtraceServer.start(
            new CliOptions(
                CliOptions.Command.SERVER,
                "memory://server-start-test",
                "stemtrace",
                "127.0.0.1",
                0,
                1000,
                false))) {
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
      assertThat(Http.get(server.url() + "api/health").json().get("consumer_running").asBoolean())
          .isTrue();
    }
  }

  @Test
  void partialRequestHeaders_areCutOffAfterTheHeaderTimeout() throws Exception {
    try (StemtraceServer server =
            StemtraceServer.start(
                new CliOptions(
                    CliOptions.Command.SERVER,
                    "memory://slow-headers-" + java.util.UUID.randomUUID(),
                    "stemtrace",
                    "127.0.0.1",
                    0,
                    1000,
                    false));
        java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port())) {
      // a slowloris client: a request line and one header, then nothing
      slow.getOutputStream()
          .write(
              "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      slow.setSoTimeout((int) StemtraceServer.REQUEST_HEADER_TIMEOUT.plusSeconds(20).toMillis());
      long started = System.nanoTime();
      int read;
      try {
        read = slow.getInputStream().read();
      } catch (java.net.SocketException reset) {
        read = -1;
      }
      long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(read)
          .as("the server closed the connection (after " + waitedMillis + " ms)")
          .isEqualTo(-1);
      // and it still serves others
      assertThat(Http.get(server.url() + "api/health").status()).isEqualTo(200);
    }
  }

  @Test
  void anomalyThresholds_fromTheCommandLine_decideWhatIsStuck() throws Exception {
    // the same 10-minute-old PENDING task on two servers: stuck after the default 5 minutes, not
    // after 1 hour
    String strict = "memory://thresholds-default-" + java.util.UUID.randomUUID();
    String lenient = "memory://thresholds-lenient-" + java.util.UUID.randomUUID();
    byte[] pending =
        EventCodec.standard()
            .encode(
                io.stemtrace.api.TaskEvent.builder(
                        "waiting-task", io.stemtrace.api.TaskState.PENDING)
                    .name("billing.tasks.charge")
                    .timestamp(java.time.Instant.now().minus(java.time.Duration.ofMinutes(10)))
                    .build());
    try (StemtraceServer byDefault =
            StemtraceServer.start(
                CliOptions.parse(
                    java.util.List.of("server", "--transport-url", strict, "--port", "0"),
                    Map.of()));
        StemtraceServer patient =
            StemtraceServer.start(
                CliOptions.parse(
                    java.util.List.of(
                        "server",
                        "--transport-url",
                        lenient,
                        "--port",
                        "0",
                        "--stuck-pending-after",
                        "1h"),
                    Map.of("STEMTRACE_STUCK_STARTED_AFTER", "2h")));
        io.stemtrace.api.Transport toDefault = Transports.open(strict, "stemtrace");
        io.stemtrace.api.Transport toPatient = Transports.open(lenient, "stemtrace")) {
      toDefault.send(java.util.List.of(pending));
      toPatient.send(java.util.List.of(pending));
      String stuck = "api/anomalies?type=STUCK_PENDING";
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (Http.get(byDefault.url() + stuck).json().get("total").asInt() == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(
              Http.get(byDefault.url() + stuck)
                  .json()
                  .get("anomalies")
                  .get(0)
                  .get("task_id")
                  .asText())
          .isEqualTo("waiting-task");
      // the other server has the task, and its detector has had the same time to look at it
      assertThat(Http.get(patient.url() + "api/tasks/waiting-task").status()).isEqualTo(200);
      Thread.sleep(1_500);
      assertThat(Http.get(patient.url() + stuck).json().get("total").asInt()).isZero();
    }
  }
}
