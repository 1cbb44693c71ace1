package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.TransportContractTest.Collector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both directions against a real Python peer: kombu (Debian's python3-kombu) declaring, publishing
 * and consuming as Python stemtrace's RabbitMQ transport does
 * (src/test/resources/python/kombu_peer.py), with the real capture as the events. Skipped with a
 * message where Python or kombu is not installed.
 */
class PythonKombuInteropIT {

  private static final String PYTHON_URL =
      "amqp://guest:guest@127.0.0.1:" + RabbitMqBroker.PORT + "//";
  private static final EventCodec CODEC = EventCodec.standard();
  private static Path script;
  private static String python;

  @BeforeAll
  static void findPython() throws Exception {
    python = pythonWithKombu();
    Assumptions.assumeTrue(
        python != null,
        "Python 3 with kombu is not installed (apt-get install python3-kombu); skipping the kombu interop tests");
    script = Files.createTempFile("kombu_peer", ".py");
    try (InputStream in = PythonKombuInteropIT.class.getResourceAsStream("/python/kombu_peer.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (script != null) Files.deleteIfExists(script);
    RabbitMqBroker.deleteRegistered();
  }

  @BeforeEach
  void brokerIsThere() {
    RabbitMqBroker.require();
  }

  @Test
  void pythonPublishesTheCapture_jvmSubscriberReceivesEveryEvent() throws Exception {
    String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
    try (RabbitMqTransport transport =
        RabbitMqTransport.create(RabbitMqBroker.URL + "?consumer_id=jvm&retention=PT5S", prefix)) {
      RabbitMqBroker.deleteLater(transport.exchangeName(), transport.queueName());
      Collector collector = new Collector();
      try (Subscription subscription = transport.subscribe(collector)) {
        List<String> lines = Captures.lines(Captures.PYTHON_CANVAS);
        run(String.join("\n", lines), "publish", PYTHON_URL, prefix);

        collector.awaitCount(lines.size(), Duration.ofSeconds(20));
        assertThat(transport.rejectedMessages()).isZero();
        assertThat(decodeAll(collector.received))
            .containsExactlyElementsOf(decodeAll(bytes(lines)));
      }
    }
  }

  @Test
  void jvmPublishesTheCapture_pythonConsumerAcceptsEveryEvent() throws Exception {
    String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
    // the Python consumer's queue must exist before the JVM publishes (a fanout exchange keeps
    // nothing)
    run("", "declare", PYTHON_URL, prefix, "py", "5");
    RabbitMqBroker.deleteLater(prefix + ".events", prefix + ".events.py");
    List<byte[]> jvmPayloads = new ArrayList<>();
    for (StemtraceEvent event : decodeAll(Captures.pythonCanvas()))
      jvmPayloads.add(CODEC.encode(event));
    try (RabbitMqTransport transport =
        RabbitMqTransport.create(RabbitMqBroker.URL + "?consumer_id=jvm&retention=PT5S", prefix)) {
      transport.send(jvmPayloads);
    }
    String consumed =
        run(
            "",
            "consume",
            PYTHON_URL,
            prefix,
            "py",
            "5",
            Integer.toString(jvmPayloads.size()),
            "10");
    List<byte[]> pythonSaw = bytes(consumed.lines().filter(line -> !line.isBlank()).toList());
    assertThat(decodeAll(pythonSaw)).containsExactlyElementsOf(decodeAll(jvmPayloads));
  }

  @Test
  void queueDeclaredByPython_isRedeclaredByTheJvmWithoutPreconditionFailure() throws Exception {
    String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8);
    run("", "declare", PYTHON_URL, prefix, "shared", "86400");
    RabbitMqBroker.deleteLater(prefix + ".events", prefix + ".events.shared");
    AmqpConfig config =
        AmqpConfig.parse(URI.create(RabbitMqBroker.URL + "?consumer_id=shared"), prefix);
    try (Connection admin = RabbitMqBroker.adminConnection()) {
      Channel channel = admin.createChannel();
      // a differing argument would close the channel with PRECONDITION_FAILED here
      channel.queueDeclare(config.queueName(), true, false, false, config.queueArguments());
      channel.exchangeDeclare(config.exchangeName(), "fanout", true);
      assertThat(channel.isOpen()).isTrue();
    }
  }

  private static List<StemtraceEvent> decodeAll(List<byte[]> payloads) {
    List<StemtraceEvent> events = new ArrayList<>();
    for (byte[] payload : payloads) {
      DecodeResult result = CODEC.decode(payload);
      assertThat(result)
          .as(new String(payload, StandardCharsets.UTF_8))
          .isInstanceOf(DecodeResult.Decoded.class);
      events.add(((DecodeResult.Decoded) result).event());
    }
    return events;
  }

  private static List<byte[]> bytes(List<String> lines) {
    return lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
  }

  private static String run(String input, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(python, script.toString()));
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String output;
    try (InputStream stdout = process.getInputStream()) {
      output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("kombu peer " + String.join(" ", arguments) + " failed: " + output);
    }
    return output;
  }

  private static String pythonWithKombu() {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      try {
        Process process =
            new ProcessBuilder(candidate, "-c", "import kombu").redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) return candidate;
      } catch (IOException | InterruptedException e) {
        // try the next one
      }
    }
    return null;
  }
}
