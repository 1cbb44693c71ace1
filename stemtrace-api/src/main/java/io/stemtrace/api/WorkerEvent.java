package io.stemtrace.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A worker came up ({@link Type#READY}) or went down ({@link Type#SHUTDOWN}).
 *
 * @param type which of the two
 * @param hostname the worker's name, unique per worker (Celery: {@code name@host})
 * @param pid the worker's process id
 * @param timestamp when it happened
 * @param registeredTasks the task names this worker can run
 * @param taskDefinitions details per registered task name, possibly empty
 * @param shutdownTime for a shutdown, when it shut down; else null
 */
public record WorkerEvent(
    Type type,
    String hostname,
    long pid,
    Instant timestamp,
    List<String> registeredTasks,
    Map<String, RegisteredTaskDefinition> taskDefinitions,
    Instant shutdownTime)
    implements StemtraceEvent {

  /** The worker event types, with their wire names. */
  public enum Type {
    READY("worker_ready"),
    SHUTDOWN("worker_shutdown");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    /** The value of {@code event_type} on the wire. */
    public String wireName() {
      return wireName;
    }

    /** The type for a wire name, or null when it is not one. */
    public static Type fromWireName(String wireName) {
      for (Type type : values()) {
        if (type.wireName.equals(wireName)) return type;
      }
      return null;
    }
  }

  public WorkerEvent {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(hostname, "hostname == null");
    Objects.requireNonNull(timestamp, "timestamp == null");
    registeredTasks = registeredTasks == null ? List.of() : List.copyOf(registeredTasks);
    // keeps the producer's order, so that encoding a decoded event gives the same bytes back
    taskDefinitions =
        taskDefinitions == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(taskDefinitions));
  }
}
