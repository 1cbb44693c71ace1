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
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.XnioExecutor;

/**
 * The {@code /ws} feed: records which tasks and workers changed and pushes one coalesced frame per
 * interval to every client.
 *
 * <p>Guarantees: {@link #onApplied} (the consumer thread) only updates a map capped at {@code
 * maxTasksPerFrame} entries under a short lock, so consumption never waits on clients; frames are
 * built and sent on one daemon thread ({@code stemtrace-websocket-feed}); sends are asynchronous. A
 * client is judged by bytes, not frames: its socket's kernel send buffer is capped at {@value
 * #SOCKET_SEND_BUFFER} bytes (the kernel would otherwise take megabytes from a client that never
 * reads, and report every small frame as written), and a client with more than {@code
 * maxPendingBytes} handed to the socket and not yet written, or whose oldest unwritten frame is
 * older than {@code writeTimeout}, is closed (1008) and counted as dropped. So a slow or dead
 * client costs a bounded amount of memory and never delays the others. At most 1 000 clients are
 * served, at most {@code maxClientsPerAddress} from one address (more are refused and counted), and
 * a client's own messages (ignored) are limited to 4 KiB.
 */
final class LiveFeed
    implements EventListener, AnomalyListener, WebSocketConnectionCallback, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final int MAX_WORKERS_PER_FRAME = 200;
  private static final int MAX_CLIENTS = 1_000;
  private static final long MAX_CLIENT_MESSAGE_BYTES = 4_096;

  /**
   * SO_SNDBUF of a WebSocket connection: enough for a full frame in flight, little for a client to
   * pin.
   */
  static final int SOCKET_SEND_BUFFER = 64 * 1024;

  private final GraphStore store;
  private final long intervalMillis;
  private final int maxTasksPerFrame;
  private final long maxPendingBytes;
  private final long writeTimeoutMillis;
  private final int maxClientsPerAddress;

  /** Session ends (ACCESS_EXPIRES) and write timeouts are read against the handler's clock. */
  private final Clock clock;

  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, Integer> clientsByAddress = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong framesSent = new AtomicLong();

  // guarded by 'this'; swapped out by the flusher
  private Map<String, TaskEvent> changedTasks = new LinkedHashMap<>();
  private Map<String, WorkerEvent> changedWorkers = new LinkedHashMap<>();

  /** the latest change per (type, subject) since the last frame */
  private Map<String, AnomalyChange> changedAnomalies = new LinkedHashMap<>();

  private boolean truncated;

  private ScheduledExecutorService flusher;
  private volatile boolean closed;

  /** How many bytes, how long and how many connections per address a client may hold. */
  record ClientLimits(long maxPendingBytes, Duration writeTimeout, int maxClientsPerAddress) {
    static final ClientLimits DEFAULTS = new ClientLimits(1L << 20, Duration.ofSeconds(30), 16);

    ClientLimits {
      if (maxPendingBytes < 1)
        throw new IllegalArgumentException("maxPendingBytes < 1: " + maxPendingBytes);
      Objects.requireNonNull(writeTimeout, "writeTimeout == null");
      if (writeTimeout.isNegative() || writeTimeout.isZero()) {
        throw new IllegalArgumentException("writeTimeout <= 0: " + writeTimeout);
      }
      if (maxClientsPerAddress < 1) {
        throw new IllegalArgumentException("maxWebSocketsPerAddress < 1: " + maxClientsPerAddress);
      }
    }
  }

  LiveFeed(
      GraphStore store, Duration interval, int maxTasksPerFrame, ClientLimits limits, Clock clock) {
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("interval <= 0: " + interval);
    if (maxTasksPerFrame < 1)
      throw new IllegalArgumentException("maxTasksPerFrame < 1: " + maxTasksPerFrame);
    this.store = store;
    this.intervalMillis = interval.toMillis();
    this.maxTasksPerFrame = maxTasksPerFrame;
    this.maxPendingBytes = limits.maxPendingBytes();
    this.writeTimeoutMillis = limits.writeTimeout().toMillis();
    this.maxClientsPerAddress = limits.maxClientsPerAddress();
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
          if (changedWorkers.size() < MAX_WORKERS_PER_FRAME
              || changedWorkers.containsKey(worker.hostname())) {
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
    InetAddress address = address(channel.getSourceAddress());
    if (!reserve(address)) {
      // hasRoomFor let it through, then others from the same address got in first
      refuse(address);
      WebSockets.sendClose(
          CLOSE_TRY_AGAIN_LATER,
          "too many connections from this address",
          channel,
          CLOSE_WHEN_SENT);
      return;
    }
    channel.addCloseTask(c -> release(address));
    limitSendBuffer(channel);
    Client client = new Client(channel);
    clients.add(client);
    channel.addCloseTask(c -> clients.remove(client));
    Instant accessEnds = exchange.getAttachment(Authentication.ACCESS_EXPIRES);
    if (accessEnds != null) closeAt(channel, accessEnds);
    java.util.function.BooleanSupplier accessValid =
        exchange.getAttachment(Authentication.ACCESS_VALID);
    if (accessValid != null) closeWhenSignedOut(channel, accessValid);
    channel
        .getReceiveSetter()
        .set(
            new AbstractReceiveListener() {
              @Override
              protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                // clients have nothing to say; reading keeps close and ping frames flowing
              }

              @Override
              protected void onFullBinaryMessage(
                  WebSocketChannel ch, BufferedBinaryMessage message) {
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

  /** RFC 6455 1013, "try again later". */
  static final int CLOSE_TRY_AGAIN_LATER = 1013;

  private static final WebSocketCallback<Void> CLOSE_WHEN_SENT =
      new WebSocketCallback<>() {
        @Override
        public void complete(WebSocketChannel ch, Void context) {
          IoUtils.safeClose(ch);
        }

        @Override
        public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
          IoUtils.safeClose(ch);
        }
      };

  /**
   * Whether another WebSocket from this address would be served: the upgrade is refused (429)
   * before the handshake when not; {@link #onConnect} checks again, atomically.
   */
  boolean hasRoomFor(java.net.SocketAddress peer) {
    InetAddress address = address(peer);
    if (clientsByAddress.getOrDefault(address, 0) < maxClientsPerAddress) return true;
    refuse(address);
    return false;
  }

  private void refuse(InetAddress address) {
    if (refused.incrementAndGet() == 1) {
      LOG.warn(
          "refusing websocket clients from {}: {} are connected from there (further refusals at DEBUG)",
          address,
          maxClientsPerAddress);
    } else {
      LOG.debug(
          "refusing a websocket client from {}: {} are connected from there",
          address,
          maxClientsPerAddress);
    }
  }

  private boolean reserve(InetAddress address) {
    boolean[] reserved = new boolean[1];
    clientsByAddress.compute(
        address,
        (a, count) -> {
          int current = count == null ? 0 : count;
          if (current >= maxClientsPerAddress) return count;
          reserved[0] = true;
          return current + 1;
        });
    return reserved[0];
  }

  private void release(InetAddress address) {
    clientsByAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }

  /** Clients without an IP address (none in practice) share one slot set. */
  private static InetAddress address(java.net.SocketAddress peer) {
    return peer instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress()
        : InetAddress.getLoopbackAddress();
  }

  private static void limitSendBuffer(WebSocketChannel channel) {
    try {
      Integer current = channel.getOption(Options.SEND_BUFFER);
      if (current == null || current > SOCKET_SEND_BUFFER)
        channel.setOption(Options.SEND_BUFFER, SOCKET_SEND_BUFFER);
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("cannot limit the send buffer of websocket client {}", channel.getPeerAddress(), e);
    }
  }

  private synchronized void startFlusher() {
    if (flusher != null || closed) return;
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "stemtrace-websocket-feed");
              thread.setDaemon(true);
              return thread;
            });
    flusher.scheduleWithFixedDelay(
        this::flushSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  int clientCount() {
    return clients.size();
  }

  long droppedCount() {
    return dropped.get();
  }

  /** Bytes handed to all clients' sockets and not written yet. */
  long unwrittenBytes() {
    long sum = 0;
    for (Client client : clients) sum += client.pendingBytes.get();
    return sum;
  }

  /** Connections refused because their address had {@code maxClientsPerAddress} open already. */
  long refusedCount() {
    return refused.get();
  }

  long framesSent() {
    return framesSent.get();
  }

  /**
   * Closes the connection (1008, "session expired") when the access it was opened with ends: a
   * WebSocket would otherwise keep pushing task data to a browser whose session is over.
   */
  private void closeAt(WebSocketChannel channel, Instant accessEnds) {
    long delayMillis = Math.max(0, Duration.between(clock.instant(), accessEnds).toMillis());
    XnioExecutor.Key timer =
        channel
            .getIoThread()
            .executeAfter(
                () -> {
                  LOG.debug(
                      "closing websocket client {}: its session expired", channel.getPeerAddress());
                  WebSockets.sendClose(
                      CloseMessage.MSG_VIOLATES_POLICY,
                      "session expired",
                      channel,
                      CLOSE_WHEN_SENT);
                },
                delayMillis,
                TimeUnit.MILLISECONDS);
    channel.addCloseTask(c -> timer.remove());
  }

  /** How often an open WebSocket's session is checked for a sign-out. */
  static final long SIGN_OUT_CHECK_MILLIS = 1_000;

  /** Closes the connection (1008, "signed out") within a second of its session being signed out. */
  private void closeWhenSignedOut(
      WebSocketChannel channel, java.util.function.BooleanSupplier accessValid) {
    XnioExecutor.Key[] timer = new XnioExecutor.Key[1];
    Runnable[] check = new Runnable[1];
    check[0] =
        () -> {
          if (!channel.isOpen()) return;
          boolean valid;
          try {
            valid = accessValid.getAsBoolean();
          } catch (RuntimeException e) {
            valid = false; // cannot tell: a closed connection is the safe answer, and the page
            // reconnects
          }
          if (!valid) {
            LOG.debug(
                "closing websocket client {}: its session was signed out",
                channel.getPeerAddress());
            WebSockets.sendClose(
                CloseMessage.MSG_VIOLATES_POLICY, "signed out", channel, CLOSE_WHEN_SENT);
            return;
          }
          timer[0] =
              channel
                  .getIoThread()
                  .executeAfter(check[0], SIGN_OUT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        };
    timer[0] =
        channel.getIoThread().executeAfter(check[0], SIGN_OUT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    channel.addCloseTask(c -> timer[0].remove());
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
      if (changedTasks.isEmpty()
          && changedWorkers.isEmpty()
          && changedAnomalies.isEmpty()
          && !truncated) return;
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
    byte[] frame =
        ApiJson.render(
            g -> {
              g.writeStartObject();
              g.writeStringField("type", "update");
              g.writeArrayFieldStart("tasks");
              for (TaskEvent event : tasks.values()) {
                // the store's view, not the event's: a late event does not move a task back
                Optional<TaskNode> node = store.task(event.taskId());
                g.writeStartObject();
                g.writeStringField("task_id", event.taskId());
                ApiJson.nullableString(g, "name", node.map(TaskNode::name).orElse(event.name()));
                g.writeStringField(
                    "state", node.map(n -> n.state().name()).orElse(event.state().name()));
                ApiJson.nullableString(
                    g, "workflow_id", node.map(TaskNode::rootId).orElse(event.rootId()));
                Instant timestamp = node.map(TaskNode::lastUpdated).orElse(event.timestamp());
                ApiJson.timestamp(
                    g, "timestamp", timestamp != null ? timestamp : event.timestamp());
                g.writeEndObject();
              }
              g.writeEndArray();
              g.writeArrayFieldStart("workers");
              for (WorkerEvent event : workers.values()) {
                g.writeStartObject();
                g.writeStringField("hostname", event.hostname());
                g.writeStringField(
                    "status", event.type() == WorkerEvent.Type.READY ? "online" : "offline");
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

    /** bytes handed to Undertow and not written to the socket yet */
    final AtomicLong pendingBytes = new AtomicLong();

    /**
     * when each unwritten frame was sent and its size, oldest first (callbacks come in send order)
     */
    final Deque<long[]> unwritten = new ConcurrentLinkedDeque<>();

    Client(WebSocketChannel channel) {
      this.channel = channel;
    }

    void send(byte[] frame) {
      if (!channel.isOpen()) {
        clients.remove(this);
        return;
      }
      long now = clock.millis();
      long[] oldest = unwritten.peekFirst();
      if (oldest != null && now - oldest[0] >= writeTimeoutMillis) {
        drop("its oldest frame has waited " + (now - oldest[0]) + " ms to be written");
        return;
      }
      long pending = pendingBytes.addAndGet(frame.length);
      if (pending > maxPendingBytes) {
        drop(pending + " bytes are waiting to be written (more than " + maxPendingBytes + ")");
        return;
      }
      unwritten.addLast(new long[] {now, frame.length});
      framesSent.incrementAndGet();
      WebSockets.sendText(ByteBuffer.wrap(frame), channel, this);
    }

    private void written() {
      long[] frame = unwritten.pollFirst();
      if (frame != null) pendingBytes.addAndGet(-frame[1]);
    }

    @Override
    public void complete(WebSocketChannel ch, Void context) {
      written();
    }

    @Override
    public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
      written();
      drop("sending failed: " + throwable);
    }

    private void drop(String why) {
      if (clients.remove(this)) {
        dropped.incrementAndGet();
        LOG.debug("dropping websocket client {}: {}", channel.getPeerAddress(), why);
      }
      // no close frame: it would queue behind the unwritten ones; the client sees the connection
      // end
      IoUtils.safeClose(channel);
    }
  }
}
