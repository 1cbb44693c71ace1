package io.stemtrace.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real event captures in {@code ../shared/vectors} (found through the {@code stemtrace.vectors}
 * system property that the build sets, else relative to the working directory). Tests fail, never
 * skip, when the captures are missing: they are part of the test suite's input.
 */
public final class Captures {

  /** The Python stemtrace 0.3.3 Redis stream capture, one JSON payload per line. */
  public static final String PYTHON_CANVAS = "python-stemtrace-0.3.3/redis-stream-canvas.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TIME_FIELDS = List.of("timestamp", "shutdown_time");

  private Captures() {}

  /** The directory holding the captures. */
  public static Path directory() {
    String configured = System.getProperty("stemtrace.vectors");
    if (configured != null && Files.isDirectory(Path.of(configured))) return Path.of(configured);
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("../shared/vectors").normalize();
      if (Files.isDirectory(candidate)) return candidate;
    }
    throw new IllegalStateException(
        "event captures not found: set -Dstemtrace.vectors or keep ../shared/vectors"
            + " beside the checkout (configured: "
            + configured
            + ")");
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

  /**
   * The Python canvas capture moved in time so that its newest event happened at {@code newest}:
   * what a test that compares the capture with a clock (stats windows, anomaly thresholds, relative
   * times) replays, so that it passes on any date. Gaps between events are kept to the nanosecond.
   */
  public static List<byte[]> pythonCanvasEndingAt(Instant newest) {
    return shiftedToEndAt(lines(PYTHON_CANVAS), newest).stream()
        .map(line -> line.getBytes(StandardCharsets.UTF_8))
        .toList();
  }

  /**
   * The newest event time of a capture (its {@code timestamp} and {@code shutdown_time} fields).
   */
  public static Instant newest(List<String> lines) {
    Instant newest = null;
    for (String line : lines) {
      for (Instant at : times(read(line)).values()) {
        if (newest == null || at.isAfter(newest)) newest = at;
      }
    }
    if (newest == null) throw new IllegalArgumentException("no event time in the capture");
    return newest;
  }

  /**
   * Capture lines with every event time moved by the same amount, so that the newest is {@code
   * newest}.
   */
  public static List<String> shiftedToEndAt(List<String> lines, Instant newest) {
    Duration shift = Duration.between(newest(lines), newest);
    List<String> shifted = new ArrayList<>(lines.size());
    for (String line : lines) {
      ObjectNode event = read(line);
      times(event).forEach((field, at) -> event.put(field, at.plus(shift).toString()));
      shifted.add(event.toString());
    }
    return shifted;
  }

  private static ObjectNode read(String line) {
    try {
      return (ObjectNode) JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("capture line is not a JSON object: " + line, e);
    }
  }

  private static Map<String, Instant> times(ObjectNode event) {
    Map<String, Instant> times = new LinkedHashMap<>();
    for (String field : TIME_FIELDS) {
      JsonNode value = event.get(field);
      if (value != null && value.isTextual()) times.put(field, Instant.parse(value.asText()));
    }
    return times;
  }
}
