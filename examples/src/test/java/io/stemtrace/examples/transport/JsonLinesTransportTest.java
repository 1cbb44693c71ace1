package io.stemtrace.examples.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.TransportContractTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example transport passes the same contract kit as the built-in ones. */
class JsonLinesTransportTest extends TransportContractTest {

  @TempDir static Path directory;

  @Override
  protected Transport newTransport(String prefix) {
    return Transports.open("jsonl://" + directory, prefix);
  }

  @Test
  void open_jsonlScheme_isFoundThroughServiceLoader() {
    try (Transport transport = Transports.open("jsonl://" + directory, "found")) {
      assertThat(transport).isInstanceOf(JsonLinesTransport.class);
      assertThat(transport.describe()).endsWith("found.events.jsonl");
    }
  }

  @Test
  void open_badUrlOrOption_failsNamingIt() {
    assertThatThrownBy(() -> Transports.open("jsonl://host/dir", "p"))
        .hasMessageContaining("absolute directory");
    assertThatThrownBy(() -> Transports.open("jsonl://" + directory + "?colour=red", "p"))
        .hasMessageContaining("colour");
  }

  @Test
  void subscribe_lineWrittenInTwoParts_isDeliveredOnceComplete() throws Exception {
    String prefix = freshPrefix();
    Transport transport = open(prefix);
    Collector collector = new Collector();
    var subscription = transport.subscribe(collector);
    Path file = directory.resolve(prefix + ".events.jsonl");
    Files.writeString(file, "{\"task_id\":\"half", StandardCharsets.UTF_8);
    Thread.sleep(100);
    assertThat(collector.received).isEmpty();
    assertThat(subscription.lag()).hasValue(0); // half a line is not an event yet
    Files.writeString(
        file, "-done\"}\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    collector.awaitCount(1, Duration.ofSeconds(5));
    assertThat(collector.strings()).containsExactly("{\"task_id\":\"half-done\"}");
    assertThat(subscription.lag()).hasValue(0);
    subscription.close();
  }

  @Test
  void send_payloadWithRawNewline_isRefused() throws Exception {
    Transport transport = open(freshPrefix());
    assertThatThrownBy(() -> transport.send(List.of("{\n}".getBytes(StandardCharsets.UTF_8))))
        .hasMessageContaining("newline");
  }
}
