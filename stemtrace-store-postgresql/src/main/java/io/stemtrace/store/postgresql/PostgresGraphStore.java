package io.stemtrace.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stemtrace.api.EventSink;
import io.stemtrace.api.GraphStore;
import io.stemtrace.api.Page;
import io.stemtrace.api.RegistryEntry;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.TaskQuery;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.api.WorkerInfo;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.codec.DecodeResult;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GraphStore} whose history lives in PostgreSQL and survives restarts.
 *
 * <p>Every distinct event is written once to a day-partitioned event log; {@link #flush()} commits
 * what was applied since the last one (the consumer calls it before the broker counts a batch as
 * consumed), and replaying a batch after a crash writes nothing new. Queries are answered by an
 * in-memory working set, the same graph engine as {@code memory://}, rebuilt from the log when the
 * store opens and bounded by the collector's limits; the log keeps {@code retain} days whatever the
 * working set holds. Thread-safe: one thread applies and flushes while any number query.
 */
public final class PostgresGraphStore implements GraphStore {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresGraphStore.class);

  /** Applied events held for the next flush before one is forced. */
  static final int MAX_PENDING = 5_000;

  /**
   * The largest event stored as it arrived (the working set keeps at most as much payload per
   * task); a larger task event is stored without its args, kwargs and result.
   */
  static final int MAX_STORED_EVENT_BYTES = InMemoryGraphStore.DEFAULT_MAX_TASK_PAYLOAD_BYTES;

  /** Events per batch handed to the collector when replaying the log. */
  static final int REPLAY_BATCH = 1_000;

  private final PostgresUrl url;

  /** The connections; closed with the store unless the builder was handed them. */
  private final DataSource pool;

  private final boolean ownsPool;
  private final EventLog log;
  private final InMemoryGraphStore memory;
  private final EventCodec codec = EventCodec.standard();
  private final Object pendingLock = new Object();
  private List<EventLog.Row> pending = new ArrayList<>();

  /** the last log row this store's working set holds; the feed and takeovers read after it */
  private volatile long lastSeq;

  private volatile long replayed;
  private volatile long payloadsNotStored;
  private volatile long rowsRefused;

  /** set while events read from the log pass through the collector: they are not written again */
  private volatile boolean replaying;

  /** set when this store follows the log (a reader): it never writes */
  private volatile boolean readOnly;

  private final Object writerLock = new Object();
  private WriterLock writer;
  private PostgresFeed feed;

  private PostgresGraphStore(Builder builder) {
    this.url = PostgresUrl.parse(builder.url);
    InMemoryGraphStore.Builder working = InMemoryGraphStore.builder().maxNodes(builder.maxNodes);
    if (builder.maxBytes > 0) working.maxBytes(builder.maxBytes);
    this.memory = working.build();
    this.ownsPool = builder.dataSource == null;
    this.pool = ownsPool ? pool(url) : builder.dataSource;
    try {
      try (Connection connection = pool.getConnection()) {
        Migrations.migrate(connection, url.schema());
      }
      this.log = new EventLog(pool, url.schema(), url.retain(), url.retainFailed(), builder.clock);
      LOG.info("opened {} (schema at version {})", url.safe(), Migrations.latest());
    } catch (SQLException e) {
      closePool();
      throw new IllegalStateException(
          "could not open the PostgreSQL store " + url.safe() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closePool();
      throw e;
    }
  }

  private static HikariDataSource pool(PostgresUrl url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    if (url.user() != null) config.setUsername(url.user());
    if (url.password() != null) config.setPassword(url.password());
    config.setMaximumPoolSize(url.poolSize());
    config.setMinimumIdle(1);
    config.setPoolName("stemtrace-postgresql{" + url.schema() + "}");
    config.setConnectionTimeout(10_000);
    // batched inserts become multi-row INSERTs: one round trip per few hundred events
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("ApplicationName", "stemtrace");
    // a database that is away fails the pool's start quickly and clearly instead of hanging
    config.setInitializationFailTimeout(10_000);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "could not connect to the PostgreSQL store "
              + url.safe()
              + ": "
              + rootMessage(e)
              + " (is PostgreSQL running, and may this user log in?)",
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  /** A store for {@code postgresql://user:password@host:5432/database?schema=...&retain=7d}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public void apply(TaskEvent event) {
    memory.apply(event);
    record(event);
  }

  @Override
  public void apply(WorkerEvent event) {
    memory.apply(event);
    record(event);
  }

  /** Keeps the bytes the event arrived as: a redelivery of them is the same row. */
  @Override
  public void apply(StemtraceEvent event, byte[] encoded) {
    if (event instanceof TaskEvent task) memory.apply(task);
    else if (event instanceof WorkerEvent worker) memory.apply(worker);
    record(event, encoded);
  }

  private void record(StemtraceEvent event) {
    if (replaying || readOnly) return;
    record(event, codec.encode(event));
  }

  private void record(StemtraceEvent event, byte[] encoded) {
    if (replaying || readOnly) return;
    if (encoded.length > MAX_STORED_EVENT_BYTES && event instanceof TaskEvent task) {
      // disk is bounded per event as the working set's memory is: the payload goes, the structure
      // stays
      encoded = codec.encode(task.toBuilder().args(null).kwargs(null).result(null).build());
      payloadsNotStored++;
    }
    // the workflow as the graph knows it now: what outcome-based retention keeps together
    String workflow =
        event instanceof TaskEvent task ? memory.workflowOf(task.taskId()).orElse(null) : null;
    EventLog.Row row = log.row(event, encoded, workflow);
    boolean full;
    synchronized (pendingLock) {
      pending.add(row);
      full = pending.size() >= MAX_PENDING;
    }
    if (full) {
      try {
        flush();
      } catch (RuntimeException e) {
        // kept pending: the consumer's flush at the end of its batch tries again and waits
        LOG.debug("forced flush failed; events stay pending", e);
      }
    }
  }

  /**
   * Commits every event applied since the last flush, in one transaction.
   *
   * @throws IllegalStateException when PostgreSQL refused or could not be reached, or another
   *     collector took the writer lock; the events stay pending for the next call
   */
  @Override
  public void flush() {
    List<EventLog.Row> batch;
    synchronized (pendingLock) {
      if (pending.isEmpty()) return;
      batch = pending;
      pending = new ArrayList<>();
    }
    try {
      WriterLock lock;
      synchronized (writerLock) {
        lock = writer;
      }
      if (lock != null && !lock.stillHeld()) {
        throw new IllegalStateException(
            "this collector lost the writer lock of " + url.schema() + " to another; not writing");
      }
      writeOrRefuseBadRows(batch);
    } catch (SQLException | RuntimeException e) {
      synchronized (pendingLock) {
        batch.addAll(pending);
        pending = batch;
      }
      throw new IllegalStateException(
          "could not write " + batch.size() + " events to " + url.safe() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Writes the batch; when PostgreSQL refuses its data (SQLSTATE class 22 or 23), writes the rows
   * one by one and leaves out, counted and logged, those it refuses: one bad row must not hold the
   * stream back forever. Anything else (the database away) fails the whole batch, to be retried.
   */
  private void writeOrRefuseBadRows(List<EventLog.Row> batch) throws SQLException {
    try {
      log.write(batch);
    } catch (SQLException e) {
      if (!isDataError(e)) throw e;
      for (EventLog.Row row : batch) {
        try {
          log.write(List.of(row));
        } catch (SQLException one) {
          if (!isDataError(one)) throw one;
          rowsRefused++;
          if (rowsRefused == 1) {
            LOG.warn(
                "PostgreSQL refused an event of {}; left out of the log (further ones at DEBUG): {}",
                url.safe(),
                one.getMessage());
          } else {
            LOG.debug("PostgreSQL refused an event: {}", one.getMessage());
          }
        }
      }
    }
  }

  private static boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /** Events PostgreSQL refused to store (they stay in the working set). */
  public long rowsRefused() {
    return rowsRefused;
  }

  /** Events applied and not yet committed. */
  public int pendingEvents() {
    synchronized (pendingLock) {
      return pending.size();
    }
  }

  /** Task events stored without their payload because they were larger than 256 KiB. */
  public long payloadsNotStored() {
    return payloadsNotStored;
  }

  /** Events read back from the log by {@link #replayInto}. */
  public long replayedEvents() {
    return replayed;
  }

  /**
   * Hands every retained event not yet in the working set to {@code sink} (a collector's consumer,
   * which applies them here and tells its listeners), in commit order. Called again after a
   * takeover, it hands over what the previous writer committed meanwhile.
   */
  @Override
  public synchronized long replayInto(EventSink sink) {
    Objects.requireNonNull(sink, "sink == null");
    long started = System.nanoTime();
    long[] count = {0};
    replaying = true;
    try {
      lastSeq =
          log.readAfter(
              lastSeq,
              REPLAY_BATCH,
              batch -> {
                sink.accept(batch);
                count[0] += batch.size();
              });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read the event log of " + url.safe() + ": " + e.getMessage(), e);
    } finally {
      replaying = false;
    }
    replayed += count[0];
    LOG.info(
        "replayed {} events from {} in {} ms ({} tasks, {} workflows in the working set)",
        count[0],
        url.safe(),
        (System.nanoTime() - started) / 1_000_000,
        memory.taskCount(),
        memory.workflowCount());
    return count[0];
  }

  /** Applies what {@link #replayInto} reads when no collector is in between (tests, tools). */
  long replay() {
    return replayInto(
        batch -> {
          for (byte[] body : batch) {
            if (codec.decode(body) instanceof DecodeResult.Decoded decoded) {
              memory.apply(decoded.event());
            }
          }
        });
  }

  /** Reads what others commit, after what was replayed; subscribing makes this store read-only. */
  @Override
  public Optional<Transport> sharedFeed() {
    return Optional.of(new FeedTransport());
  }

  /** Where the feed goes on from; the feed moves it. */
  long lastSeq() {
    return lastSeq;
  }

  void lastSeq(long seq) {
    lastSeq = seq;
  }

  EventLog log() {
    return log;
  }

  /**
   * Takes this schema's writer lock, a PostgreSQL advisory lock held on a connection of its own;
   * while another process holds it, stands by and tries again every {@link WriterLock#RETRY_MILLIS}
   * ms. PostgreSQL releases it when the holder's connection ends, a killed process included, so a
   * standby takes over within seconds.
   */
  @Override
  public void awaitExclusiveWrites() throws InterruptedException {
    synchronized (writerLock) {
      if (writer == null) writer = new WriterLock(url);
    }
    writer.await();
  }

  /** A transport whose subscription follows this store's log. */
  private final class FeedTransport implements Transport {
    @Override
    public void send(List<byte[]> batch) throws java.io.IOException {
      throw new java.io.IOException(
          "the event log of " + url.safe() + " is written by the collector, not sent to");
    }

    @Override
    public Subscription subscribe(EventSink sink) {
      readOnly = true;
      synchronized (writerLock) {
        if (feed != null) throw new IllegalStateException("the store's feed is already followed");
        feed = new PostgresFeed(PostgresGraphStore.this, url, sink);
        return feed;
      }
    }

    @Override
    public String describe() {
      return "the event log of " + url.safe();
    }

    @Override
    public void close() {
      synchronized (writerLock) {
        if (feed != null) feed.close();
      }
    }
  }

  /** Drops the day partitions older than the retention now, instead of at the next day's flush. */
  int dropExpiredPartitions() throws SQLException {
    return log.dropExpired();
  }

  @Override
  public Optional<TaskNode> task(String taskId) {
    return memory.task(taskId);
  }

  @Override
  public List<TaskNode> children(String taskId) {
    return memory.children(taskId);
  }

  @Override
  public Page<TaskNode> tasks(TaskQuery query) {
    return memory.tasks(query);
  }

  @Override
  public Page<WorkflowSummary> workflows(WorkflowQuery query) {
    return memory.workflows(query);
  }

  @Override
  public Optional<WorkflowGraph> workflow(String rootId) {
    return memory.workflow(rootId);
  }

  @Override
  public Optional<WorkflowSummary> workflowSummary(String rootId) {
    return memory.workflowSummary(rootId);
  }

  @Override
  public Optional<String> workflowOf(String taskId) {
    return memory.workflowOf(taskId);
  }

  @Override
  public List<WorkerInfo> workers() {
    return memory.workers();
  }

  @Override
  public Optional<WorkerInfo> worker(String hostname) {
    return memory.worker(hostname);
  }

  @Override
  public List<RegistryEntry> registry(String query, RegistryEntry.Status status) {
    return memory.registry(query, status);
  }

  @Override
  public long taskCount() {
    return memory.taskCount();
  }

  @Override
  public long workflowCount() {
    return memory.workflowCount();
  }

  /** Commits what is pending (when PostgreSQL lets it) and closes the connections. */
  @Override
  public void close() {
    synchronized (writerLock) {
      if (feed != null) feed.close();
      if (writer != null) writer.close();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn(
          "closing {} with {} events not written: {}", url.safe(), pendingEvents(), e.getMessage());
    }
    closePool();
  }

  private void closePool() {
    if (ownsPool && pool instanceof HikariDataSource hikari) hikari.close();
  }

  @Override
  public String toString() {
    return "PostgresGraphStore{" + url.safe() + "}";
  }

  /** Options of a {@link PostgresGraphStore}; the URL carries the database's own. */
  public static final class Builder {
    private final URI url;
    private int maxNodes = InMemoryGraphStore.DEFAULT_MAX_NODES;
    private long maxBytes;
    private Clock clock = Clock.systemUTC();
    private DataSource dataSource;

    private Builder(String url) {
      Objects.requireNonNull(url, "url == null");
      try {
        this.url = new URI(url.trim());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(
            "malformed store URL: " + io.stemtrace.api.TransportOptions.redact(url), e);
      }
      PostgresUrl.parse(this.url); // fail here, at configuration, not at build
    }

    Builder(URI url) {
      this.url = Objects.requireNonNull(url, "url == null");
      PostgresUrl.parse(url);
    }

    /** The most tasks the working set keeps; the log keeps more. */
    public Builder maxNodes(int maxNodes) {
      if (maxNodes < 1) throw new IllegalArgumentException("maxNodes < 1: " + maxNodes);
      this.maxNodes = maxNodes;
      return this;
    }

    /** The most estimated bytes the working set holds; 0 for its default share of the heap. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
      this.maxBytes = maxBytes;
      return this;
    }

    /** The clock that decides which days are retained. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Connections to use instead of a pool of the store's own (the URL then only names the schema
     * and options); the caller closes them.
     */
    Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource == null");
      return this;
    }

    /**
     * Connects, migrates the schema and rebuilds the working set from the log.
     *
     * @throws IllegalStateException when PostgreSQL cannot be reached or refuses, with the reason
     */
    public PostgresGraphStore build() {
      return new PostgresGraphStore(this);
    }
  }
}
