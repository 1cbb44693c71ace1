package io.stemtrace.ui;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.EventListener;
import io.stemtrace.core.anomaly.AnomalyChange;
import io.stemtrace.core.anomaly.AnomalyListener;
import io.stemtrace.ui.auth.Authentication;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * The {@code /ws} feed: records which tasks and workers changed and pushes one coalesced frame per
 * interval to every client.
 *
 * <p>Guarantees: {@link #onApplied} (the consumer thread) only updates a map capped at
 * {@code maxTasksPerFrame} entries under a short lock, so consumption never waits on clients; frames are
 * built and sent on one daemon thread ({@code stemtrace-websocket-feed}); sends are asynchronous, and a
 * client with {@code maxPendingFrames} frames still unwritten is closed, so a slow or dead client costs at
 * most that many frames of memory and never delays the others. At most 1 000 clients are served, and a
 * client's own messages (ignored) are limited to 4 KiB.
 */
final class LiveFeed implements EventListener, AnomalyListener, WebSocketConnectionCallback, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final int MAX_WORKERS_PER_FRAME = 200;
  private static final int MAX_CLIENTS = 1_000;
  private static final long MAX_CLIENT_MESSAGE_BYTES = 4_096;

  private final GraphStore store;
  private final long intervalMillis;
  private final int maxTasksPerFrame;
  private final int maxPendingFrames;
  /** Session ends (ACCESS_EXPIRES) are read against the handler's clock. */
  private final Clock clock;

  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong framesSent = new AtomicLong();

  // guarded by 'this'; swapped out by the flusher
  private Map<String, TaskEvent> changedTasks = new LinkedHashMap<>();
  private Map<String, WorkerEvent> changedWorkers = new LinkedHashMap<>();
  /** the latest change per (type, subject) since the last frame */
  private Map<String, AnomalyChange> changedAnomalies = new LinkedHashMap<>();
  private boolean truncated;

  private ScheduledExecutorService flusher;
  private volatile boolean closed;

  LiveFeed(GraphStore store, Duration interval, int maxTasksPerFrame, int maxPendingFrames, Clock clock) {
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval <= 0: " + interval);
    if (maxTasksPerFrame < 1) throw new IllegalArgumentException("maxTasksPerFrame < 1: " + maxTasksPerFrame);
    if (maxPendingFrames < 1) throw new IllegalArgumentException("maxPendingFrames < 1: " + maxPendingFrames);
    this.store = store;
    this.intervalMillis = interval.toMillis();
    this.maxTasksPerFrame = maxTasksPerFrame;
    this.maxPendingFrames = maxPendingFrames;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- consumer side

  @Override
  public void onApplied(List<StemtraceEvent> events) {
    if (clients.isEmpty()) return; // nobody listens: record nothing
    synchronized (this) {
      for (StemtraceEvent event : events) {
        if (event instanceof TaskEvent task) {
          if (changedTasks.size() < maxTasksPerFrame || changedTasks.containsKey(task.taskId())) {
            changedTasks.put(task.taskId(), task);
          } else {
            truncated = true;
          }
        } else if (event instanceof WorkerEvent worker) {
          if (changedWorkers.size() < MAX_WORKERS_PER_FRAME || changedWorkers.containsKey(worker.hostname())) {
            changedWorkers.put(worker.hostname(), worker);
          } else {
            truncated = true;
          }
        }
      }
    }
  }

  @Override
  public void onChanges(List<AnomalyChange> changes) {
    if (clients.isEmpty()) return;
    synchronized (this) {
      for (AnomalyChange change : changes) {
        String key = change.type() + " " + change.taskId();
        if (changedAnomalies.size() < maxTasksPerFrame || changedAnomalies.containsKey(key)) {
          changedAnomalies.remove(key); // keep the order of the latest change
          changedAnomalies.put(key, change);
        } else {
          truncated = true;
        }
      }
    }
  }

  // ---------------------------------------------------------------- connections

  @Override
  public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
    if (closed) {
      IoUtils.safeClose(channel);
      return;
    }
    if (clients.size() >= MAX_CLIENTS) {
      LOG.warn("refusing a websocket client: {} are connected already", clients.size());
      IoUtils.safeClose(channel);
      return;
    }
    Client client = new Client(channel);
    clients.add(client);
    channel.addCloseTask(c -> clients.remove(client));
    Instant accessEnds = exchange.getAttachment(Authentication.ACCESS_EXPIRES);
    if (accessEnds != null) closeAt(channel, accessEnds);
    channel.getReceiveSetter().set(new AbstractReceiveListener() {
      @Override
      protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
        // clients have nothing to say; reading keeps close and ping frames flowing
      }

      @Override
      protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
        message.getData().free();
      }

      // a client cannot make the server buffer more than this per message
      @Override
      protected long getMaxTextBufferSize() {
        return MAX_CLIENT_MESSAGE_BYTES;
      }

      @Override
      protected long getMaxBinaryBufferSize() {
        return MAX_CLIENT_MESSAGE_BYTES;
      }
    });
    channel.resumeReceives();
    startFlusher();
  }

  private synchronized void startFlusher() {
    if (flusher != null || closed) return;
    flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "stemtrace-websocket-feed");
      thread.setDaemon(true);
      return thread;
    });
    flusher.scheduleWithFixedDelay(this::flushSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  int clientCount() {
    return clients.size();
  }

  long droppedCount() {
    return dropped.get();
  }

  long framesSent() {
    return framesSent.get();
  }

  /**
   * Closes the connection (1008, "session expired") when the access it was opened with ends: a WebSocket
   * would otherwise keep pushing task data to a browser whose session is over.
   */
  private void closeAt(WebSocketChannel channel, Instant accessEnds) {
    long delayMillis = Math.max(0, Duration.between(clock.instant(), accessEnds).toMillis());
    XnioExecutor.Key timer = channel.getIoThread().executeAfter(() -> {
      LOG.debug("closing websocket client {}: its session expired", channel.getPeerAddress());
      WebSockets.sendClose(CloseMessage.MSG_VIOLATES_POLICY, "session expired", channel, new WebSocketCallback<Void>() {
        @Override
        public void complete(WebSocketChannel ch, Void context) {
          IoUtils.safeClose(ch);
        }

        @Override
        public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
          IoUtils.safeClose(ch);
        }
      });
    }, delayMillis, TimeUnit.MILLISECONDS);
    channel.addCloseTask(c -> timer.remove());
  }

  // ---------------------------------------------------------------- flushing

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("websocket feed could not send a frame", e);
    }
  }

  /** Builds one frame from what changed since the last one and hands it to every client. */
  void flush() {
    Map<String, TaskEvent> tasks;
    Map<String, WorkerEvent> workers;
    Map<String, AnomalyChange> anomalies;
    boolean wasTruncated;
    synchronized (this) {
      if (changedTasks.isEmpty() && changedWorkers.isEmpty() && changedAnomalies.isEmpty() && !truncated) return;
      tasks = changedTasks;
      workers = changedWorkers;
      anomalies = changedAnomalies;
      wasTruncated = truncated;
      changedTasks = new LinkedHashMap<>();
      changedWorkers = new LinkedHashMap<>();
      changedAnomalies = new LinkedHashMap<>();
      truncated = false;
    }
    if (clients.isEmpty()) return;
    byte[] frame = ApiJson.render(g -> {
      g.writeStartObject();
      g.writeStringField("type", "update");
      g.writeArrayFieldStart("tasks");
      for (TaskEvent event : tasks.values()) {
        // the store's view, not the event's: a late event does not move a task back
        Optional<TaskNode> node = store.task(event.taskId());
        g.writeStartObject();
        g.writeStringField("task_id", event.taskId());
        ApiJson.nullableString(g, "name", node.map(TaskNode::name).orElse(event.name()));
        g.writeStringField("state", node.map(n -> n.state().name()).orElse(event.state().name()));
        ApiJson.nullableString(g, "workflow_id", node.map(TaskNode::rootId).orElse(event.rootId()));
        Instant timestamp = node.map(TaskNode::lastUpdated).orElse(event.timestamp());
        ApiJson.timestamp(g, "timestamp", timestamp != null ? timestamp : event.timestamp());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("workers");
      for (WorkerEvent event : workers.values()) {
        g.writeStartObject();
        g.writeStringField("hostname", event.hostname());
        g.writeStringField("status", event.type() == WorkerEvent.Type.READY ? "online" : "offline");
        g.writeEndObject();
      }
      g.writeEndArray();
      ApiJson.anomalyChanges(g, anomalies.values());
      g.writeBooleanField("truncated", wasTruncated);
      g.writeEndObject();
    });
    for (Client client : new ArrayList<>(clients)) client.send(frame);
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (flusher != null) flusher.shutdownNow();
    }
    for (Client client : new ArrayList<>(clients)) IoUtils.safeClose(client.channel);
    clients.clear();
  }

  /** One connection and the frames handed to it that are not written yet. */
  private final class Client implements WebSocketCallback<Void> {
    final WebSocketChannel channel;
    final AtomicInteger pending = new AtomicInteger();

    Client(WebSocketChannel channel) {
      this.channel = channel;
    }

    void send(byte[] frame) {
      if (!channel.isOpen()) {
        clients.remove(this);
        return;
      }
      if (pending.get() >= maxPendingFrames) {
        drop("it did not read " + pending.get() + " frames");
        return;
      }
      pending.incrementAndGet();
      framesSent.incrementAndGet();
      WebSockets.sendText(ByteBuffer.wrap(frame), channel, this);
    }

    @Override
    public void complete(WebSocketChannel ch, Void context) {
      pending.decrementAndGet();
    }

    @Override
    public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
      pending.decrementAndGet();
      drop("sending failed: " + throwable);
    }

    private void drop(String why) {
      if (clients.remove(this)) {
        dropped.incrementAndGet();
        LOG.debug("dropping websocket client {}: {}", channel.getPeerAddress(), why);
      }
      IoUtils.safeClose(channel);
    }
  }
}
