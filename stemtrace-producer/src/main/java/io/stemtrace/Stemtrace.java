package io.stemtrace;

import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.Transport;
import io.stemtrace.api.TransportChoice;
import io.stemtrace.api.WorkerEvent;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes a JVM application's background work visible in stemtrace: the entry point of the producer
 * side.
 *
 * <pre>{@code
 * try (Stemtrace stemtrace = Stemtrace.builder()
 *     .transportUrl("redis://localhost:6379/0")
 *     .registeredTasks("billing.charge", "mail.send")
 *     .build()) {
 *   TracingExecutorService executor = stemtrace.wrap(Executors.newFixedThreadPool(4));
 *   executor.submit("billing.charge", () -> charge(order));
 * }
 * }</pre>
 *
 * <p>Building announces the worker (worker_ready with hostname, pid and registered task names);
 * closing, or the JVM shutting down, sends worker_shutdown, flushes what is queued within the close
 * timeout and stops the publisher thread. Events are published asynchronously: task threads never
 * wait for the broker and never see an exception from stemtrace. Thread-safe.
 *
 * <p>While it runs, the instance repeats worker_ready (same hostname, pid and registered tasks)
 * every {@linkplain Builder#heartbeatInterval heartbeat interval}, so that a collector can tell a
 * silent worker from a live one; Python stemtrace consumers take it as the worker announcing itself
 * again, since a new {@code event_type} would make them reject the event. Task events carry the
 * worker's host name.
 */
public final class Stemtrace implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Stemtrace.class.getName());

  /** How often a worker repeats worker_ready unless told otherwise. */
  static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

  private final AsyncPublisher publisher;
  private final TaskTracer tracer;
  private final String hostname;
  private final long pid;
  private final boolean workerEvents;
  private final Duration closeTimeout;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private final List<String> registeredNames;
  private final Map<String, RegisteredTaskDefinition> definitions;

  /** null when heartbeats are off or worker events are */
  private final ScheduledExecutorService heartbeats;

  private Stemtrace(Builder builder, Transport transport, boolean ownsTransport) {
    this.clock = builder.clock;
    this.hostname = builder.hostname != null ? builder.hostname : defaultHostname();
    this.pid = ProcessHandle.current().pid();
    this.workerEvents = builder.workerEvents;
    this.closeTimeout = builder.closeTimeout;
    this.publisher =
        new AsyncPublisher(
            transport, ownsTransport, builder.queueSize, builder.batchSize, builder.flushInterval);
    Scrubber scrubber = Scrubber.create(builder.sensitiveKeys, builder.safeKeys);
    this.tracer =
        new TaskTracer(
            publisher,
            new JsonValues(scrubber, builder.maxPayloadBytes),
            builder.captureArgs,
            builder.captureResults,
            builder.maxPayloadBytes,
            clock,
            workerEvents ? hostname : null);
    this.registeredNames = List.copyOf(builder.definitions.keySet());
    this.definitions = Collections.unmodifiableMap(new LinkedHashMap<>(builder.definitions));
    if (workerEvents) sendWorkerReady();
    this.heartbeats =
        workerEvents && !builder.heartbeatInterval.isZero()
            ? startHeartbeats(builder.heartbeatInterval)
            : null;
    this.shutdownHook = builder.shutdownHook ? registerShutdownHook() : null;
  }

  /** Queues worker_ready: the announcement at start, and each heartbeat. */
  private void sendWorkerReady() {
    publisher.offer(
        new WorkerEvent(
            WorkerEvent.Type.READY,
            hostname,
            pid,
            Instant.now(clock),
            registeredNames,
            definitions,
            null));
  }

  private ScheduledExecutorService startHeartbeats(Duration interval) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "stemtrace-heartbeat{" + hostname + "}");
              thread.setDaemon(true);
              return thread;
            });
    long millis = Math.max(1, interval.toMillis());
    scheduler.scheduleAtFixedRate(this::heartbeat, millis, millis, TimeUnit.MILLISECONDS);
    return scheduler;
  }

  /** Stops heartbeats for good, so that none can follow worker_shutdown. */
  private void stopHeartbeats() {
    heartbeats.shutdownNow();
    try {
      heartbeats.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void heartbeat() {
    // an exception would cancel every later heartbeat; offering never throws, but stay safe
    try {
      if (!closed.get()) sendWorkerReady();
    } catch (RuntimeException e) {
      publisher.countDropped();
    }
  }

  /** A builder with the defaults: prefix {@code stemtrace}, capture on, queue of 10,000 events. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tracer for manual instrumentation. */
  public TaskTracer tracer() {
    return tracer;
  }

  /**
   * Wraps an executor so that everything submitted to it is traced; shutting the wrapper down shuts
   * it down.
   */
  public TracingExecutorService wrap(ExecutorService executor) {
    Objects.requireNonNull(executor, "executor == null");
    if (executor instanceof TracingExecutorService traced) return traced;
    return new TracingExecutorService(executor, tracer);
  }

  /**
   * Writes the thread's current task into message headers; does nothing when no task is current.
   */
  public void inject(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers == null");
    TaskContext current = CurrentTask.get();
    if (current != null) current.injectInto(headers);
  }

  /** Writes {@code context} into message headers. */
  public void inject(TaskContext context, Map<String, String> headers) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(headers, "headers == null");
    context.injectInto(headers);
  }

  /**
   * Reads a task context from message headers, or empty when they carry none. Make it current with
   * {@link TaskTracer#withContext} so tasks started in it become its children, or continue the very
   * task with {@link TaskTracer#join}.
   */
  public Optional<TaskContext> extract(Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers == null");
    return TaskContext.extractFrom(headers);
  }

  /** The publisher's counters. */
  public StemtraceMetrics metrics() {
    return new StemtraceMetrics(
        publisher.queuedCount(),
        publisher.sentCount(),
        publisher.droppedCount(),
        publisher.failedCount(),
        publisher.queueDepth());
  }

  /**
   * Sends what is queued now from the calling thread; true when the queue emptied within {@code
   * timeout}.
   */
  public boolean flush(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    return publisher.flush(timeout);
  }

  /** The worker name this instance announces itself with. */
  public String hostname() {
    return hostname;
  }

  /**
   * Sends worker_shutdown, flushes what is queued (waiting at most the close timeout), stops the
   * publisher thread and closes the transport if it was opened from a URL. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; the hook runs this close anyway
      }
    }
    if (heartbeats != null) stopHeartbeats();
    if (workerEvents) {
      Instant now = Instant.now(clock);
      publisher.offer(
          new WorkerEvent(WorkerEvent.Type.SHUTDOWN, hostname, pid, now, List.of(), Map.of(), now));
    }
    publisher.close(closeTimeout);
  }

  private Thread registerShutdownHook() {
    Thread hook = new Thread(this::close, "stemtrace-shutdown{" + hostname + "}");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return hook;
    } catch (IllegalStateException shuttingDown) {
      return null;
    }
  }

  private static String defaultHostname() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        host = "localhost";
      }
    }
    return "jvm-" + ProcessHandle.current().pid() + "@" + host;
  }

  /** Immutable configuration of a {@link Stemtrace}, collected fluently. Not thread-safe. */
  public static final class Builder {
    private final TransportChoice transport = new TransportChoice();
    private boolean captureArgs = true;
    private boolean captureResults = true;
    private final Set<String> sensitiveKeys = new LinkedHashSet<>();
    private final Set<String> safeKeys = new LinkedHashSet<>();
    private int maxPayloadBytes = 64 * 1024;
    private int queueSize = 10_000;
    private int batchSize = 200;
    private Duration flushInterval = Duration.ofMillis(50);
    private Duration closeTimeout = Duration.ofSeconds(2);
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private String hostname;
    private final Map<String, RegisteredTaskDefinition> definitions = new LinkedHashMap<>();
    private boolean workerEvents = true;
    private boolean shutdownHook = true;
    private Clock clock = Clock.systemUTC();

    Builder() {}

    /**
     * Where events go, such as {@code redis://localhost:6379/0}; the scheme picks the transport.
     */
    public Builder transportUrl(String transportUrl) {
      transport.url(transportUrl);
      return this;
    }

    /**
     * An explicit transport instead of a URL. The caller keeps ownership: {@link #close} does not
     * close it.
     */
    public Builder transport(Transport transport) {
      this.transport.transport(transport);
      return this;
    }

    /** Key, stream or exchange prefix for URL transports; default {@code stemtrace}. */
    public Builder prefix(String prefix) {
      transport.prefix(prefix);
      return this;
    }

    /** Whether task arguments are sent (scrubbed); default true. */
    public Builder captureArgs(boolean captureArgs) {
      this.captureArgs = captureArgs;
      return this;
    }

    /** Whether task results are sent (scrubbed); default true. */
    public Builder captureResults(boolean captureResults) {
      this.captureResults = captureResults;
      return this;
    }

    /** More key names to scrub, besides the defaults (password, token, api_key, ...). */
    public Builder sensitiveKeys(Collection<String> keys) {
      for (String key : Objects.requireNonNull(keys, "keys == null")) {
        sensitiveKeys.add(Objects.requireNonNull(key, "key == null"));
      }
      return this;
    }

    /** More key names to scrub, besides the defaults. */
    public Builder sensitiveKeys(String... keys) {
      return sensitiveKeys(List.of(keys));
    }

    /** Key names never scrubbed, even when they look sensitive. */
    public Builder safeKeys(Collection<String> keys) {
      for (String key : Objects.requireNonNull(keys, "keys == null")) {
        safeKeys.add(Objects.requireNonNull(key, "key == null"));
      }
      return this;
    }

    /** Key names never scrubbed, even when they look sensitive. */
    public Builder safeKeys(String... keys) {
      return safeKeys(List.of(keys));
    }

    /**
     * Largest size of one captured value (args, kwargs, result, traceback) before it is truncated;
     * default 64 KiB.
     */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      if (maxPayloadBytes < 256)
        throw new IllegalArgumentException("maxPayloadBytes < 256: " + maxPayloadBytes);
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** Most events waiting to be sent; more are dropped and counted. Default 10,000. */
    public Builder queueSize(int queueSize) {
      if (queueSize < 1) throw new IllegalArgumentException("queueSize < 1: " + queueSize);
      this.queueSize = queueSize;
      return this;
    }

    /** Most events per transport call; default 200. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) throw new IllegalArgumentException("batchSize < 1: " + batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** Longest time an event waits in the queue before it is sent; default 50 ms. */
    public Builder flushInterval(Duration flushInterval) {
      Objects.requireNonNull(flushInterval, "flushInterval == null");
      if (flushInterval.isNegative() || flushInterval.isZero()) {
        throw new IllegalArgumentException("flushInterval <= 0: " + flushInterval);
      }
      this.flushInterval = flushInterval;
      return this;
    }

    /** How long {@link Stemtrace#close} waits for queued events to be sent; default 2 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      Objects.requireNonNull(closeTimeout, "closeTimeout == null");
      if (closeTimeout.isNegative())
        throw new IllegalArgumentException("closeTimeout < 0: " + closeTimeout);
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * How often worker_ready is repeated while the instance runs, so that a collector sees the
     * worker is alive; default 30 s. {@link Duration#ZERO} turns heartbeats off (the worker is
     * announced once). Collectors mark a worker offline after not hearing from it for some multiple
     * of this (the server's {@code --worker-offline-after}, default 90 s).
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      Objects.requireNonNull(heartbeatInterval, "heartbeatInterval == null");
      if (heartbeatInterval.isNegative())
        throw new IllegalArgumentException("heartbeatInterval < 0: " + heartbeatInterval);
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    /** The worker name, unique per worker; default {@code jvm-PID@HOST}. */
    public Builder hostname(String hostname) {
      Objects.requireNonNull(hostname, "hostname == null");
      if (hostname.isBlank()) throw new IllegalArgumentException("hostname is blank");
      this.hostname = hostname;
      return this;
    }

    /** Task names this worker runs, announced in worker_ready. */
    public Builder registeredTasks(String... names) {
      for (String name : names) {
        Objects.requireNonNull(name, "name == null");
        definitions.putIfAbsent(name, new RegisteredTaskDefinition(name, null, null, null, false));
      }
      return this;
    }

    /** A task this worker runs, with its details (module, signature, documentation). */
    public Builder registeredTask(RegisteredTaskDefinition definition) {
      Objects.requireNonNull(definition, "definition == null");
      definitions.put(definition.name(), definition);
      return this;
    }

    /**
     * Whether to send worker_ready, heartbeats and worker_shutdown, and to name this worker on task
     * events; default true. Turn off for pure clients.
     */
    public Builder workerEvents(boolean workerEvents) {
      this.workerEvents = workerEvents;
      return this;
    }

    /**
     * Whether a JVM shutdown hook closes the instance (and sends worker_shutdown); default true.
     */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /** The clock for event timestamps; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Builds and starts the instance (announcing the worker).
     *
     * @throws IllegalStateException when neither or both of a transport URL and a transport are set
     * @throws IllegalArgumentException when the URL is malformed or no transport handles its scheme
     */
    public Stemtrace build() {
      if (!transport.isSet())
        throw new IllegalStateException("set transportUrl(...) or transport(...)");
      TransportChoice.Opened opened = transport.open();
      LOG.log(
          System.Logger.Level.DEBUG, "stemtrace publishing to {0}", opened.transport().describe());
      return new Stemtrace(this, opened.transport(), opened.owned());
    }
  }
}
