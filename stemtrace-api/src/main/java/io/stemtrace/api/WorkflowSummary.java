package io.stemtrace.api;

import java.time.Instant;

/**
 * One row of the workflow list.
 *
 * @param rootId the root node's id (a task id or a container id)
 * @param rootType whether the root is a task or a container
 * @param name the root's name (for a container root, the first member's name)
 * @param state the root's state (aggregate for containers)
 * @param taskCount how many task nodes the workflow holds
 * @param firstSeen the earliest timestamp in the workflow
 * @param lastUpdated the latest timestamp in the workflow
 */
public record WorkflowSummary(
    String rootId,
    GraphNode.NodeType rootType,
    String name,
    TaskState state,
    int taskCount,
    Instant firstSeen,
    Instant lastUpdated) {}
