package io.stemtrace.core.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.EventConsumer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Export of one workflow with all its events, and import of such a file, so a failing workflow can
 * be attached to a bug report and replayed by another server.
 *
 * <p>The document: {@code
 * {"format":"stemtrace-export","version":1,"root_id":"...","exported_at":"ISO", "events":[...]}}
 * with each event in the wire format ({@link EventCodec}), sorted by timestamp. It holds every
 * event of every task drawn in the workflow, and worker_ready (plus worker_shutdown for workers
 * that are offline) rebuilt from what the store knows of each worker registering one of the
 * workflow's task names; of every known worker when one of those names is registered by none.
 * Import decodes each event with the same codec (an event it rejects is counted, not fatal) and
 * applies them through an {@link EventConsumer}, so listeners (live feed, anomalies, statistics)
 * see them as they see transported events.
 */
public final class WorkflowExport {

  /** The value of {@code format}. */
  public static final String FORMAT = "stemtrace-export";

  /** The version written and the only one read. */
  public static final int VERSION = 1;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(EventCodec.DEFAULT_MAX_DEPTH + 4)
                  .maxStringLength(EventCodec.DEFAULT_MAX_STRING_LENGTH)
                  .build())
          .build();

  private WorkflowExport() {}

  /** A decoded export document; {@code rejected} counts events the codec refused. */
  public record Document(
      String rootId, Instant exportedAt, List<StemtraceEvent> events, int rejected) {
    public Document {
      events = List.copyOf(events);
    }
  }

  /** What an import did: events applied, events refused, and the workflows they are in now. */
  public record ImportResult(int imported, int rejected, List<String> rootIds) {
    public ImportResult {
      rootIds = List.copyOf(rootIds);
    }
  }

  /** A body that is not an export document. */
  public static final class InvalidExportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidExportException(String message) {
      super(message);
    }
  }

  /**
   * The events of a workflow (see the class comment), sorted by timestamp; empty when the store has
   * no workflow with that root id.
   */
  public static Optional<List<StemtraceEvent>> collect(GraphStore store, String rootId) {
    Objects.requireNonNull(store, "store == null");
    if (rootId == null) return Optional.empty();
    Optional<WorkflowGraph> graph = store.workflow(rootId);
    if (graph.isEmpty()) return Optional.empty();
    List<StemtraceEvent> events = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (GraphNode node : graph.get().nodes().values()) {
      if (node.type() != GraphNode.NodeType.TASK || node.task() == null) continue;
      events.addAll(node.task().events());
      if (node.task().name() != null) names.add(node.task().name());
    }
    List<WorkerInfo> workers = store.workers();
    Set<String> registered = new HashSet<>();
    for (WorkerInfo worker : workers) registered.addAll(worker.registeredTasks());
    // a task name nobody registers makes every worker relevant: they are the evidence
    // (UNREGISTERED)
    boolean everyWorker = !registered.containsAll(names);
    for (WorkerInfo worker : workers) {
      if (!everyWorker && worker.registeredTasks().stream().noneMatch(names::contains)) continue;
      Instant readyAt = worker.registeredAt() != null ? worker.registeredAt() : worker.lastSeen();
      if (readyAt != null) {
        events.add(
            new WorkerEvent(
                WorkerEvent.Type.READY,
                worker.hostname(),
                worker.pid(),
                readyAt,
                worker.registeredTasks(),
                worker.taskDefinitions(),
                null));
      }
      if (worker.status() == WorkerInfo.Status.OFFLINE && worker.lastSeen() != null) {
        events.add(
            new WorkerEvent(
                WorkerEvent.Type.SHUTDOWN,
                worker.hostname(),
                worker.pid(),
                worker.lastSeen(),
                List.of(),
                null,
                worker.lastSeen()));
      }
    }
    events.sort(
        Comparator.comparing(
            WorkflowExport::timestamp)); // stable: a task's events keep their order
    return Optional.of(List.copyOf(events));
  }

  private static Instant timestamp(StemtraceEvent event) {
    return event instanceof TaskEvent task ? task.timestamp() : ((WorkerEvent) event).timestamp();
  }

  /** Writes an export document. */
  public static void write(
      OutputStream out, String rootId, Instant exportedAt, List<StemtraceEvent> events)
      throws IOException {
    Objects.requireNonNull(rootId, "rootId == null");
    Objects.requireNonNull(exportedAt, "exportedAt == null");
    EventCodec codec = EventCodec.standard();
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("format", FORMAT);
      generator.writeNumberField("version", VERSION);
      generator.writeStringField("root_id", rootId);
      generator.writeStringField("exported_at", EventCodec.formatTimestamp(exportedAt));
      generator.writeArrayFieldStart("events");
      for (StemtraceEvent event : events) codec.write(generator, event);
      generator.writeEndArray();
      generator.writeEndObject();
    }
  }

  /** An export document as bytes. */
  public static byte[] toBytes(String rootId, Instant exportedAt, List<StemtraceEvent> events) {
    ByteArrayBuilder out = new ByteArrayBuilder(4096);
    try {
      write(out, rootId, exportedAt, events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads an export document.
   *
   * @throws InvalidExportException when the body is not JSON, not an object, not of this format or
   *     version, or has no {@code events} array
   */
  public static Document read(byte[] body) {
    Objects.requireNonNull(body, "body == null");
    EventCodec codec = EventCodec.standard();
    String format = null;
    Integer version = null;
    String rootId = null;
    Instant exportedAt = null;
    List<StemtraceEvent> events = null;
    int rejected = 0;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT)
        throw invalid("the body is not a JSON object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (field) {
          case "format" -> format = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "version" ->
              version = value == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
          case "root_id" -> rootId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "exported_at" ->
              exportedAt = value == JsonToken.VALUE_STRING ? instant(parser.getText()) : null;
          case "events" -> {
            if (value != JsonToken.START_ARRAY) throw invalid("\"events\" is not an array");
            events = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                rejected++;
                continue;
              }
              DecodeResult result = codec.decode(copyObject(parser));
              if (result instanceof DecodeResult.Decoded decoded) {
                events.add(decoded.event());
              } else {
                rejected++;
              }
            }
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        throw invalid("the body is not one JSON object");
      }
    } catch (IOException e) {
      throw invalid("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!FORMAT.equals(format)) throw invalid("\"format\" must be \"" + FORMAT + "\"");
    if (version == null || version != VERSION) throw invalid("\"version\" must be " + VERSION);
    if (events == null) throw invalid("\"events\" is missing");
    return new Document(rootId, exportedAt, events, rejected);
  }

  /** Applies a document's events through {@code consumer} (and so to its store and listeners). */
  public static ImportResult importInto(EventConsumer consumer, Document document) {
    Objects.requireNonNull(consumer, "consumer == null");
    Objects.requireNonNull(document, "document == null");
    int imported = consumer.acceptEvents(document.events());
    Set<String> roots = new LinkedHashSet<>();
    for (StemtraceEvent event : document.events()) {
      if (event instanceof TaskEvent task)
        consumer.store().workflowOf(task.taskId()).ifPresent(roots::add);
    }
    return new ImportResult(
        imported,
        document.rejected() + document.events().size() - imported,
        new ArrayList<>(roots));
  }

  private static byte[] copyObject(JsonParser parser) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.copyCurrentStructure(parser);
    }
    return out.toByteArray();
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static InvalidExportException invalid(String message) {
    return new InvalidExportException("not a " + FORMAT + " document: " + message);
  }

  private static String firstLine(String message) {
    if (message == null) return "malformed";
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
