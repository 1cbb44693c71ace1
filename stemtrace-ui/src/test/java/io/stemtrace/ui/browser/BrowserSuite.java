package io.stemtrace.ui.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the dashboard's browser checks ({@code stemtrace-ui/frontend/e2e/run.mjs}: playwright-core
 * driving Debian's headless Chromium) against a running server and returns what they printed. Under
 * {@code CI=true} a missing Chromium, Node.js or built frontend fails the test; elsewhere it skips
 * with the reason.
 */
public final class BrowserSuite {

  private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");
  private static final Pattern RENDER_MS = Pattern.compile("(?m)^graph-render-ms: (\\d+)$");

  private BrowserSuite() {}

  /** What one run printed. */
  public record Result(int exitCode, String output) {
    public int passed() {
      Matcher m = SUMMARY.matcher(output);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    public int failed() {
      Matcher m = SUMMARY.matcher(output);
      return m.find() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The measured render time of the large workflow, or -1 when it was not measured. */
    public long renderMillis() {
      Matcher m = RENDER_MS.matcher(output);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Asserts every check passed and at least {@code minimum} ran. */
    public void assertAllPassed(int minimum) {
      assertThat(exitCode).as("browser checks exit code; output:%n%s", output).isZero();
      assertThat(failed()).as("failed browser checks; output:%n%s", output).isZero();
      assertThat(passed())
          .as("passed browser checks; output:%n%s", output)
          .isGreaterThanOrEqualTo(minimum);
    }
  }

  /** The frontend directory, found from the working directory of any module of the build. */
  public static Path frontendDir() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("stemtrace-ui/frontend");
      if (Files.isRegularFile(candidate.resolve("e2e/run.mjs"))) return candidate;
      if (Files.isRegularFile(dir.resolve("frontend/e2e/run.mjs"))) return dir.resolve("frontend");
    }
    throw new IllegalStateException(
        "stemtrace-ui/frontend/e2e/run.mjs not found above " + Path.of("").toAbsolutePath());
  }

  /** Fails under CI, skips elsewhere, when the browser checks cannot run here. */
  public static void requireBrowser(boolean uiBuilt) {
    List<String> missing = new ArrayList<>();
    String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    if (!Files.isExecutable(Path.of(chromium)))
      missing.add("Chromium at " + chromium + " (apt-get install chromium)");
    if (!Files.isDirectory(frontendDir().resolve("node_modules/playwright-core"))) {
      missing.add("frontend/node_modules (npm ci in stemtrace-ui/frontend)");
    }
    if (!uiBuilt)
      missing.add("the built dashboard on the classpath (build without -Dstemtrace.skipFrontend)");
    if (missing.isEmpty()) return;
    String message =
        "browser tests cannot run: missing "
            + String.join(", ", missing)
            + "; ./stemtrace test installs and builds all of it";
    if ("true".equals(System.getenv("CI")))
      throw new AssertionError(message + " (CI=true requires the browser tests)");
    Assumptions.abort(message);
  }

  /**
   * Runs the checks with {@code --base baseUrl --screenshots screenshots} and the extra arguments.
   */
  public static Result run(String baseUrl, Path screenshots, String... extraArgs)
      throws IOException, InterruptedException {
    return runScript("e2e/run.mjs", baseUrl, screenshots, extraArgs);
  }

  /**
   * Runs another script of {@code frontend/e2e} the same way (same arguments and output format).
   */
  public static Result runScript(
      String script, String baseUrl, Path screenshots, String... extraArgs)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                script,
                "--base",
                baseUrl,
                "--screenshots",
                screenshots.toAbsolutePath().toString()));
    command.addAll(List.of(extraArgs));
    Process process =
        new ProcessBuilder(command)
            .directory(frontendDir().toFile())
            .redirectErrorStream(true)
            .start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.append(line).append('\n');
        System.out.println(
            "[browser] " + line); // test output: shows each check's verdict in the build log
      }
    }
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("browser checks did not finish within 5 minutes:\n" + output);
    }
    return new Result(process.exitValue(), output.toString());
  }
}
