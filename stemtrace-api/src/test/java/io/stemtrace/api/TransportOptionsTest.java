package io.stemtrace.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportOptionsTest {

  private static TransportOptions parse(String url) {
    return TransportOptions.parse(
        URI.create(url), "test", List.of("timeout", "tls", "count", "mode"));
  }

  @Test
  void durations_oneGrammarForEveryAdapterAndTheCommandLine() {
    assertThat(TransportOptions.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
    assertThat(TransportOptions.parseDuration("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThat(TransportOptions.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(TransportOptions.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(TransportOptions.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(TransportOptions.parseDuration("8H")).isEqualTo(Duration.ofHours(8));
    assertThat(TransportOptions.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(TransportOptions.parseDuration("0.25h")).isEqualTo(Duration.ofMinutes(15));
    assertThat(TransportOptions.parseDuration("PT24H")).isEqualTo(Duration.ofHours(24));
    assertThat(TransportOptions.parseDuration("pt1.5s")).isEqualTo(Duration.ofMillis(1500));
    for (String bad : List.of("", "soon", "-1", "-PT1S", "1.5.2", "3w", "ms", "1e3")) {
      assertThatThrownBy(() -> TransportOptions.parseDuration(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void booleans_acceptTheUsualWords_inAnyCase() {
    for (String yes : List.of("true", "YES", "on", "1"))
      assertThat(TransportOptions.parseBoolean(yes)).isTrue();
    for (String no : List.of("false", "No", "OFF", "0"))
      assertThat(TransportOptions.parseBoolean(no)).isFalse();
    assertThatThrownBy(() -> TransportOptions.parseBoolean("maybe"))
        .hasMessageContaining("'maybe'");
  }

  @Test
  void options_readWithDefaults_andEveryMistakeNamed() {
    TransportOptions options = parse("x://h?timeout=1.5&TLS=yes&count=7&mode=Each");
    assertThat(options.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(options.bool("tls", false)).isTrue();
    assertThat(options.number("count", 1, 0)).isEqualTo(7);
    assertThat(options.choice("mode", List.of("batch", "each"), "batch")).isEqualTo("each");
    assertThat(parse("x://h").duration("timeout", Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));

    assertThatThrownBy(() -> parse("x://h?colour=red"))
        .hasMessage("unknown test transport option 'colour' (known: count, mode, timeout, tls)");
    assertThatThrownBy(() -> parse("x://h?timeout="))
        .hasMessage("test option timeout has no value");
    assertThatThrownBy(() -> parse("x://h?timeout=1&timeout=2"))
        .hasMessage("test option timeout is given twice");
    assertThatThrownBy(() -> parse("x://h?timeout=soon").duration("timeout", null))
        .hasMessageStartingWith("test option timeout must be a duration");
    assertThatThrownBy(() -> parse("x://h?count=0").number("count", 1, 5))
        .hasMessage("test option count < 1: 0");
    assertThatThrownBy(() -> parse("x://h?count=lots").number("count", 1, 5))
        .hasMessageContaining("whole number");
    assertThatThrownBy(
            () -> parse("x://h?mode=all").choice("mode", List.of("batch", "each"), "batch"))
        .hasMessage("test option mode must be batch or each, got 'all'");
  }

  @Test
  void redact_masksPasswords_andLoneSecrets_butNothingElse() {
    assertThat(TransportOptions.redact("amqp://guest:s3cret@host:5672/%2F?x=1"))
        .isEqualTo("amqp://guest:***@host:5672/%2F?x=1");
    assertThat(TransportOptions.redact("redis://s3cret@host")).isEqualTo("redis://***@host");
    assertThat(TransportOptions.redact("redis://host:6379/0")).isEqualTo("redis://host:6379/0");
    assertThat(TransportOptions.redact(URI.create("rediss://user:p%40ss@h")))
        .isEqualTo("rediss://user:***@h");
    assertThat(TransportOptions.redact("not a url: a:b@c")).isEqualTo("not a url: a:b@c");
  }
}
