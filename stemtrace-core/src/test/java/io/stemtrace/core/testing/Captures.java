package io.stemtrace.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real event captures in {@code ../shared/vectors} (found through the {@code stemtrace.vectors} system
 * property that the build sets, else relative to the working directory). Tests fail, never skip, when the
 * captures are missing: they are part of the test suite's input.
 */
public final class Captures {

  /** The Python stemtrace 0.3.3 Redis stream capture, one JSON payload per line. */
  public static final String PYTHON_CANVAS = "python-stemtrace-0.3.3/redis-stream-canvas.jsonl";

  private Captures() {}

  /** The directory holding the captures. */
  public static Path directory() {
    String configured = System.getProperty("stemtrace.vectors");
    if (configured != null && Files.isDirectory(Path.of(configured))) return Path.of(configured);
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("../shared/vectors").normalize();
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalStateException("event captures not found: set -Dstemtrace.vectors or keep ../shared/vectors"
        + " beside the checkout (configured: " + configured + ")");
  }

  /** The lines of a capture, in file order. */
  public static List<String> lines(String relativePath) {
    try {
      return Files.readAllLines(directory().resolve(relativePath), StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The payloads of a capture as UTF-8 bytes, in file order. */
  public static List<byte[]> payloads(String relativePath) {
    return lines(relativePath).stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** The Python canvas capture's payloads. */
  public static List<byte[]> pythonCanvas() {
    return payloads(PYTHON_CANVAS);
  }
}
