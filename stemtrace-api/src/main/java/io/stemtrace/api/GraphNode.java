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
 * @param children ids of the nodes drawn below this one; every task is listed under exactly one
 *     node
 * @param task the task's details for TASK nodes, null for containers
 * @param firstSeen earliest timestamp of the node (for containers, of any member)
 * @param lastUpdated latest timestamp of the node (for containers, of any member)
 * @param bodyId for a CHORD container, the node drawn after its members and listed last among its
 *     children: the callback task, or the task or container that ran as the chord's body (Celery's
 *     chain of groups, a chord inside a chain); null for tasks, groups and chords whose callback
 *     has not been seen
 */
public record GraphNode(
    String id,
    NodeType type,
    String name,
    TaskState state,
    List<String> children,
    TaskNode task,
    Instant firstSeen,
    Instant lastUpdated,
    String bodyId) {

  /** The prefix of a container's id: {@code group:} and then the group id. */
  public static final String CONTAINER_PREFIX = "group:";

  /** The id of the GROUP or CHORD container of a group. */
  public static String containerId(String groupId) {
    if (groupId == null) throw new NullPointerException("groupId == null");
    return CONTAINER_PREFIX + groupId;
  }

  /** The group id a container id names, or null when {@code id} is not a container id. */
  public static String groupIdOf(String id) {
    return id != null && id.startsWith(CONTAINER_PREFIX)
        ? id.substring(CONTAINER_PREFIX.length())
        : null;
  }

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
    if (bodyId != null && !children.contains(bodyId)) {
      throw new IllegalArgumentException(
          "bodyId " + bodyId + " is not among the children of " + id);
    }
  }

  /** A node without a body: a task, a group, or a chord whose callback has not been seen. */
  public GraphNode(
      String id,
      NodeType type,
      String name,
      TaskState state,
      List<String> children,
      TaskNode task,
      Instant firstSeen,
      Instant lastUpdated) {
    this(id, type, name, state, children, task, firstSeen, lastUpdated, null);
  }
}
