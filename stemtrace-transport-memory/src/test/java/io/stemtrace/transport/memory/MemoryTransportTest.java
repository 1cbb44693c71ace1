package io.stemtrace.transport.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.testing.TransportContractTest;
import org.junit.jupiter.api.Test;

class MemoryTransportTest extends TransportContractTest {

  @Override
  protected Transport newTransport(String prefix) {
    return Transports.open("memory://contract", prefix);
  }

  @Test
  void open_memoryScheme_isFoundThroughServiceLoader() {
    try (Transport transport = Transports.open("memory://demo", "stemtrace")) {
      assertThat(transport).isInstanceOf(MemoryTransport.class);
      assertThat(transport.describe()).contains("memory://demo");
    }
  }

  @Test
  void open_unknownScheme_listsTheSchemesFound() {
    assertThatThrownBy(() -> Transports.open("kafka://localhost:9092", "stemtrace"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown transport scheme 'kafka'")
        .hasMessageContaining("memory");
  }

  @Test
  void open_badOptions_failWithTheOptionNamed() {
    assertThatThrownBy(() -> Transports.open("memory://x?buffer=zero", "p"))
        .hasMessageContaining("buffer");
    assertThatThrownBy(() -> Transports.open("memory://x?colour=red", "p"))
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> Transports.open("memory:///", "p"))
        .hasMessageContaining("needs a name");
  }

  @Test
  void channels_areSeparatedByNameAndPrefix() throws Exception {
    try (Transport a = Transports.open("memory://one", "p");
        Transport b = Transports.open("memory://two", "p");
        Transport c = Transports.open("memory://one", "q")) {
      Collector collector = new Collector();
      var subscription = a.subscribe(collector);
      b.send(payloads(5));
      c.send(payloads(5));
      a.send(payloads(1));
      collector.awaitCount(1, java.time.Duration.ofSeconds(5));
      Thread.sleep(100);
      assertThat(collector.strings()).hasSize(1);
      subscription.close();
    }
  }
}
