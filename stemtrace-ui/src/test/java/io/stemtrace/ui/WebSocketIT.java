package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import io.stemtrace.core.graph.InMemoryGraphStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The /ws feed over real sockets: live coalesced updates, and a client that never reads is dropped.
 */
class WebSocketIT {

  private static final EventCodec CODEC = EventCodec.standard();

  @Test
  void client_receivesCoalescedUpdatesWhileEventsFlow() throws Exception {
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(InMemoryGraphStore.create())
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(300)));
        Listener listener = Listener.connect(server)) {
      awaitTrue(() -> server.handler().websocketConnections() == 1, "client registered");
      Instant t0 = Instant.parse("2026-11-26T04:00:00Z");
      server.inject(
          List.of(
              encode(
                  TaskEvent.builder("live-1", TaskState.PENDING)
                      .name("email.send")
                      .timestamp(t0)
                      .build()),
              encode(
                  TaskEvent.builder("live-1", TaskState.STARTED)
                      .name("email.send")
                      .timestamp(t0.plusMillis(5))
                      .build()),
              encode(
                  TaskEvent.builder("live-1", TaskState.SUCCESS)
                      .name("email.send")
                      .timestamp(t0.plusMillis(9))
                      .build())));
      awaitTrue(
          () ->
              listener.frames.stream()
                  .anyMatch(f -> f.toString().contains("\"state\":\"SUCCESS\"")),
          "update with live-1 in SUCCESS");
      JsonNode frame =
          listener.frames.stream()
              .filter(f -> f.toString().contains("\"state\":\"SUCCESS\""))
              .findFirst()
              .orElseThrow();
      assertThat(frame.get("type").asText()).isEqualTo("update");
      assertThat(frame.get("truncated").asBoolean()).isFalse();
      assertThat(frame.get("tasks")).hasSize(1);
      JsonNode task = frame.get("tasks").get(0);
      assertThat(task.get("task_id").asText()).isEqualTo("live-1");
      assertThat(task.get("name").asText()).isEqualTo("email.send");
      assertThat(task.get("workflow_id").asText()).isEqualTo("live-1");
      assertThat(task.get("timestamp").asText()).isEqualTo("2026-11-26T04:00:00.009000Z");
      // three events, a task listed once per frame, and fewer frames than events (usually one)
      for (JsonNode f : listener.frames) assertThat(f.get("tasks")).hasSizeLessThanOrEqualTo(1);
      assertThat(listener.tasksSeen()).hasSizeLessThan(3);
    }
  }

  @Test
  void underAMountPrefix_feedIsAtPrefixWs() throws Exception {
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(InMemoryGraphStore.create())
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(50))
                    .mount("/stemtrace"));
        Listener listener = Listener.connect(server)) {
      awaitTrue(
          () -> server.handler().websocketConnections() == 1,
          "client registered under /stemtrace/ws");
      server.inject(server.liveTaskEvents());
      awaitTrue(
          () -> listener.frames.stream().anyMatch(f -> f.toString().contains("e2e.live")),
          "live frame");
    }
  }

  @Test
  void burst_isCappedPerFrameAndMarkedTruncated() throws Exception {
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(InMemoryGraphStore.create())
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(200))
                    .maxTasksPerFrame(20));
        Listener listener = Listener.connect(server)) {
      awaitTrue(() -> server.handler().websocketConnections() == 1, "client registered");
      server.inject(burst("burst", 300));
      awaitTrue(
          () -> listener.frames.stream().anyMatch(f -> f.get("truncated").asBoolean()),
          "truncated frame");
      for (JsonNode frame : listener.frames)
        assertThat(frame.get("tasks").size()).isLessThanOrEqualTo(20);
    }
  }

  @Test
  void clientThatNeverReads_isDroppedWithoutSlowingOthersOrTheConsumer() throws Exception {
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(new NullGraphStore())
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(10))
                    .maxPendingBytes(64 * 1024)
                    .sendBuffer(8 * 1024));
        Listener reader = Listener.connect(server);
        Socket stalled = stalledClient(server.port())) {
      awaitTrue(() -> server.handler().websocketConnections() == 2, "both clients registered");
      int total = 0;
      long start = System.nanoTime();
      // until dropped: a loaded machine coalesces more events per frame, so how many rounds it
      // takes varies
      for (int round = 0; round < 600 && server.handler().feed().droppedCount() == 0; round++) {
        server.inject(burst("load-" + round, 2_000));
        total += 2_000;
        Thread.sleep(20);
      }
      server.awaitApplied(total);
      double seconds = (System.nanoTime() - start) / 1e9;
      awaitTrue(() -> server.handler().feed().droppedCount() == 1, "stalled client dropped");
      awaitTrue(() -> server.handler().websocketConnections() == 1, "only the reader left");
      // the server closed the stalled connection: what it had buffered drains, then end of stream
      stalled.setSoTimeout(10_000);
      assertThat(stalled.getInputStream().transferTo(java.io.OutputStream.nullOutputStream()))
          .isPositive();
      int framesBefore = reader.frames.size();
      server.inject(burst("after", 10));
      awaitTrue(() -> reader.frames.size() > framesBefore, "reader still served after the drop");
      JsonNode health = Http.get(server.baseUrl() + "/api/health").json();
      assertThat(health.get("websocket_dropped").asInt()).isEqualTo(1);
      assertThat(health.get("websocket_connections").asInt()).isEqualTo(1);
      assertThat(reader.frames).isNotEmpty();
      // the consumer was not held back by the stalled client: everything applied, at
      // memory-transport speed
      assertThat(health.get("events_applied").asLong()).isEqualTo(total + 10L);
      assertThat(seconds).as("seconds to apply %d events", total).isLessThan(30);
    }
  }

  @Test
  void clientThatNeverReads_isDroppedByBytesOutstanding_withSmallAndLargeFrames() throws Exception {
    // default socket buffers on both sides: before the bound by bytes the kernel took megabytes,
    // and frames
    // that fit there counted as written, so this client was never dropped
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(new NullGraphStore())
                    .replayCapture(false)
                    .pushInterval(Duration.ofMillis(10))
                    .maxPendingBytes(256 * 1024));
        Listener reader = Listener.connect(server);
        Socket stalled = stalledClient(server.port(), 0)) {
      awaitTrue(() -> server.handler().websocketConnections() == 2, "both clients registered");
      int total = 0;
      // at most ~2 MB of frames (the pairs below make about 70 KB each)
      for (int round = 0; round < 60 && server.handler().feed().droppedCount() == 0; round++) {
        List<byte[]> events = burst("mix-" + round, round % 2 == 0 ? 5 : 500);
        server.inject(events);
        total += events.size();
        server.awaitApplied(total);
        Thread.sleep(15);
      }
      awaitTrue(() -> server.handler().feed().droppedCount() == 1, "stalled client dropped");
      awaitTrue(() -> server.handler().websocketConnections() == 1, "only the reader left");
      int framesBefore = reader.frames.size();
      server.inject(burst("after", 3));
      awaitTrue(() -> reader.frames.size() > framesBefore, "reader still served after the drop");
      assertThat(Http.get(server.baseUrl() + "/api/health").json().get("websocket_dropped").asInt())
          .isEqualTo(1);
    }
  }

  @Test
  void clientWhoseOldestFrameWaitsPastTheWriteTimeout_isDropped() throws Exception {
    io.stemtrace.testing.MutableClock clock =
        new io.stemtrace.testing.MutableClock(Instant.parse("2026-11-26T04:00:00Z"));
    try (TestServer server =
            TestServer.start(
                TestServer.options()
                    .store(new NullGraphStore())
                    .replayCapture(false)
                    .clock(clock)
                    .pushInterval(Duration.ofMillis(10))
                    .maxPendingBytes(1L << 30)
                    .sendBuffer(8 * 1024));
        Socket stalled = stalledClient(server.port(), 4 * 1024)) {
      awaitTrue(() -> server.handler().websocketConnections() == 1, "client registered");
      int total = 0;
      for (int round = 0; round < 200 && server.handler().feed().unwrittenBytes() == 0; round++) {
        List<byte[]> events = burst("fill-" + round, 500);
        server.inject(events);
        total += events.size();
        server.awaitApplied(total);
        Thread.sleep(15);
      }
      awaitTrue(() -> server.handler().feed().unwrittenBytes() > 0, "a frame waits to be written");
      assertThat(server.handler().feed().droppedCount()).as("within the bound of bytes").isZero();
      clock.advance(Duration.ofSeconds(30));
      server.inject(burst("late", 1));
      awaitTrue(() -> server.handler().feed().droppedCount() == 1, "stalled client dropped");
      awaitTrue(() -> server.handler().websocketConnections() == 0, "client gone");
    }
  }

  @Test
  void connectionsPerAddress_areLimited_theNextIsRefusedUntilOneCloses() throws Exception {
    try (TestServer server =
            TestServer.start(TestServer.options().replayCapture(false).maxWebSocketsPerAddress(2));
        Listener first = Listener.connect(server);
        Listener second = Listener.connect(server)) {
      awaitTrue(() -> server.handler().websocketConnections() == 2, "two clients registered");
      java.util.concurrent.CompletionException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.CompletionException.class, () -> Listener.connect(server));
      assertThat(refused.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
      assertThat(
              ((java.net.http.WebSocketHandshakeException) refused.getCause())
                  .getResponse()
                  .statusCode())
          .isEqualTo(429);
      assertThat(server.handler().websocketConnections()).isEqualTo(2);
      JsonNode health = Http.get(server.baseUrl() + "/api/health").json();
      assertThat(health.get("websocket_refused").asInt()).isEqualTo(1);
      first.close();
      awaitTrue(() -> server.handler().websocketConnections() == 1, "first closed");
      try (Listener third = Listener.connect(server)) {
        awaitTrue(() -> server.handler().websocketConnections() == 2, "a slot was free again");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<byte[]> burst(String prefix, int count) {
    Instant now = Instant.now();
    List<byte[]> payloads = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      payloads.add(
          encode(
              TaskEvent.builder(prefix + "-" + i, TaskState.STARTED)
                  .name("load.task")
                  .timestamp(now.plusNanos(i * 1000L))
                  .build()));
    }
    return payloads;
  }

  private static byte[] encode(TaskEvent event) {
    return CODEC.encode(event);
  }

  private static Socket stalledClient(int port) throws IOException {
    return stalledClient(port, 4 * 1024);
  }

  /**
   * A client that completes the handshake and then never reads; {@code receiveBuffer} 0 keeps the
   * default.
   */
  private static Socket stalledClient(int port, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    String handshake =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(handshake.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    byte[] head = new byte[12];
    int read = socket.getInputStream().readNBytes(head, 0, 12);
    assertThat(new String(head, 0, read, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 101");
    return socket;
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
      Thread.sleep(10);
    }
  }

  /** A java.net.http WebSocket client collecting every frame as JSON. */
  static final class Listener implements WebSocket.Listener, AutoCloseable {
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Listener connect(TestServer server) {
      Listener listener = new Listener();
      String url = server.baseUrl().replaceFirst("^http", "ws") + "/ws";
      listener.socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create(url), listener)
              .join();
      return listener;
    }

    List<String> tasksSeen() {
      List<String> ids = new ArrayList<>();
      for (JsonNode frame : frames)
        frame.get("tasks").forEach(t -> ids.add(t.get("task_id").asText()));
      return ids;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(Http.JSON.readTree(partial.toString()));
        } catch (IOException e) {
          throw new AssertionError("frame is not JSON: " + partial, e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
