package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.Captures;
import io.stemtrace.ui.Http;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server over real Redis and RabbitMQ that are, or become, unreachable: {@code
 * /api/health} says {@code degraded} with the broker (no password), since when and the last error
 * (200, or 503 with {@code --health-degraded-status 503}), and {@code ok} again once the broker is
 * back; an AMQP broker down at start is retried instead of failing the start, and a refused login
 * is a one-line error with exit code 2.
 */
class BrokerConnectivityIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PASSWORD = "pw-never-shown";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
  }

  private String serve(String transportUrl, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "server",
                "--transport-url",
                transportUrl,
                "--prefix",
                "conn-" + UUID.randomUUID().toString().substring(0, 8),
                "--port",
                "0"));
    args.addAll(List.of(extra));
    StemtraceServer server = StemtraceServer.start(CliOptions.parse(args, Map.of()));
    toClose.add(server);
    return server.url() + "api/health";
  }

  private static Http.Response awaitHealth(String url, Predicate<JsonNode> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Http.Response response = Http.get(url);
    while (!condition.test(response.json()) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      response = Http.get(url);
    }
    assertThat(condition.test(response.json()))
        .as("health within %s: %s", WAIT, response.text())
        .isTrue();
    return response;
  }

  private static boolean degradedWithError(JsonNode health) {
    return health.get("status").asText().equals("degraded") && !health.get("last_error").isNull();
  }

  private static boolean ok(JsonNode health) {
    return health.get("status").asText().equals("ok");
  }

  /** The degraded health document: broker without password, an instant, one line of error. */
  private static void assertDegraded(JsonNode health, String hostPort, Instant notBefore) {
    assertThat(health.get("consumer_running").asBoolean()).isTrue();
    assertThat(health.get("consumer_connected").asBoolean()).isFalse();
    assertThat(health.get("transport").asText()).contains(hostPort).doesNotContain(PASSWORD);
    Instant since = Instant.parse(health.get("disconnected_since").asText());
    assertThat(since).isBetween(notBefore.minusSeconds(1), Instant.now());
    String error = health.get("last_error").asText();
    assertThat(error)
        .contains(hostPort)
        .doesNotContain(PASSWORD)
        .doesNotContain("\n")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  @Test
  void redisUnreachableAtStart_healthIsDegradedWith200_byDefault() throws Exception {
    int closed = TcpForwarder.freePort();
    Instant before = Instant.now();
    String health = serve("redis://:" + PASSWORD + "@127.0.0.1:" + closed + "/0?timeout=PT1S");

    Http.Response response = awaitHealth(health, BrokerConnectivityIT::degradedWithError);
    assertThat(response.status()).isEqualTo(200);
    assertDegraded(response.json(), "127.0.0.1:" + closed, before);
    assertThat(response.json().get("last_error").asText())
        .startsWith("cannot connect to redis://127.0.0.1:" + closed);
  }

  @Test
  void redisUnreachable_withDegradedStatus503_answers503WithTheSameDocument() throws Exception {
    int closed = TcpForwarder.freePort();
    Instant before = Instant.now();
    String health =
        serve("redis://127.0.0.1:" + closed + "/0?timeout=PT1S", "--health-degraded-status", "503");

    Http.Response response = awaitHealth(health, BrokerConnectivityIT::degradedWithError);
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.header("content-type")).isEqualTo("application/json");
    assertDegraded(response.json(), "127.0.0.1:" + closed, before);
  }

  @Test
  void redisKilledMidRun_degradedSinceTheKill_thenOkAndConsumingWhenItIsBack(@TempDir Path dir)
      throws Exception {
    PrivateRedis redis = PrivateRedis.start(dir);
    toClose.add(redis);
    String health = serve(redis.url() + "?timeout=PT1S", "--health-degraded-status", "503");
    Http.Response connected = awaitHealth(health, h -> h.get("consumer_connected").asBoolean());
    assertThat(connected.status()).isEqualTo(200);
    assertThat(connected.json().get("status").asText()).isEqualTo("ok");
    assertThat(connected.json().get("disconnected_since").isNull()).isTrue();
    assertThat(connected.json().get("last_error").isNull()).isTrue();

    Instant killed = Instant.now();
    redis.kill();
    Http.Response down = awaitHealth(health, BrokerConnectivityIT::degradedWithError);
    assertThat(down.status()).isEqualTo(503);
    assertDegraded(down.json(), "127.0.0.1:" + redis.port(), killed);

    redis.start();
    Http.Response back = awaitHealth(health, BrokerConnectivityIT::ok);
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.json().get("consumer_connected").asBoolean()).isTrue();
    assertThat(back.json().get("last_error").isNull()).isTrue();
    // and it consumes again: an event sent to the restarted broker is applied
    String transport = back.json().get("transport").asText(); // "redis://... stream P:events"
    String streamPrefix =
        transport.substring(transport.indexOf("stream ") + 7, transport.lastIndexOf(':'));
    try (Transport producer = Transports.open(redis.url(), streamPrefix)) {
      producer.send(List.of(Captures.pythonCanvas().get(0)));
    }
    awaitHealth(health, h -> h.get("events_applied").asLong() >= 1);
  }

  @Test
  void amqpBrokerDownAtStart_serverStartsAndRetries_andConsumesOnceItIsReachable()
      throws Exception {
    Brokers.require("RabbitMQ", Brokers.RABBITMQ_PORT);
    TcpForwarder forwarder = TcpForwarder.to(Brokers.RABBITMQ_PORT);
    toClose.add(forwarder);
    Instant before = Instant.now();
    // nothing listens on the forwarder's port yet: the start must not fail
    String health =
        serve(
            "amqp://guest:guest@127.0.0.1:" + forwarder.port() + "/?retention=PT10S",
            "--health-degraded-status",
            "503");

    Http.Response down = awaitHealth(health, BrokerConnectivityIT::degradedWithError);
    assertThat(down.status()).isEqualTo(503);
    assertDegraded(down.json(), "127.0.0.1:" + forwarder.port(), before);
    assertThat(down.json().get("transport").asText()).doesNotContain("guest:guest");

    forwarder.open();
    Http.Response up = awaitHealth(health, BrokerConnectivityIT::ok);
    assertThat(up.status()).isEqualTo(200);
    assertThat(up.json().get("consumer_connected").asBoolean()).isTrue();

    // cut mid-run: degraded again (the client's automatic recovery retries), then ok
    Instant cut = Instant.now();
    forwarder.shut();
    Http.Response lost = awaitHealth(health, h -> h.get("status").asText().equals("degraded"));
    assertThat(lost.status()).isEqualTo(503);
    assertThat(Instant.parse(lost.json().get("disconnected_since").asText()))
        .isAfterOrEqualTo(cut.minusSeconds(1));
    forwarder.open();
    awaitHealth(health, BrokerConnectivityIT::ok);
  }

  @Test
  void amqpWrongPort_healthIsDegradedWithTheReason() throws Exception {
    int closed = TcpForwarder.freePort();
    Instant before = Instant.now();
    String health = serve("amqp://guest:" + PASSWORD + "@127.0.0.1:" + closed + "/");

    Http.Response response = awaitHealth(health, BrokerConnectivityIT::degradedWithError);
    assertThat(response.status()).isEqualTo(200);
    assertDegraded(response.json(), "127.0.0.1:" + closed, before);
    assertThat(response.json().get("last_error").asText()).contains("Connection refused");
  }

  @Test
  void amqpRefusedLogin_cliExits2_withOneLineAndNoPassword() {
    Brokers.require("RabbitMQ", Brokers.RABBITMQ_PORT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        StemtraceServer.run(
            new String[] {
              "server",
              "--transport-url",
              "amqp://guest:" + PASSWORD + "@127.0.0.1:" + Brokers.RABBITMQ_PORT + "/",
              "--port",
              "0"
            },
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as("exit code; printed: %s", printed).isEqualTo(2);
    assertThat(printed.strip()).doesNotContain("\n");
    assertThat(printed)
        .startsWith("stemtrace: ")
        .contains("login refused by amqp://127.0.0.1:" + Brokers.RABBITMQ_PORT)
        .doesNotContain(PASSWORD)
        .doesNotContain("Exception");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("ready");
  }
}
