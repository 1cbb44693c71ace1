package io.stemtrace.testing;

import static io.stemtrace.testing.WorkflowShape.chord;
import static io.stemtrace.testing.WorkflowShape.group;
import static io.stemtrace.testing.WorkflowShape.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.Attempt;
import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real Celery 5.2 canvases that nest (recorded by {@code scripts/canvas-recorder}, one file per
 * shape under {@code io/stemtrace/testing/canvas/} in this test kit) and the drawing each must get,
 * checked strictly with {@link WorkflowShape}. Task ids are found in the capture by task name and
 * arguments.
 */
public final class CanvasCaptures {

  /** One recorded canvas. */
  public enum Shape {
    /** {@code chord([chord([a, b], ta), chord([c, d], tb), e], outer)} */
    NESTED_CHORD("nested-chord", 1),
    /**
     * {@code chain(group(x1, x2, x3), group(y, z), w)}, which Celery turns into chord(group,
     * chord(group, w))
     */
    CHAIN_OF_GROUPS("chain-of-groups", 1),
    /** {@code chain(chord([a, b], t), chord([c, d], u))} */
    CHORD_IN_CHAIN("chord-in-chain", 1),
    /** {@code chord([chain(a1, a2), chain(b1, b2), chain(c1, c2)], cb)} */
    CHORD_OF_CHAINS("chord-of-chains", 1),
    /**
     * {@code boom(2)} with a new-style errback (runs inline, emits nothing), {@code boom(1)} with
     * two old-style ones
     */
    ERRBACKS("errbacks", 2),
    /** {@code flaky(7)}: retried twice, then succeeds */
    RETRY_SUCCESS("retry-success", 1);

    final String file;
    final int workflows;

    Shape(String file, int workflows) {
      this.file = file;
      this.workflows = workflows;
    }

    /** How many workflows the capture holds. */
    public int workflows() {
      return workflows;
    }

    /** The capture's resource name in this test kit. */
    public String resource() {
      return "/io/stemtrace/testing/canvas/" + file + ".jsonl";
    }
  }

  private CanvasCaptures() {}

  /** The capture's lines (one JSON payload each), in stream order. */
  public static List<String> lines(Shape shape) {
    try (InputStream in = CanvasCaptures.class.getResourceAsStream(shape.resource())) {
      if (in == null)
        throw new IllegalStateException("capture not on the classpath: " + shape.resource());
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(line -> !line.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The capture's payloads as UTF-8 bytes, in stream order. */
  public static List<byte[]> payloads(Shape shape) {
    return lines(shape).stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Every capture's payloads, one capture after another. */
  public static List<byte[]> allPayloads() {
    List<byte[]> all = new ArrayList<>();
    for (Shape shape : Shape.values()) all.addAll(payloads(shape));
    return all;
  }

  /** The capture decoded with {@link EventCodec#standard()}; every line decodes. */
  public static List<StemtraceEvent> events(Shape shape) {
    EventCodec codec = EventCodec.standard();
    List<StemtraceEvent> events = new ArrayList<>();
    for (byte[] payload : payloads(shape)) {
      DecodeResult result = codec.decode(payload);
      assertThat(result)
          .as("every line of %s decodes", shape)
          .isInstanceOf(DecodeResult.Decoded.class);
      events.add(((DecodeResult.Decoded) result).event());
    }
    return events;
  }

  /**
   * The id of the one task of a capture with that short name and those arguments (JSON without
   * spaces, as in {@code "[[6,14,10]]"}).
   */
  public static String taskId(Shape shape, String name, String args) {
    return new Ids(events(shape)).of(name, name, args);
  }

  /**
   * The capture's events without those of the given tasks: the canvas as it stood before they ran.
   */
  public static List<StemtraceEvent> eventsWithout(Shape shape, List<String> taskIds) {
    return events(shape).stream()
        .filter(event -> !(event instanceof TaskEvent task && taskIds.contains(task.taskId())))
        .toList();
  }

  /** Asserts every capture's workflows in a store that was fed all of them. */
  public static void assertAllDrawnAsWritten(GraphStore store) {
    for (Shape shape : Shape.values()) assertDrawnAsWritten(store, shape);
  }

  /**
   * Asserts the workflows of one capture: their exact shape, the containers' states, the tasks'
   * fields.
   */
  public static void assertDrawnAsWritten(GraphStore store, Shape shape) {
    Ids ids = new Ids(events(shape));
    switch (shape) {
      case NESTED_CHORD -> {
        WorkflowGraph graph =
            WorkflowShape.assertWorkflow(
                store,
                chord(
                        chord(task(ids.of("a", "add", "[1,1]")), task(ids.of("b", "add", "[2,2]")))
                            .then(task(ids.of("ta", "tsum", "[[2,4]]"))),
                        chord(task(ids.of("c", "add", "[3,3]")), task(ids.of("d", "add", "[4,4]")))
                            .then(task(ids.of("tb", "tsum", "[[6,8]]"))),
                        task(ids.of("e", "add", "[5,5]")))
                    .then(task(ids.of("outer", "tsum", "[[6,14,10]]"))),
                ids.labels);
        assertContainers(graph, 3, TaskState.SUCCESS);
      }
      case CHAIN_OF_GROUPS -> {
        List<String> second = ids.all("tsum", "[[2,4,6]]");
        assertThat(second).as("the second group's two tasks").hasSize(2);
        ids.labels.put(second.get(0), "y");
        ids.labels.put(second.get(1), "z");
        WorkflowGraph graph =
            WorkflowShape.assertWorkflow(
                store,
                chord(
                        task(ids.of("x1", "add", "[1,1]")),
                        task(ids.of("x2", "add", "[2,2]")),
                        task(ids.of("x3", "add", "[3,3]")))
                    .then(
                        chord(task(second.get(0)), task(second.get(1)))
                            .then(task(ids.of("w", "tsum", "[[12,12]]")))),
                ids.labels);
        assertContainers(graph, 2, TaskState.SUCCESS);
      }
      case CHORD_IN_CHAIN -> {
        WorkflowGraph graph =
            WorkflowShape.assertWorkflow(
                store,
                chord(task(ids.of("a", "add", "[1,1]")), task(ids.of("b", "add", "[2,2]")))
                    .then(
                        task(
                            ids.of("t", "tsum", "[[2,4]]"),
                            chord(
                                    task(ids.of("c", "add", "[6,3]")),
                                    task(ids.of("d", "add", "[6,4]")))
                                .then(task(ids.of("u", "tsum", "[[9,10]]"))))),
                ids.labels);
        assertContainers(graph, 2, TaskState.SUCCESS);
      }
      case CHORD_OF_CHAINS -> {
        WorkflowGraph graph =
            WorkflowShape.assertWorkflow(
                store,
                chord(
                        task(ids.of("a1", "add", "[1,1]"), task(ids.of("a2", "add", "[2,2]"))),
                        task(ids.of("b1", "add", "[3,3]"), task(ids.of("b2", "add", "[6,4]"))),
                        task(ids.of("c1", "add", "[5,5]"), task(ids.of("c2", "add", "[10,6]"))))
                    .then(task(ids.of("cb", "tsum", "[[4,10,16]]"))),
                ids.labels);
        assertContainers(graph, 1, TaskState.SUCCESS);
      }
      case ERRBACKS -> {
        String failed = ids.of("boom1", "boom", "[1]");
        WorkflowGraph graph =
            WorkflowShape.assertWorkflow(
                store,
                task(
                    failed,
                    group(
                        task(ids.of("cleanup", "on_error_old", null)),
                        task(ids.of("notify", "on_error_old2", null)))),
                ids.labels);
        assertThat(graph.nodes().get(failed).state()).isEqualTo(TaskState.FAILURE);
        assertContainers(graph, 1, TaskState.SUCCESS);
        // the new-style errback ran inside the failing task: nothing to draw but the task
        String inline = ids.of("boom2", "boom", "[2]");
        WorkflowGraph alone = WorkflowShape.assertWorkflow(store, task(inline), ids.labels);
        assertThat(alone.nodes().get(inline).state()).isEqualTo(TaskState.FAILURE);
      }
      case RETRY_SUCCESS -> {
        String flaky = ids.of("flaky", "flaky", "[7]");
        WorkflowShape.assertWorkflow(store, task(flaky), ids.labels);
        TaskNode task = store.task(flaky).orElseThrow();
        assertThat(task.state()).isEqualTo(TaskState.SUCCESS);
        assertThat(task.result()).isEqualTo(7);
        assertThat(task.exception()).as("the exception of the attempt that succeeded").isNull();
        assertThat(task.traceback()).isNull();
        assertThat(task.attempts()).extracting(Attempt::number).containsExactly(0, 1, 2);
        assertThat(task.attempts())
            .extracting(Attempt::state)
            .containsExactly(TaskState.RETRY, TaskState.RETRY, TaskState.SUCCESS);
        assertThat(task.attempts().get(0).exception())
            .startsWith("Retry: Retry in 0.2s: ValueError('flaky attempt 0')");
        assertThat(task.attempts().get(1).exception())
            .startsWith("Retry: Retry in 0.2s: ValueError('flaky attempt 1')");
        assertThat(task.attempts().get(2).exception()).isNull();
      }
    }
  }

  private static void assertContainers(WorkflowGraph graph, int count, TaskState state) {
    List<GraphNode> containers =
        graph.nodes().values().stream()
            .filter(node -> node.type() != GraphNode.NodeType.TASK)
            .toList();
    assertThat(containers)
        .as("containers of %s", graph.rootId())
        .hasSize(count)
        .allSatisfy(
            container ->
                assertThat(container.state()).as("state of %s", container.id()).isEqualTo(state));
  }

  /** Task ids of a capture by short name and arguments, with the labels failure messages show. */
  private static final class Ids {
    final Map<String, List<String>> byKey = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();

    Ids(List<StemtraceEvent> events) {
      for (StemtraceEvent event : events) {
        if (!(event instanceof TaskEvent task) || task.args() == null) continue;
        String name = task.name().substring(task.name().lastIndexOf('.') + 1);
        for (String key : List.of(name + " " + compact(task.args()), name)) {
          List<String> ids = byKey.computeIfAbsent(key, k -> new ArrayList<>());
          if (!ids.contains(task.taskId())) ids.add(task.taskId());
        }
      }
    }

    /** The one task of that name (and those arguments, unless null), labelled for messages. */
    String of(String label, String name, String args) {
      List<String> ids = all(name, args);
      assertThat(ids).as("tasks %s %s in the capture", name, args).hasSize(1);
      labels.put(ids.get(0), label);
      return ids.get(0);
    }

    List<String> all(String name, String args) {
      return byKey.getOrDefault(args == null ? name : name + " " + args, List.of());
    }

    private static String compact(Object json) {
      return String.valueOf(json).replace(" ", "");
    }
  }
}
