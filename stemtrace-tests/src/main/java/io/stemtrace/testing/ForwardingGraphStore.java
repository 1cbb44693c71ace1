package io.stemtrace.testing;

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

/**
 * A {@link GraphStore} that hands every call to {@link #delegate()}: a test fake overrides only
 * what it changes (fail on one event, record the apply order, route events through a broker first).
 * {@link #close()} is not forwarded; the fake's owner closes what it owns.
 */
public abstract class ForwardingGraphStore implements GraphStore {

  /** The store calls go to; may differ per call (for example, one brought up to date first). */
  protected abstract GraphStore delegate();

  @Override
  public void apply(TaskEvent event) {
    delegate().apply(event);
  }

  @Override
  public void apply(WorkerEvent event) {
    delegate().apply(event);
  }

  @Override
  public void flush() {
    delegate().flush();
  }

  @Override
  public long replayInto(io.stemtrace.api.EventSink sink) {
    return delegate().replayInto(sink);
  }

  @Override
  public Optional<io.stemtrace.api.Transport> sharedFeed() {
    return delegate().sharedFeed();
  }

  @Override
  public void awaitExclusiveWrites() throws InterruptedException {
    delegate().awaitExclusiveWrites();
  }

  @Override
  public Optional<TaskNode> task(String taskId) {
    return delegate().task(taskId);
  }

  @Override
  public List<TaskNode> children(String taskId) {
    return delegate().children(taskId);
  }

  @Override
  public Page<TaskNode> tasks(TaskQuery query) {
    return delegate().tasks(query);
  }

  @Override
  public Page<WorkflowSummary> workflows(WorkflowQuery query) {
    return delegate().workflows(query);
  }

  @Override
  public Optional<WorkflowGraph> workflow(String rootId) {
    return delegate().workflow(rootId);
  }

  @Override
  public Optional<WorkflowSummary> workflowSummary(String rootId) {
    return delegate().workflowSummary(rootId);
  }

  @Override
  public Optional<String> workflowOf(String taskId) {
    return delegate().workflowOf(taskId);
  }

  @Override
  public List<WorkerInfo> workers() {
    return delegate().workers();
  }

  @Override
  public Optional<WorkerInfo> worker(String hostname) {
    return delegate().worker(hostname);
  }

  @Override
  public List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    return delegate().registry(query, status);
  }

  @Override
  public long taskCount() {
    return delegate().taskCount();
  }

  @Override
  public long workflowCount() {
    return delegate().workflowCount();
  }
}
