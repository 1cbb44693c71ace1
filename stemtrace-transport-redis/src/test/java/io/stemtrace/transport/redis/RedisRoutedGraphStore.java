package io.stemtrace.transport.redis;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.EventCodec;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.Transports;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GraphStore} whose events take the whole trip: {@code apply} encodes and queues, the first query
 * after it sends the queued events through a Redis transport as one batch, waits until an
 * {@link EventConsumer} subscribed on the same stream applied them to an {@link InMemoryGraphStore}, and
 * then answers from that store. The GraphStore contract run against it checks the graph built through Redis.
 */
final class RedisRoutedGraphStore implements GraphStore {

  private final String prefix;
  private final EventCodec codec = EventCodec.standard();
  private final InMemoryGraphStore target;
  private final Transport producer;
  private final Transport consumerSide;
  private final EventConsumer consumer;
  private final List<byte[]> pending = new ArrayList<>();
  private long sent;

  RedisRoutedGraphStore(String url, String prefix, int maxNodes) throws IOException {
    this.prefix = prefix;
    this.target = InMemoryGraphStore.create(maxNodes);
    this.producer = Transports.open(url, prefix);
    this.consumerSide = Transports.open(url, prefix);
    this.consumer = EventConsumer.builder(target).transport(consumerSide).build();
    consumer.start();
  }

  String prefix() {
    return prefix;
  }

  @Override
  public synchronized void apply(TaskEvent event) {
    pending.add(codec.encode(event));
  }

  @Override
  public synchronized void apply(WorkerEvent event) {
    pending.add(codec.encode(event));
  }

  /** Sends what was applied since the last query, then waits until the consumer applied all of it. */
  private synchronized GraphStore synced() {
    try {
      if (!pending.isEmpty()) {
        producer.send(pending);
        sent += pending.size();
        pending.clear();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        var metrics = consumer.metrics();
        if (metrics.eventsApplied() + metrics.eventsRejected() + metrics.applyFailures() >= sent) return target;
        if (System.nanoTime() > deadline) {
          throw new AssertionError("consumer applied " + metrics.eventsApplied() + " of " + sent + " events sent via Redis");
        }
        Thread.sleep(1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<TaskNode> task(String taskId) {
    return synced().task(taskId);
  }

  @Override
  public List<TaskNode> children(String taskId) {
    return synced().children(taskId);
  }

  @Override
  public Page<TaskNode> tasks(TaskQuery query) {
    return synced().tasks(query);
  }

  @Override
  public Page<WorkflowSummary> workflows(WorkflowQuery query) {
    return synced().workflows(query);
  }

  @Override
  public Optional<WorkflowGraph> workflow(String rootId) {
    return synced().workflow(rootId);
  }

  @Override
  public Optional<String> workflowOf(String taskId) {
    return synced().workflowOf(taskId);
  }

  @Override
  public List<WorkerInfo> workers() {
    return synced().workers();
  }

  @Override
  public Optional<WorkerInfo> worker(String hostname) {
    return synced().worker(hostname);
  }

  @Override
  public List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    return synced().registry(query, status);
  }

  @Override
  public long taskCount() {
    return synced().taskCount();
  }

  @Override
  public long workflowCount() {
    return synced().workflowCount();
  }

  @Override
  public void close() {
    consumer.close();
    consumerSide.close();
    producer.close();
  }
}
