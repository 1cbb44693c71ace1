package io.stemtrace.transport.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpConfigTest {

  @Test
  void parse_fullUrl_readsCredentialsVhostAndOptions() {
    AmqpConfig config =
        AmqpConfig.parse(
            URI.create(
                "amqp://user:p%40ss@broker:5673/%2F"
                    + "?consumer_id=dash1&retention=PT2H&confirms=false&prefetch=250&confirm_timeout=PT1S"),
            "stemtrace");
    assertThat(config.host()).isEqualTo("broker");
    assertThat(config.port()).isEqualTo(5673);
    assertThat(config.virtualHost()).isEqualTo("/");
    assertThat(config.username()).isEqualTo("user");
    assertThat(config.password()).isEqualTo("p@ss");
    assertThat(config.consumerId()).isEqualTo("dash1");
    assertThat(config.retention()).isEqualTo(Duration.ofHours(2));
    assertThat(config.confirms()).isFalse();
    assertThat(config.prefetch()).isEqualTo(250);
    assertThat(config.confirmTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.tls()).isFalse();
  }

  @Test
  void parse_minimalUrl_usesDefaults() {
    AmqpConfig config = AmqpConfig.parse(URI.create("amqp://localhost"), "stemtrace");
    assertThat(config.port()).isEqualTo(5672);
    assertThat(config.virtualHost()).isEqualTo("/");
    assertThat(config.username()).isEqualTo("guest");
    assertThat(config.password()).isEqualTo("guest");
    assertThat(config.consumerId()).isEqualTo(AmqpConfig.hostName()).isNotBlank();
    assertThat(config.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(config.confirms()).isTrue();
    assertThat(config.prefetch()).isEqualTo(1_000);
    assertThat(config.confirmTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void parse_emptyPathMeansDefaultVhost_asInKombu() {
    assertThat(AmqpConfig.parse(URI.create("amqp://h/"), "p").virtualHost()).isEqualTo("/");
    assertThat(AmqpConfig.parse(URI.create("amqp://h/prod"), "p").virtualHost()).isEqualTo("prod");
    assertThat(AmqpConfig.parse(URI.create("amqp://h/a%2Fb"), "p").virtualHost()).isEqualTo("a/b");
  }

  @Test
  void parse_amqps_usesTlsAndPort5671() {
    AmqpConfig config = AmqpConfig.parse(URI.create("amqps://secure.example"), "p");
    assertThat(config.tls()).isTrue();
    assertThat(config.port()).isEqualTo(5671);
    assertThat(config.safeUrl()).isEqualTo("amqps://secure.example:5671/%2F");
  }

  @Test
  void names_followPythonStemtrace() {
    AmqpConfig config =
        AmqpConfig.parse(URI.create("amqp://h?consumer_id=web-1&retention=86400"), "stemtrace");
    assertThat(config.exchangeName()).isEqualTo("stemtrace.events");
    assertThat(config.queueName()).isEqualTo("stemtrace.events.web-1");
    // Python: ttl_ms = max(ttl, 1) * 1000; x-expires = ttl_ms + 60 000
    assertThat(config.queueArguments())
        .isEqualTo(Map.of("x-message-ttl", 86_400_000L, "x-expires", 86_460_000L));
  }

  @Test
  void normalizePrefix_sameAsPython() {
    assertThat(AmqpConfig.normalizePrefix("  /team/app/ ")).isEqualTo("team.app");
    assertThat(AmqpConfig.normalizePrefix("//")).isEqualTo("stemtrace");
    assertThat(AmqpConfig.normalizePrefix("plain")).isEqualTo("plain");
  }

  @Test
  void parse_badOptions_failNamingTheOption() {
    assertThatThrownBy(() -> parse("amqp://h?colour=red"))
        .hasMessageContaining("unknown AMQP transport option 'colour'")
        .hasMessageContaining("consumer_id");
    assertThatThrownBy(() -> parse("amqp://h?prefetch=many")).hasMessageContaining("prefetch");
    assertThatThrownBy(() -> parse("amqp://h?prefetch=0")).hasMessageContaining("prefetch");
    assertThatThrownBy(() -> parse("amqp://h?retention=soon")).hasMessageContaining("retention");
    assertThatThrownBy(() -> parse("amqp://h?retention=PT0.5S"))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> parse("amqp://h?confirms=maybe")).hasMessageContaining("confirms");
    assertThatThrownBy(() -> parse("amqp://h?confirm_timeout=PT0S"))
        .hasMessageContaining("confirm_timeout");
    assertThatThrownBy(() -> parse("amqp://h?consumer_id=")).hasMessageContaining("consumer_id");
    assertThatThrownBy(() -> parse("amqp://h/a/b")).hasMessageContaining("one segment");
    assertThatThrownBy(() -> parse("amqp:///vhost")).hasMessageContaining("no host");
  }

  @Test
  void passwordNeverAppearsInDescriptionsOrErrors() {
    AmqpConfig config =
        AmqpConfig.parse(URI.create("amqp://admin:s3cret@h:5672/%2F?consumer_id=x"), "p");
    assertThat(config.safeUrl()).isEqualTo("amqp://h:5672/%2F");
    assertThat(config.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> parse("amqp://admin:s3cret@/vhost"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    try (Transport transport = Transports.open("amqp://admin:s3cret@h:5672/%2F", "p")) {
      assertThat(transport.describe()).doesNotContain("s3cret");
      assertThat(transport.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void open_amqpSchemes_areFoundThroughServiceLoader_withoutConnecting() {
    try (Transport plain = Transports.open("amqp://nowhere.invalid", "p");
        Transport tls = Transports.open("AMQPS://nowhere.invalid", "p")) {
      assertThat(plain).isInstanceOf(RabbitMqTransport.class);
      assertThat(tls).isInstanceOf(RabbitMqTransport.class);
    }
  }

  private static AmqpConfig parse(String url) {
    return AmqpConfig.parse(URI.create(url), "p");
  }
}
