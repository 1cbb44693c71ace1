package io.stemtrace.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node of a workflow graph: a task, or a synthetic GROUP or CHORD container.
 *
 * @param id the task id, or {@code group:<group id>} for a container
 * @param type what the node is
 * @param name the task name; for containers {@code group} or {@code chord}
 * @param state the task's state; for containers the aggregate of the members
 * @param children ids of the nodes drawn below this one; every task is listed under exactly one node
 * @param task the task's details for TASK nodes, null for containers
 * @param firstSeen earliest timestamp of the node (for containers, of any member)
 * @param lastUpdated latest timestamp of the node (for containers, of any member)
 */
public record GraphNode(
    String id,
    NodeType type,
    String name,
    TaskState state,
    List<String> children,
    TaskNode task,
    Instant firstSeen,
    Instant lastUpdated) {

  /** What a graph node stands for. */
  public enum NodeType {
    TASK,
    GROUP,
    CHORD
  }

  public GraphNode {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(state, "state == null");
    children = List.copyOf(children);
  }
}
