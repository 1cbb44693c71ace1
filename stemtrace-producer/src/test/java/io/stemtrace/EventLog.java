package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decoded events of a test run, with the look-ups workflow assertions need. Decodes with the same
 * codec the consumer uses, so every test also proves the producer's JSON is readable. A graph store
 * can be fed from {@link #events()} once it exists.
 */
final class EventLog {

  private final List<StemtraceEvent> events;

  private EventLog(List<StemtraceEvent> events) {
    this.events = events;
  }

  static EventLog decode(List<byte[]> payloads) {
    List<StemtraceEvent> decoded = new ArrayList<>();
    for (byte[] payload : payloads) {
      DecodeResult result = EventCodec.standard().decode(payload);
      assertThat(result)
          .as("decoding %s", new String(payload, java.nio.charset.StandardCharsets.UTF_8))
          .isInstanceOf(DecodeResult.Decoded.class);
      decoded.add(((DecodeResult.Decoded) result).event());
    }
    return new EventLog(List.copyOf(decoded));
  }

  /** Flushes {@code stemtrace} and decodes what {@code transport} received. */
  static EventLog of(Stemtrace stemtrace, RecordingTransport transport) {
    assertThat(stemtrace.flush(java.time.Duration.ofSeconds(5))).as("flushed").isTrue();
    return decode(transport.payloads());
  }

  List<StemtraceEvent> events() {
    return events;
  }

  List<TaskEvent> tasks() {
    return events.stream().filter(TaskEvent.class::isInstance).map(TaskEvent.class::cast).toList();
  }

  List<WorkerEvent> workers() {
    return events.stream()
        .filter(WorkerEvent.class::isInstance)
        .map(WorkerEvent.class::cast)
        .toList();
  }

  /** The events of one task, in emission order. */
  List<TaskEvent> of(String taskId) {
    return tasks().stream().filter(e -> e.taskId().equals(taskId)).toList();
  }

  /** The ids of tasks with this name, in order of their first event. */
  List<String> idsNamed(String name) {
    Set<String> ids = new LinkedHashSet<>();
    for (TaskEvent e : tasks()) if (name.equals(e.name())) ids.add(e.taskId());
    return List.copyOf(ids);
  }

  /** The single task with this name. */
  String idNamed(String name) {
    List<String> ids = idsNamed(name);
    assertThat(ids).as("tasks named %s", name).hasSize(1);
    return ids.get(0);
  }

  /** The states of one task, in emission order. */
  List<TaskState> states(String taskId) {
    return of(taskId).stream().map(TaskEvent::state).toList();
  }

  /** The last event of one task. */
  TaskEvent last(String taskId) {
    List<TaskEvent> all = of(taskId);
    assertThat(all).as("events of %s", taskId).isNotEmpty();
    return all.get(all.size() - 1);
  }

  /** Asserts that every event of the task carries these links, and returns the last event. */
  TaskEvent assertLinks(String taskId, String parentId, String rootId) {
    for (TaskEvent e : of(taskId)) {
      assertThat(e.parentId()).as("parent_id of %s %s", e.name(), e.state()).isEqualTo(parentId);
      assertThat(e.rootId()).as("root_id of %s %s", e.name(), e.state()).isEqualTo(rootId);
    }
    return last(taskId);
  }
}
