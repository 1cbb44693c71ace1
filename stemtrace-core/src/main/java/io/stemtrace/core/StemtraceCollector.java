package io.stemtrace.core;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.GraphStoreProvider;
import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportChoice;
import io.stemtrace.core.anomaly.AnomalyDetector;
import io.stemtrace.core.anomaly.AnomalyListener;
import io.stemtrace.core.export.WorkflowExport;
import io.stemtrace.core.graph.GraphStores;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.core.stats.TaskStatistics;
import io.stemtrace.core.workers.WorkerMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A running collector: events from a transport, applied to a graph store, watched for anomalies and
 * counted into statistics, with import of export documents. It needs no HTTP: a headless process
 * that consumes into a shared store is a collector alone, and the dashboard ({@code
 * StemtraceHandler}) is HTTP over one.
 *
 * <pre>{@code
 * try (StemtraceCollector collector = StemtraceCollector.builder()
 *     .transportUrl("redis://localhost:6379/0").build().start()) {
 *   collector.anomalies().anomalies(Set.of(), 10, 0);
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops consuming and closes what the collector opened itself (a transport from
 * a URL, a store from a URL); what the caller handed in stays the caller's.
 */
public final class StemtraceCollector implements AutoCloseable {

  /**
   * How many tasks the store keeps, and anomaly detection and statistics follow, unless told
   * otherwise.
   */
  public static final int DEFAULT_MAX_NODES = InMemoryGraphStore.DEFAULT_MAX_NODES;

  private final Transport transport;
  private final boolean ownsTransport;
  private final GraphStore store;
  private final boolean ownsStore;
  private final boolean readOnly;
  private final AnomalyDetector anomalies;
  private final TaskStatistics statistics;
  private final WorkerMonitor workers;
  private final EventConsumer consumer;
  private final Clock clock;
  private final NodeAlias nodeAlias;
  private volatile boolean started;
  private volatile boolean closed;

  private StemtraceCollector(Builder builder, TransportChoice.Opened opened) {
    this.ownsStore = builder.store == null;
    this.readOnly = builder.readOnly;
    try {
      this.store =
          ownsStore
              ? GraphStores.open(
                  builder.storeUrl,
                  new GraphStoreProvider.Limits(builder.maxNodes, builder.maxBytes))
              : builder.store;
    } catch (RuntimeException e) {
      if (opened != null && opened.owned()) opened.transport().close();
      throw e;
    }
    if (readOnly) {
      Optional<Transport> feed = store.sharedFeed();
      if (feed.isEmpty()) {
        if (ownsStore) store.close();
        throw new IllegalArgumentException(
            "a collector without a consumer of its own reads what others write to a shared store,"
                + " such as postgresql://...; "
                + store
                + " is seen by this process only");
      }
      this.transport = feed.get();
      this.ownsTransport = true;
    } else {
      this.ownsTransport = opened != null && opened.owned();
      this.transport = opened == null ? null : opened.transport();
    }
    this.clock = builder.clock;
    this.nodeAlias = builder.nodeAlias;
    this.anomalies =
        AnomalyDetector.builder(store)
            .clock(clock)
            .pendingThreshold(builder.stuckPendingAfter)
            .startedThreshold(builder.stuckStartedAfter)
            .chordThreshold(builder.chordJoinWithin)
            .resolvedRetention(builder.anomalyRetention)
            .maxWatched(builder.maxNodes)
            .build();
    this.statistics =
        TaskStatistics.builder().clock(clock).maxTrackedTasks(builder.maxNodes).build();
    this.workers =
        WorkerMonitor.builder()
            .clock(clock)
            .offlineAfter(builder.workerOfflineAfter)
            .maxTrackedTasks(builder.maxNodes)
            .build();
    // without a transport the consumer still applies imported documents
    EventConsumer.Builder consumerBuilder =
        EventConsumer.builder(store)
            .clock(clock)
            .listener(anomalies)
            .listener(statistics)
            .listener(workers);
    if (transport != null) consumerBuilder.transport(transport);
    this.consumer = consumerBuilder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Which argument names each task on graph nodes and in lists ({@link Builder#nodeAlias}). */
  public NodeAlias nodeAlias() {
    return nodeAlias;
  }

  /**
   * Starts the anomaly detector and subscribes to the transport (when there is one); returns this.
   * Calling it again does nothing.
   *
   * @throws UncheckedIOException when the transport cannot subscribe (the collector is closed then)
   */
  public StemtraceCollector start() {
    synchronized (this) {
      if (closed) throw new IllegalStateException("collector closed");
      if (started) return this;
      started = true;
      anomalies.start();
    }
    try {
      // a second collector on a shared store stands by here until the first stops; not under this
      // object's lock, so that close() can end the wait
      if (!readOnly && transport != null) store.awaitExclusiveWrites();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("stopped while standing by for " + store, e);
    }
    synchronized (this) {
      if (closed) throw new IllegalStateException("collector closed while standing by");
      try {
        // what a durable store kept reaches the listeners (anomalies, statistics, workers) first
        store.replayInto(consumer);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      if (transport == null) return this;
      try {
        consumer.start();
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(
            "cannot subscribe to " + transport.describe() + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      return this;
    }
  }

  /** The store events are applied to. */
  public GraphStore store() {
    return store;
  }

  /** The live anomaly detector fed by the consumer. */
  public AnomalyDetector anomalies() {
    return anomalies;
  }

  /** The task statistics fed by the consumer. */
  public TaskStatistics statistics() {
    return statistics;
  }

  /** Liveness, task counts and restarts per worker, fed by the consumer. */
  public WorkerMonitor workers() {
    return workers;
  }

  /**
   * What the consumer did so far (all zero before any event, and without a transport but for
   * imports).
   */
  public ConsumerMetrics metrics() {
    return consumer.metrics();
  }

  /**
   * The transport's description ({@code redis://host:6379/0 stream ...}), or empty without a
   * transport.
   */
  public Optional<String> transportDescription() {
    return transport == null ? Optional.empty() : Optional.of(transport.describe());
  }

  /** Whether events come from a transport (else only imports reach the store). */
  public boolean hasTransport() {
    return transport != null;
  }

  /** The clock of anomaly detection, statistics windows and export times. */
  public Clock clock() {
    return clock;
  }

  /**
   * Tells {@code listener} about every event applied from now on, on the consumer's thread (see
   * {@link EventListener}); a dashboard's live feed listens here.
   */
  public void addListener(EventListener listener) {
    consumer.addListener(listener);
  }

  /** Tells {@code listener} about anomalies raised and cleared from now on. */
  public void addAnomalyListener(AnomalyListener listener) {
    anomalies.addListener(listener);
  }

  /**
   * Applies an export document (see docs/API.md) as if its events had arrived on the transport.
   *
   * @throws WorkflowExport.InvalidExportException when it is not an export document
   */
  public WorkflowExport.ImportResult importDocument(byte[] document) {
    return importDocument(WorkflowExport.read(document));
  }

  /** Applies a parsed export document through the consumer, listeners included. */
  public WorkflowExport.ImportResult importDocument(WorkflowExport.Document document) {
    return WorkflowExport.importInto(consumer, document);
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    consumer.close();
    anomalies.close();
    if (ownsTransport && transport != null) transport.close();
    if (ownsStore) store.close();
  }

  @Override
  public String toString() {
    return "StemtraceCollector{"
        + transportDescription().orElse("no transport")
        + ", "
        + store
        + "}";
  }

  /**
   * Configures a {@link StemtraceCollector}. Not thread-safe; {@link #build()} validates
   * everything.
   */
  public static final class Builder {
    private final TransportChoice transport = new TransportChoice();
    private String storeUrl = GraphStores.DEFAULT_URL;
    private GraphStore store;
    private boolean readOnly;
    private int maxNodes = DEFAULT_MAX_NODES;
    private long maxBytes;
    private Duration stuckPendingAfter = Duration.ofMinutes(5);
    private Duration stuckStartedAfter = Duration.ofMinutes(30);
    private Duration chordJoinWithin = Duration.ofMinutes(1);
    private Duration workerOfflineAfter = WorkerMonitor.DEFAULT_OFFLINE_AFTER;
    private Duration anomalyRetention = AnomalyDetector.DEFAULT_RESOLVED_RETENTION;
    private Clock clock = Clock.systemUTC();
    private NodeAlias nodeAlias = NodeAlias.none();

    Builder() {}

    /**
     * Where events come from, such as {@code redis://localhost:6379/0}, {@code
     * amqp://guest:guest@host:5672/} or {@code memory://demo}; the scheme picks the transport found
     * on the classpath. The collector closes a transport it opened.
     */
    public Builder transportUrl(String transportUrl) {
      transport.url(transportUrl);
      return this;
    }

    /** A transport the caller opened (and closes); instead of {@link #transportUrl}. */
    public Builder transport(Transport transport) {
      this.transport.transport(transport);
      return this;
    }

    /**
     * The key, stream or exchange prefix for a transport opened from a URL; default {@code
     * stemtrace}.
     */
    public Builder prefix(String prefix) {
      transport.prefix(prefix);
      return this;
    }

    /**
     * Where the graph is kept, such as {@code memory://} (the default); the scheme picks the store
     * found on the classpath. The collector closes a store it opened.
     */
    public Builder storeUrl(String storeUrl) {
      this.storeUrl = Objects.requireNonNull(storeUrl, "storeUrl == null");
      return this;
    }

    /**
     * Consume nothing from a broker: follow what other processes (a headless collector) write to
     * the shared store instead ({@code --no-consumer}). Needs a store such as {@code
     * postgresql://...}; no transport may be set.
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /** A store the caller created (and closes); instead of {@link #storeUrl}. */
    public Builder store(GraphStore store) {
      this.store = Objects.requireNonNull(store, "store == null");
      return this;
    }

    /**
     * The most task nodes a store opened from a URL keeps, and the most unfinished tasks anomaly
     * detection and statistics follow; default 100 000.
     */
    public Builder maxNodes(int maxNodes) {
      if (maxNodes < 1) throw new IllegalArgumentException("maxNodes < 1: " + maxNodes);
      this.maxNodes = maxNodes;
      return this;
    }

    /**
     * The most estimated heap bytes an in-memory store opened from a URL holds before evicting
     * whole oldest workflows; default a quarter of the maximum heap. 0 means that default.
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes != 0 && maxBytes < 1 << 20)
        throw new IllegalArgumentException("maxBytes < 1 MiB: " + maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /** How long a registered task may wait to run before it is STUCK_PENDING; default 5 minutes. */
    public Builder stuckPendingAfter(Duration threshold) {
      this.stuckPendingAfter = positive(threshold, "stuckPendingAfter");
      return this;
    }

    /** How long a task may run before it is STUCK_STARTED; default 30 minutes. */
    public Builder stuckStartedAfter(Duration threshold) {
      this.stuckStartedAfter = positive(threshold, "stuckStartedAfter");
      return this;
    }

    /**
     * How soon after its last header succeeded a chord callback must start, else CHORD_NOT_JOINED;
     * default 1 min.
     */
    public Builder chordJoinWithin(Duration threshold) {
      this.chordJoinWithin = positive(threshold, "chordJoinWithin");
      return this;
    }

    /**
     * How long a worker may stay silent (no heartbeat, no task event naming it) before it shows as
     * offline; default 90 s, three of the JVM producer's default heartbeat intervals.
     */
    public Builder workerOfflineAfter(Duration threshold) {
      this.workerOfflineAfter = positive(threshold, "workerOfflineAfter");
      return this;
    }

    /**
     * How long an anomaly group whose anomalies all resolved stays listed; default 1 hour (see
     * {@link AnomalyDetector#groups}).
     */
    public Builder anomalyRetention(Duration retention) {
      this.anomalyRetention = positive(retention, "anomalyRetention");
      return this;
    }

    /**
     * The clock of anomaly detection, statistics windows, worker liveness and export times; default
     * the system UTC clock.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Which argument names a task where the dashboard shows it (graph nodes, lists), as Python
     * stemtrace's {@code node_alias_from_arguments}; default {@link NodeAlias#none()}, the task
     * name. The store keeps every name and argument as it came: this only picks what is shown.
     */
    public Builder nodeAlias(NodeAlias nodeAlias) {
      this.nodeAlias = Objects.requireNonNull(nodeAlias, "nodeAlias == null");
      return this;
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name + " == null");
      if (value.isNegative() || value.isZero())
        throw new IllegalArgumentException(name + " <= 0: " + value);
      return value;
    }

    /**
     * Creates the collector; {@link StemtraceCollector#start()} starts it.
     *
     * @throws IllegalArgumentException for an unknown transport or store scheme (the message lists
     *     the schemes found) or a malformed URL
     * @throws IllegalStateException when both a URL and an instance are set for the transport or
     *     the store
     */
    public StemtraceCollector build() {
      if (store != null && !storeUrl.equals(GraphStores.DEFAULT_URL)) {
        throw new IllegalStateException("set storeUrl or store, not both");
      }
      if (readOnly && transport.isSet()) {
        throw new IllegalStateException(
            "a read-only collector follows its store; it takes no transport");
      }
      // the transport first: an unknown scheme is the likeliest mistake and must be reported as
      // such
      return new StemtraceCollector(this, transport.open());
    }
  }
}
