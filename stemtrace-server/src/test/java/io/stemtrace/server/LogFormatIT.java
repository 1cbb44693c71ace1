package io.stemtrace.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every log record of a server process renders in one format, whichever API wrote it: a JVM with
 * the server's classpath and simplelogger.properties runs {@link LogFormatProbe}.
 */
class LogFormatIT {

  /** {@code 2026-12-04 04:07:27.123 [main] INFO io.stemtrace.core.EventConsumer - message}. */
  static final Pattern RECORD =
      Pattern.compile(
          "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR)"
              + " [\\w.$-]+ - .+");

  @Test
  void slf4j_systemLogger_andJbossLogging_renderTheSameLine() throws Exception {
    List<String> lines =
        runProbe(
            // Undertow's start banner, quiet in the server's configuration, is raised to show it
            "-Dorg.slf4j.simpleLogger.log.io.undertow=info",
            "-Dorg.slf4j.simpleLogger.log.org.xnio=info");

    assertThat(lines)
        .as("every line a record of the one format")
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).matches(RECORD));
    assertThat(lines)
        .anySatisfy(
            line -> assertThat(line).contains("INFO io.stemtrace.probe - probe through slf4j"))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("WARN io.stemtrace.probe.producer - probe through System.Logger"))
        .anySatisfy(
            line -> assertThat(line).contains("WARN org.jboss.probe - probe through jboss-logging"))
        .anySatisfy(line -> assertThat(line).contains("INFO io.undertow - starting server"));
  }

  @Test
  void undertowBanners_stayQuietByDefault() throws Exception {
    List<String> lines = runProbe();

    assertThat(lines).allSatisfy(line -> assertThat(line).matches(RECORD));
    assertThat(lines).noneSatisfy(line -> assertThat(line).contains("starting server"));
  }

  /** The probe's output lines, in a JVM with this module's classes ahead of every dependency. */
  private static List<String> runProbe(String... properties)
      throws IOException, InterruptedException {
    // surefire and failsafe start the test JVM from a manifest-only jar; the real path is here
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String main = Path.of("target/classes").toAbsolutePath().toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                main + File.pathSeparator + classpath));
    command.addAll(List.of(properties));
    command.add(LogFormatProbe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.lines().filter(line -> !line.isBlank()).toList();
  }
}
