package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --health-degraded-status} and {@code STEMTRACE_HEALTH_DEGRADED_STATUS}. */
class HealthDegradedStatusOptionTest {

  private static CliOptions parse(Map<String, String> env, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("server", "--transport-url", "memory://x"));
    args.addAll(List.of(flags));
    return CliOptions.parse(args, env);
  }

  @Test
  void default_is200() throws Exception {
    assertThat(parse(Map.of()).healthDegradedStatus()).isEqualTo(200);
  }

  @Test
  void flag_or_environment_set503_andTheFlagWins() throws Exception {
    assertThat(parse(Map.of(), "--health-degraded-status", "503").healthDegradedStatus())
        .isEqualTo(503);
    assertThat(parse(Map.of(), "--health-degraded-status=503").healthDegradedStatus())
        .isEqualTo(503);
    assertThat(parse(Map.of("STEMTRACE_HEALTH_DEGRADED_STATUS", "503")).healthDegradedStatus())
        .isEqualTo(503);
    assertThat(
            parse(
                    Map.of("STEMTRACE_HEALTH_DEGRADED_STATUS", "503"),
                    "--health-degraded-status",
                    "200")
                .healthDegradedStatus())
        .isEqualTo(200);
  }

  @Test
  void neither200Nor5xx_isAUsageError() {
    assertThatThrownBy(() -> parse(Map.of(), "--health-degraded-status", "404"))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessage("--health-degraded-status must be 200 or a 5xx status such as 503, got 404");
    assertThatThrownBy(() -> parse(Map.of("STEMTRACE_HEALTH_DEGRADED_STATUS", "soon")))
        .isInstanceOf(CliOptions.UsageException.class)
        .hasMessage("STEMTRACE_HEALTH_DEGRADED_STATUS must be a number, got 'soon'");
  }

  @Test
  void usage_namesTheOption() {
    assertThat(CliOptions.usage(CliOptions.Command.SERVER))
        .contains("--health-degraded-status N")
        .contains("STEMTRACE_HEALTH_DEGRADED_STATUS");
  }
}
