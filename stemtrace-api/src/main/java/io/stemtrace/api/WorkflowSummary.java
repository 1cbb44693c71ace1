package io.stemtrace.api;

import java.time.Duration;
import java.time.Instant;

/**
 * One row of the workflow list, and the figures every page shows for a workflow.
 *
 * @param rootId the root node's id (a task id or a container id)
 * @param rootType whether the root is a task or a container
 * @param name the root's name (for a container root, the first member's name)
 * @param state the root's state (aggregate for containers)
 * @param taskCount how many task nodes the workflow holds
 * @param firstSeen the earliest timestamp in the workflow
 * @param lastUpdated the latest timestamp in the workflow
 * @param finished every task of the workflow reached a terminal state and no chord in it still
 *     waits for its callback
 */
public record WorkflowSummary(
    String rootId,
    GraphNode.NodeType rootType,
    String name,
    TaskState state,
    int taskCount,
    Instant firstSeen,
    Instant lastUpdated,
    boolean finished) {

  /**
   * The workflow's duration: from its first event to its last, over every task (callbacks, retries
   * and spawned children included); null while it has not finished, when only the time elapsed
   * since {@link #firstSeen} can be told.
   */
  public Duration duration() {
    if (!finished || firstSeen == null || lastUpdated == null) return null;
    return Duration.between(firstSeen, lastUpdated);
  }

  /**
   * The summary of a drawn workflow: finished when every node, containers included, is terminal (a
   * chord waiting for its callback counts as PENDING).
   */
  public static WorkflowSummary of(WorkflowGraph graph) {
    if (graph == null) throw new NullPointerException("graph == null");
    GraphNode root = graph.nodes().get(graph.rootId());
    if (root == null)
      throw new IllegalArgumentException("graph without its root " + graph.rootId());
    Instant first = null;
    Instant last = null;
    int tasks = 0;
    boolean finished = true;
    String firstTaskName = null;
    for (GraphNode node : graph.nodes().values()) {
      if (!node.state().isTerminal()) finished = false;
      if (node.type() != GraphNode.NodeType.TASK) continue;
      tasks++;
      if (firstTaskName == null) firstTaskName = node.name();
      if (node.firstSeen() != null && (first == null || node.firstSeen().isBefore(first)))
        first = node.firstSeen();
      if (node.lastUpdated() != null && (last == null || node.lastUpdated().isAfter(last)))
        last = node.lastUpdated();
    }
    String name = root.type() == GraphNode.NodeType.TASK ? root.name() : firstTaskName;
    return new WorkflowSummary(
        root.id(), root.type(), name, root.state(), tasks, first, last, finished);
  }
}
