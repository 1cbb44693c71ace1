package io.stemtrace.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One workflow: its root and every node reachable from it, the root first.
 *
 * @param rootId the root node's id (a task id or a container id)
 * @param nodes every node by id, in a stable order with the root first
 */
public record WorkflowGraph(String rootId, Map<String, GraphNode> nodes) {
  public WorkflowGraph {
    Objects.requireNonNull(rootId, "rootId == null");
    nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
  }
}
