package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.ui.StemtraceHandler;
import io.stemtrace.ui.auth.Authentication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityOptionsTest {

  static CliOptions parse(Map<String, String> env, String... args)
      throws CliOptions.UsageException {
    return CliOptions.parse(List.of(args), env);
  }

  @Test
  void defaults_areNoAuthentication() throws Exception {
    SecurityOptions security =
        parse(Map.of(), "server", "--transport-url", "memory://x").security();
    assertThat(security.mode()).isEqualTo(SecurityOptions.Mode.NONE);
    assertThat(security.authentication().isEnabled()).isFalse();
    assertThat(security.openHealth()).isFalse();
    assertThat(security.frameAncestors()).isEqualTo("'none'");
  }

  @Test
  void form_takesPasswordAndSecretFromTheEnvironment() throws Exception {
    SecurityOptions security =
        parse(
                Map.of(
                    "STEMTRACE_AUTH_PASSWORD",
                    "pw-from-env",
                    "STEMTRACE_AUTH_SECRET",
                    "0123456789abcdef0123456789abcdef",
                    "STEMTRACE_AUTH",
                    "form"),
                "server",
                "--transport-url",
                "memory://x",
                "--auth-user",
                "ops",
                "--session-ttl",
                "8h",
                "--open-health")
            .security();
    assertThat(security.mode()).isEqualTo(SecurityOptions.Mode.FORM);
    assertThat(security.user()).isEqualTo("ops");
    assertThat(security.password()).isEqualTo("pw-from-env");
    assertThat(security.sessionTtl()).isEqualTo(Duration.ofHours(8));
    assertThat(security.openHealth()).isTrue();
    assertThat(security.authentication().toString()).contains("form").contains("ops");
    assertThat(security.toString())
        .doesNotContain("pw-from-env")
        .doesNotContain("0123456789abcdef");
  }

  @Test
  void flags_winOverEnvironment_andOriginsRepeat() throws Exception {
    SecurityOptions security =
        parse(
                Map.of("STEMTRACE_AUTH", "form", "STEMTRACE_AUTH_PASSWORD", "x"),
                "demo",
                "--auth=basic",
                "--open-health=false",
                "--allowed-origin",
                "https://a.example",
                "--allowed-origin=HTTPS://B.example:8443",
                "--frame-ancestors",
                "'self'")
            .security();
    assertThat(security.mode()).isEqualTo(SecurityOptions.Mode.BASIC);
    assertThat(security.openHealth()).isFalse();
    assertThat(security.allowedOrigins())
        .containsExactly("https://a.example", "https://b.example:8443");
    assertThat(security.frameAncestors()).isEqualTo("'self'");
  }

  @Test
  void allowedHosts_repeatOrCommaSeparate_fromFlagsOrEnvironment() throws Exception {
    SecurityOptions flags =
        parse(
                Map.of("STEMTRACE_ALLOWED_HOSTS", "ignored.example"),
                "server",
                "--transport-url",
                "memory://x",
                "--allowed-host",
                "Dash.Internal.",
                "--allowed-host=a.example,*.corp.example")
            .security();
    assertThat(flags.allowedHosts())
        .containsExactly("dash.internal", "a.example", "*.corp.example");
    SecurityOptions env =
        parse(Map.of("STEMTRACE_ALLOWED_HOSTS", " x.example , y.example,"), "demo").security();
    assertThat(env.allowedHosts()).containsExactly("x.example", "y.example");
    assertThat(parse(Map.of(), "demo", "--allowed-host", "*").security().allowedHosts())
        .containsExactly("*");
    assertThat(parse(Map.of(), "demo").security().allowedHosts()).isEmpty();
  }

  @Test
  void allowedHosts_badValues_sayWhatIsWrong() {
    for (String[] bad :
        new String[][] {
          {
            "https://dash.example.com",
            "--allowed-host: 'https://dash.example.com' is not a host name"
          },
          {"dash.example.com:8443", "--allowed-host: 'dash.example.com:8443' has a port"},
          {"dash example", "--allowed-host: 'dash example' is not a host name"},
          {"a,b/c", "--allowed-host: 'b/c' is not a host name"}
        }) {
      assertThatThrownBy(() -> parse(Map.of(), "demo", "--allowed-host", bad[0]))
          .isInstanceOf(CliOptions.UsageException.class)
          .hasMessageStartingWith(bad[1]);
    }
    assertThatThrownBy(() -> parse(Map.of("STEMTRACE_ALLOWED_HOSTS", "x:1"), "demo"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessageContaining("has a port");
    assertThatThrownBy(() -> parse(Map.of(), "demo", "--allowed-host"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessage("option --allowed-host needs a value");
  }

  @Test
  void allowedHosts_builderRejectsBadNamesAndStar() {
    assertThatThrownBy(() -> StemtraceHandler.builder().allowedHosts("a.example:80"))
        .hasMessageContaining("has a port");
    assertThatThrownBy(() -> StemtraceHandler.builder().allowedHosts("*"))
        .hasMessageContaining("allowAnyHost()");
    assertThatThrownBy(() -> StemtraceHandler.builder().allowedHosts((String[]) null))
        .hasMessage("allowedHosts == null");
    assertThatThrownBy(() -> StemtraceHandler.builder().allowedHosts("a.example", null))
        .hasMessage("allowedHosts contains null");
  }

  @Test
  void badSecurityOptions_areOneLineUsageErrors() {
    Map<String, String> none = Map.of();
    assertThatThrownBy(
            () -> parse(none, "server", "--transport-url", "memory://x", "--auth", "basic"))
        .hasMessageContaining("needs a password")
        .hasMessageContaining("STEMTRACE_AUTH_PASSWORD");
    assertThatThrownBy(
            () -> parse(none, "server", "--transport-url", "memory://x", "--auth", "kerberos"))
        .hasMessageContaining("--auth must be none, basic or form");
    Map<String, String> password = Map.of("STEMTRACE_AUTH_PASSWORD", "pw");
    assertThatThrownBy(
            () ->
                parse(
                    password,
                    "server",
                    "--transport-url",
                    "memory://x",
                    "--auth",
                    "form",
                    "--auth-secret",
                    "short"))
        .hasMessageContaining("at least 16 bytes");
    assertThatThrownBy(
            () ->
                parse(password, "server", "--transport-url", "memory://x", "--session-ttl", "soon"))
        .hasMessageContaining("--session-ttl");
    assertThatThrownBy(
            () ->
                parse(
                    none, "server", "--transport-url", "memory://x", "--frame-ancestors", "* ; x"))
        .hasMessageContaining("--frame-ancestors");
    assertThatThrownBy(
            () ->
                parse(
                    none,
                    "server",
                    "--transport-url",
                    "memory://x",
                    "--allowed-origin",
                    "evil/path"))
        .hasMessageContaining("--allowed-origin");
  }

  @Test
  void help_doesNotNeedAPassword() throws Exception {
    CliOptions options = parse(Map.of("STEMTRACE_AUTH", "basic"), "server", "--help");
    assertThat(options.help()).isTrue();
    assertThat(CliOptions.usage(CliOptions.Command.SERVER))
        .contains("--auth none|basic|form")
        .contains("STEMTRACE_AUTH_PASSWORD")
        .contains("--open-health");
  }

  @Test
  void duration_acceptsUnitsAndIso() throws Exception {
    assertThat(SecurityOptions.duration("--session-ttl", "30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(SecurityOptions.duration("--session-ttl", "2d")).isEqualTo(Duration.ofDays(2));
    assertThat(SecurityOptions.duration("--session-ttl", "3600")).isEqualTo(Duration.ofHours(1));
    assertThat(SecurityOptions.duration("--session-ttl", "PT8H")).isEqualTo(Duration.ofHours(8));
    assertThatThrownBy(() -> SecurityOptions.duration("--session-ttl", "0s"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessage("--session-ttl must be at least 1s, got '0s'");
  }

  @Test
  void standaloneServer_withBasic_protectsEverythingButOpenHealth() throws Exception {
    CliOptions options =
        parse(
            Map.of("STEMTRACE_AUTH_PASSWORD", "pw-123"),
            "server",
            "--transport-url",
            "memory://security-options-test",
            "--port",
            "0",
            "--auth",
            "basic",
            "--open-health");
    try (StemtraceServer server = StemtraceServer.start(options)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/api/tasks")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      String good =
          "Basic "
              + Base64.getEncoder().encodeToString("admin:pw-123".getBytes(StandardCharsets.UTF_8));
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
                          .header("Authorization", good)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void run_withAuthButNoPassword_exits2WithoutEchoingSecrets() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        StemtraceServer.run(
            new String[] {
              "server",
              "--transport-url",
              "memory://x",
              "--auth",
              "form",
              "--auth-secret",
              "a-secret-that-must-not-be-printed"
            },
            Map.of(),
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("needs a password")
        .doesNotContain("a-secret-that-must-not-be-printed");
  }

  @Test
  void authentication_builderRejectsBadFrameAncestors() {
    assertThatThrownBy(() -> StemtraceHandler.builder().frameAncestors("'none'; script-src *"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Authentication.none().isEnabled()).isFalse();
  }
}
