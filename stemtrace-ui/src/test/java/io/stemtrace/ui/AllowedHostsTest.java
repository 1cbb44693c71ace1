package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllowedHostsTest {

  final AllowedHosts defaults = AllowedHosts.of(List.of());
  final AllowedHosts configured = AllowedHosts.of(List.of("Dash.Internal.", "*.corp.example"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "localhost:8000",
        "LOCALHOST",
        "localhost.",
        "localhost.:8000",
        "app.localhost:3000",
        "127.0.0.1",
        "127.0.0.1:8000",
        "127.8.9.10",
        "[::1]",
        "[::1]:8000",
        "[0:0:0:0:0:0:0:1]:80",
        "10.1.2.3:8000",
        "[fe80::1]"
      })
  void loopbackNamesAndIpLiterals_areAllowedByDefault(String host) {
    assertThat(defaults.allows(host)).as(host).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example",
        "evil.example:8000",
        "localhost.evil.example",
        "127.0.0.1.evil.example",
        "[::1",
        "[::1]x",
        "[evil.example]",
        "::1",
        "localhost:abc",
        "",
        " ",
        "evil example",
        "127.0.0.1:8000:1",
        "dash.internal.evil",
        "corp.example"
      })
  void otherNames_andMalformedHosts_areRefused(String host) {
    assertThat(defaults.allows(host)).as(host).isFalse();
    assertThat(configured.allows(host)).as(host).isFalse();
  }

  @Test
  void configuredNames_matchCaseInsensitively_ignoringPortAndTrailingDot() {
    assertThat(configured.allows("dash.internal")).isTrue();
    assertThat(configured.allows("DASH.internal.:8443")).isTrue();
    assertThat(configured.allows("a.corp.example")).isTrue();
    assertThat(configured.allows("b.a.corp.example:80")).isTrue();
    assertThat(defaults.allows("dash.internal")).isFalse();
  }

  @Test
  void aRequestWithoutHost_isAllowed_noBrowserSendsOne() {
    assertThat(defaults.allows(null)).isTrue();
  }

  @Test
  void any_allowsEverything() {
    assertThat(AllowedHosts.of(List.of("x.example", "*")).allows("evil.example")).isTrue();
    assertThat(AllowedHosts.ANY.allowsAny()).isTrue();
    assertThat(defaults.allowsAny()).isFalse();
  }

  @Test
  void hostName_isNeverAnythingButANameOrLiteral() {
    assertThat(AllowedHosts.hostName("Evil.Example.:8000")).isEqualTo("evil.example");
    assertThat(AllowedHosts.hostName("[::1]:8000")).isEqualTo("[::1]");
    assertThat(AllowedHosts.hostName("<script>")).isNull();
    assertThat(AllowedHosts.hostName("a\"b")).isNull();
  }

  @Test
  void normalize_explainsBadValues() {
    assertThat(AllowedHosts.normalize(" Dash.Example.COM. ")).isEqualTo("dash.example.com");
    assertThat(AllowedHosts.normalize("*.Example.com")).isEqualTo("*.example.com");
    assertThat(AllowedHosts.normalize("10.0.0.1")).isEqualTo("10.0.0.1");
    assertThatThrownBy(() -> AllowedHosts.normalize("https://dash.example.com"))
        .hasMessageContaining("not a host name")
        .hasMessageContaining("without scheme");
    assertThatThrownBy(() -> AllowedHosts.normalize("dash.example.com:8443"))
        .hasMessageContaining("has a port");
    assertThatThrownBy(() -> AllowedHosts.normalize("dash example"))
        .hasMessageContaining("not a host name");
    assertThatThrownBy(() -> AllowedHosts.normalize("")).hasMessageContaining("not a host name");
    assertThatThrownBy(() -> AllowedHosts.normalize("*.10.0.0.1x/"))
        .hasMessageContaining("not a host name");
    assertThatThrownBy(() -> AllowedHosts.normalize("a*.example"))
        .hasMessageContaining("not a host name");
  }
}
