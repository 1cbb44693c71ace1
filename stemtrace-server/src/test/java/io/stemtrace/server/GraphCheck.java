package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.testing.Captures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code shared/tools/graphcheck.py} against a running server and the capture's expectation.
 */
final class GraphCheck {

  /** What graphcheck prints last when the whole capture is drawn as expected. */
  static final String CAPTURE_PASSES = "0 expectation(s) failed; 18 task nodes in 7 workflows";

  private GraphCheck() {}

  /** Asserts a zero exit; answers graphcheck's last line. */
  static String run(StemtraceServer server) throws Exception {
    Path vectors = Captures.directory();
    Path tool = vectors.resolve("../tools/graphcheck.py").normalize();
    assertThat(tool).exists();
    Process process =
        new ProcessBuilder(
                "python3",
                tool.toString(),
                server.url().replaceAll("/$", ""),
                vectors.resolve("python-stemtrace-0.3.3/expected-graph.json").toString(),
                "--wait",
                "10")
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      reader.lines().forEach(output::add);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    return output.get(output.size() - 1);
  }
}
