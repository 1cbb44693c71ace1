package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone server's start-up paths: exit codes and the one-line errors. */
class StemtraceServerTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(String... args) {
    return StemtraceServer.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
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
    assertThat(run("server", "--transport-url", "kafka://localhost:9092", "--port", "0")).isEqualTo(2);
    assertThat(err()).startsWith("stemtrace: unknown transport scheme 'kafka'").contains("memory").hasLineCount(1);
  }

  @Test
  void portInUse_exits2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(run("server", "--transport-url", "memory://port-in-use", "--port",
          String.valueOf(taken.getLocalPort()))).isEqualTo(2);
      assertThat(err()).startsWith("stemtrace: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("the port is in use").hasLineCount(1);
    }
  }

  @Test
  void unknownHost_exits2() {
    assertThat(run("server", "--transport-url", "memory://unknown-host", "--host", "no-such-host.invalid",
        "--port", "0")).isEqualTo(2);
    assertThat(err()).startsWith("stemtrace: cannot listen on no-such-host.invalid: unknown host").hasLineCount(1);
  }

  @Test
  void help_printsUsageAndExits0() {
    assertThat(run("server", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: ./stemtrace server");
  }

  @Test
  void start_servesApiAtRootOfAFreePort() {
    try (StemtraceServer server = StemtraceServer.start(new CliOptions(CliOptions.Command.SERVER,
        "memory://server-start-test", "stemtrace", "127.0.0.1", 0, 1000, false))) {
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
      assertThat(Http.get(server.url() + "api/health").json().get("consumer_running").asBoolean()).isTrue();
    }
  }
}
