package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisTransportConfigTest {

  private static RedisTransportConfig parse(String url) {
    return RedisTransportConfig.parse(URI.create(url), "stemtrace");
  }

  @Test
  void parse_plainUrl_usesDefaults() {
    RedisTransportConfig config = parse("redis://localhost");
    assertThat(config.host()).isEqualTo("localhost");
    assertThat(config.port()).isEqualTo(6379);
    assertThat(config.database()).isZero();
    assertThat(config.tls()).isFalse();
    assertThat(config.password()).isNull();
    assertThat(config.streamKey()).isEqualTo("stemtrace:events");
    assertThat(config.maxlen()).isEqualTo(100_000);
    assertThat(config.retention()).isNull();
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.start()).isEqualTo("0-0");
    assertThat(config.quietReplies()).isTrue();
    assertThat(parse("redis://localhost?replies=each").quietReplies()).isFalse();
    assertThat(parse("redis://localhost?replies=batch").quietReplies()).isTrue();
  }

  @Test
  void parse_fullUrl_readsCredentialsDatabaseTlsAndOptions() {
    RedisTransportConfig config =
        RedisTransportConfig.parse(
            URI.create(
                "rediss://alice:s%40cret@cache.example:6380/3?maxlen=5000&retention=PT24H&timeout=PT2.5S&start=$&verifypeer=false"),
            "shop");
    assertThat(config.tls()).isTrue();
    assertThat(config.host()).isEqualTo("cache.example");
    assertThat(config.port()).isEqualTo(6380);
    assertThat(config.database()).isEqualTo(3);
    assertThat(config.username()).isEqualTo("alice");
    assertThat(new String(config.password())).isEqualTo("s@cret");
    assertThat(config.streamKey()).isEqualTo("shop:events");
    assertThat(config.maxlen()).isEqualTo(5000);
    assertThat(config.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.start()).isEqualTo("$");
    assertThat(config.verifyPeer()).isFalse();
  }

  @Test
  void parse_passwordOnlyForms_meanAPassword() {
    assertThat(new String(parse("redis://:pw@h").password())).isEqualTo("pw");
    assertThat(parse("redis://:pw@h").username()).isNull();
    assertThat(new String(parse("redis://pw@h").password())).isEqualTo("pw");
  }

  @Test
  void parse_startValues_areNormalised() {
    assertThat(parse("redis://h?start=0-0").start()).isEqualTo("0-0");
    assertThat(parse("redis://h?start=1700000000000-7").start()).isEqualTo("1700000000000-7");
    assertThat(parse("redis://h?start=1700000000000").start()).isEqualTo("1700000000000-0");
  }

  @Test
  void parse_timeoutInSeconds_andBlockTimeStaysBelowIt() {
    RedisTransportConfig config = parse("redis://h?timeout=0.4");
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(400));
    assertThat(config.blockTime()).isEqualTo(Duration.ofMillis(200));
    assertThat(parse("redis://h").blockTime()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void parse_ipv6Host_isUnbracketed_andShownBracketed() {
    RedisTransportConfig config = parse("redis://[::1]:6390/2");
    assertThat(config.host()).isEqualTo("::1");
    assertThat(config.safeUrl()).isEqualTo("redis://[::1]:6390/2");
  }

  @Test
  void parse_badInput_failsNamingTheProblem() {
    assertThatThrownBy(() -> parse("redis://h?colour=red"))
        .hasMessageContaining("unknown redis transport option 'colour'");
    assertThatThrownBy(() -> parse("redis://h?maxlen=lots")).hasMessageContaining("maxlen");
    assertThatThrownBy(() -> parse("redis://h?maxlen=-1")).hasMessageContaining("maxlen < 0");
    assertThatThrownBy(() -> parse("redis://h?retention=yesterday"))
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> parse("redis://h?retention=PT0S")).hasMessageContaining("retention");
    assertThatThrownBy(() -> parse("redis://h?timeout=-PT1S")).hasMessageContaining("timeout");
    assertThatThrownBy(() -> parse("redis://h?start=latest")).hasMessageContaining("start");
    assertThatThrownBy(() -> parse("redis://h?verifypeer=maybe"))
        .hasMessageContaining("verifypeer");
    assertThatThrownBy(() -> parse("redis://h?replies=none"))
        .hasMessage("redis option replies must be batch or each, got 'none'");
    assertThatThrownBy(() -> parse("redis://h/zero")).hasMessageContaining("database number");
    assertThatThrownBy(() -> parse("redis:///0")).hasMessageContaining("needs a host");
    assertThatThrownBy(() -> parse("http://h")).hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisTransportConfig.parse(URI.create("redis://h"), ""))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> RedisTransportConfig.parse(URI.create("redis://h"), null))
        .hasMessageContaining("prefix == null");
  }

  @Test
  void describe_neverShowsThePassword() {
    try (Transport transport =
        Transports.open("redis://alice:hunter2@localhost:6379/1?timeout=PT1S", "p")) {
      assertThat(transport).isInstanceOf(RedisTransport.class);
      assertThat(transport.describe())
          .isEqualTo("redis://localhost:6379/1 stream p:events")
          .doesNotContain("hunter2");
    }
    assertThat(parse("redis://:hunter2@h").toString()).doesNotContain("hunter2");
  }

  @Test
  void open_redissScheme_isFoundThroughServiceLoader() {
    try (Transport transport = Transports.open("rediss://localhost:6380", "p")) {
      assertThat(transport.describe()).startsWith("rediss://localhost:6380/0");
    }
  }

  @Test
  void streamIds_compareNumerically() {
    assertThat(StreamIds.compare("10-0", "9-5")).isPositive();
    assertThat(StreamIds.compare("10-2", "10-10")).isNegative();
    assertThat(StreamIds.compare("10", "10-0")).isZero();
    assertThat(StreamIds.minIdAt(1234)).isEqualTo("1234-0");
  }

  @Test
  void backoff_doublesUpToTheCap_andResets() {
    Backoff backoff = new Backoff();
    assertThat(backoff.nextDelayMillis()).isEqualTo(100);
    assertThat(backoff.nextDelayMillis()).isEqualTo(200);
    for (int i = 0; i < 10; i++) backoff.nextDelayMillis();
    assertThat(backoff.nextDelayMillis()).isEqualTo(5_000);
    backoff.reset();
    assertThat(backoff.nextDelayMillis()).isEqualTo(100);
  }
}
