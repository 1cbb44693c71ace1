package io.stemtrace.ui;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts events and keeps nothing: isolates the WebSocket feed's cost under load from any store's.
 */
final class NullGraphStore implements GraphStore {

  final AtomicLong applied = new AtomicLong();

  @Override
  public void apply(TaskEvent event) {
    applied.incrementAndGet();
  }

  @Override
  public void apply(WorkerEvent event) {
    applied.incrementAndGet();
  }

  @Override
  public Optional<TaskNode> task(String taskId) {
    return Optional.empty();
  }

  @Override
  public List<TaskNode> children(String taskId) {
    return List.of();
  }

  @Override
  public Page<TaskNode> tasks(TaskQuery q) {
    return new Page<>(List.of(), 0, q.limit(), q.offset());
  }

  @Override
  public Page<WorkflowSummary> workflows(WorkflowQuery q) {
    return new Page<>(List.of(), 0, q.limit(), q.offset());
  }

  @Override
  public Optional<WorkflowGraph> workflow(String rootId) {
    return Optional.empty();
  }

  @Override
  public Optional<String> workflowOf(String taskId) {
    return Optional.empty();
  }

  @Override
  public List<WorkerInfo> workers() {
    return List.of();
  }

  @Override
  public Optional<WorkerInfo> worker(String hostname) {
    return Optional.empty();
  }

  @Override
  public List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    return List.of();
  }

  @Override
  public long taskCount() {
    return 0;
  }

  @Override
  public long workflowCount() {
    return 0;
  }
}
