package io.stemtrace.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.api.GraphNode;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.WorkflowGraph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The drawing a workflow should have, written the way the canvas was written, and a strict check of
 * a store's graph against it: the tree must be exactly this one (every node, no other), containers
 * must hold exactly these members, a chord's callback or body must be the node it names. Containers
 * are matched by what they hold, so a test needs no group ids. Siblings are compared as sets (their
 * order follows time).
 *
 * <pre>{@code
 * // chord([chord([a, b], ta), chord([c, d], tb), e], outer)
 * WorkflowShape.assertWorkflow(store,
 *     chord(chord(task(a), task(b)).then(task(ta)), chord(task(c), task(d)).then(task(tb)), task(e))
 *         .then(task(outer)));
 * }</pre>
 */
public abstract class WorkflowShape {

  private WorkflowShape() {}

  /** A task, with the nodes drawn under it (children it spawned, the rest of its chain). */
  public static WorkflowShape task(String id, WorkflowShape... children) {
    if (id == null) throw new NullPointerException("id == null");
    return new Task(id, List.of(children));
  }

  /** A GROUP container holding exactly these members. */
  public static Container group(WorkflowShape... members) {
    return new Container(GraphNode.NodeType.GROUP, List.of(members), null);
  }

  /**
   * A CHORD container holding exactly these members; {@link Container#then} names its callback or
   * body.
   */
  public static Container chord(WorkflowShape... members) {
    return new Container(GraphNode.NodeType.CHORD, List.of(members), null);
  }

  /**
   * Asserts that the workflow holding the shape's first task is drawn exactly as {@code expected},
   * and returns its graph. The failure message shows both trees, ids replaced by {@code labels}
   * where given.
   */
  public static WorkflowGraph assertWorkflow(
      GraphStore store, WorkflowShape expected, Map<String, String> labels) {
    String anyTask = expected.firstTaskId();
    assertThat(anyTask).as("the expected shape names a task").isNotNull();
    String rootId =
        store
            .workflowOf(anyTask)
            .orElseThrow(
                () -> new AssertionError("task " + label(anyTask, labels) + " is in no workflow"));
    WorkflowGraph graph =
        store.workflow(rootId).orElseThrow(() -> new AssertionError("no graph for " + rootId));
    Set<String> rendered = new HashSet<>();
    String actual = render(graph, graph.rootId(), labels, rendered);
    assertThat(actual).as("workflow %s", label(rootId, labels)).isEqualTo(expected.render(labels));
    assertThat(rendered)
        .as("every node of the graph is drawn once from its root")
        .hasSize(graph.nodes().size());
    return graph;
  }

  public static WorkflowGraph assertWorkflow(GraphStore store, WorkflowShape expected) {
    return assertWorkflow(store, expected, Map.of());
  }

  /** The graph drawn from {@code nodeId} in the canonical text form the assertion compares. */
  public static String render(WorkflowGraph graph, String nodeId, Map<String, String> labels) {
    return render(graph, nodeId, labels, new HashSet<>());
  }

  abstract String render(Map<String, String> labels);

  abstract String firstTaskId();

  private static final class Task extends WorkflowShape {
    final String id;
    final List<WorkflowShape> children;

    Task(String id, List<WorkflowShape> children) {
      this.id = id;
      this.children = children;
    }

    @Override
    String render(Map<String, String> labels) {
      List<String> below = new ArrayList<>();
      for (WorkflowShape child : children) below.add(child.render(labels));
      return block(label(id, labels), below, null);
    }

    @Override
    String firstTaskId() {
      return id;
    }
  }

  /** A GROUP or CHORD container. */
  public static final class Container extends WorkflowShape {
    final GraphNode.NodeType type;
    final List<WorkflowShape> members;
    final WorkflowShape body;

    Container(GraphNode.NodeType type, List<WorkflowShape> members, WorkflowShape body) {
      this.type = type;
      this.members = members;
      this.body = body;
    }

    /**
     * The node drawn after the members: a chord's callback, or the task or container that ran as
     * its body.
     */
    public Container then(WorkflowShape body) {
      if (body == null) throw new NullPointerException("body == null");
      return new Container(type, members, body);
    }

    @Override
    String render(Map<String, String> labels) {
      List<String> inside = new ArrayList<>();
      for (WorkflowShape member : members) inside.add(member.render(labels));
      return block(type.name(), inside, body == null ? null : body.render(labels));
    }

    @Override
    String firstTaskId() {
      for (WorkflowShape member : members) {
        String id = member.firstTaskId();
        if (id != null) return id;
      }
      return body == null ? null : body.firstTaskId();
    }
  }

  private static String render(
      WorkflowGraph graph, String nodeId, Map<String, String> labels, Set<String> rendered) {
    // iterative post-order: a 10 000-step chain must not overflow the stack
    List<String> stack = new ArrayList<>(List.of(nodeId));
    Set<String> entered = new HashSet<>();
    Map<String, String> done = new HashMap<>();
    while (!stack.isEmpty()) {
      String id = stack.get(stack.size() - 1);
      GraphNode node = graph.nodes().get(id);
      if (node == null) {
        stack.remove(stack.size() - 1);
        done.put(id, "MISSING " + label(id, labels));
        continue;
      }
      if (entered.add(id)) {
        rendered.add(id);
        for (String child : node.children()) {
          if (!entered.contains(child)) stack.add(child);
        }
        continue;
      }
      stack.remove(stack.size() - 1);
      if (done.containsKey(id)) continue;
      List<String> inside = new ArrayList<>();
      String body = null;
      for (String child : node.children()) {
        String text = done.getOrDefault(child, "CYCLE " + label(child, labels));
        if (child.equals(node.bodyId())) {
          body = text;
        } else {
          inside.add(text);
        }
      }
      String head = node.type() == GraphNode.NodeType.TASK ? label(id, labels) : node.type().name();
      done.put(id, block(head, inside, body));
    }
    return done.get(nodeId);
  }

  /**
   * One node: its head line, what it holds indented and sorted, then its body as {@code then ...}.
   */
  private static String block(String head, List<String> inside, String body) {
    List<String> sorted = new ArrayList<>(inside);
    Collections.sort(sorted);
    StringBuilder out = new StringBuilder(head);
    for (String child : sorted) out.append('\n').append(indent(child, "  "));
    if (body != null) out.append("\nthen ").append(indent(body, "     ").substring(5));
    return out.toString();
  }

  private static String indent(String text, String prefix) {
    return prefix + text.replace("\n", "\n" + prefix);
  }

  private static String label(String id, Map<String, String> labels) {
    return labels.getOrDefault(id, id);
  }
}
