package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.RecordingTransport.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Task code keeps its results and never waits or fails because of stemtrace, whatever the transport
 * does; lost events are counted; closing leaves no threads behind.
 */
class PublisherFaultsTest {

  @Test
  void throwingTransport_tasksKeepTheirResults_eventsCountAsFailed() throws Exception {
    for (Mode mode : List.of(Mode.THROW_IO, Mode.THROW_RUNTIME)) {
      RecordingTransport transport = new RecordingTransport(mode);
      Set<String> before = liveThreadNames();
      try (Stemtrace stemtrace =
          Stemtrace.builder().transport(transport).shutdownHook(false).build()) {
        TracingExecutorService pool = stemtrace.wrap(Executors.newFixedThreadPool(2));
        for (int i = 0; i < 20; i++) {
          int n = i;
          assertThat(pool.submit("square", () -> n * n).get()).isEqualTo(n * n);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        stemtrace.flush(Duration.ofSeconds(5));

        StemtraceMetrics metrics = stemtrace.metrics();
        assertThat(metrics.queued()).as(mode.name()).isEqualTo(61); // worker_ready + 3 per task
        assertThat(metrics.failed()).as(mode.name()).isEqualTo(61);
        assertThat(metrics.sent()).isZero();
        assertThat(metrics.dropped()).isZero();
      }
      assertThat(newStemtraceThreads(before)).isEmpty();
    }
  }

  @Test
  void transportRecovers_eventsFlowAgain() {
    RecordingTransport transport = new RecordingTransport(Mode.THROW_IO);
    try (Stemtrace stemtrace =
        Stemtrace.builder().transport(transport).shutdownHook(false).build()) {
      stemtrace.tracer().newTask("lost").pending();
      stemtrace.flush(Duration.ofSeconds(5));
      transport.mode(Mode.RECORD);
      stemtrace.tracer().newTask("kept").pending();
      stemtrace.flush(Duration.ofSeconds(5));

      assertThat(EventLog.decode(transport.payloads()).idsNamed("kept")).hasSize(1);
      assertThat(stemtrace.metrics().failed()).isEqualTo(2);
      assertThat(stemtrace.metrics().sent()).isEqualTo(1);
    }
  }

  @Test
  void blockingTransport_tasksDoNotWait_fullQueueCountsDrops_closeReturnsAndStopsThreads()
      throws Exception {
    RecordingTransport transport = new RecordingTransport(Mode.BLOCK);
    Set<String> before = liveThreadNames();
    Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .queueSize(50)
            .batchSize(10)
            .closeTimeout(Duration.ofMillis(300))
            .shutdownHook(false)
            .build();
    TracingExecutorService pool = stemtrace.wrap(Executors.newFixedThreadPool(2));
    List<Future<Integer>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      futures.add(pool.submit("inc", () -> n + 1));
    }
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    stemtrace.close();
    long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    StemtraceMetrics metrics = stemtrace.metrics();
    assertThat(metrics.dropped()).isPositive();
    // every event is accounted for: sent, failed (the stuck batch), or dropped
    assertThat(metrics.queued()).isLessThan(1 + 200 * 3 + 1);
    assertThat(metrics.sent() + metrics.failed() + metrics.dropped()).isEqualTo(1 + 200 * 3 + 1);
    assertThat(closeMillis).as("close is bounded by its timeout").isLessThan(5_000);
    assertThat(newStemtraceThreads(before)).isEmpty();
  }

  @Test
  void close_flushesQueuedEvents_sendsWorkerShutdown_andStopsThePublisherThread() {
    RecordingTransport transport = new RecordingTransport();
    Set<String> before = liveThreadNames();
    Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .hostname("w1@test")
            .shutdownHook(false)
            .flushInterval(Duration.ofHours(1))
            .build();
    for (int i = 0; i < 5; i++) stemtrace.tracer().newTask("t" + i).pending();
    assertThat(liveThreadNames()).contains("stemtrace-publisher{recording://test}");

    stemtrace.close();
    stemtrace.close();

    EventLog log = EventLog.decode(transport.payloads());
    assertThat(log.tasks()).hasSize(5);
    assertThat(log.workers())
        .extracting(e -> e.type().wireName())
        .containsExactly("worker_ready", "worker_shutdown");
    assertThat(log.workers().get(1).shutdownTime()).isNotNull();
    assertThat(transport.closed()).as("an explicit transport belongs to the caller").isFalse();
    assertThat(newStemtraceThreads(before)).isEmpty();
  }

  @Test
  void afterClose_eventsAreDroppedQuietly() {
    RecordingTransport transport = new RecordingTransport();
    Stemtrace stemtrace = Stemtrace.builder().transport(transport).shutdownHook(false).build();
    stemtrace.close();

    stemtrace.tracer().newTask("late").started();

    assertThat(stemtrace.metrics().dropped()).isEqualTo(1);
  }

  @Test
  void batches_areNoLargerThanTheBatchSize_andKeepOrder() {
    RecordingTransport transport = new RecordingTransport();
    try (Stemtrace stemtrace =
        Stemtrace.builder()
            .transport(transport)
            .batchSize(7)
            .workerEvents(false)
            .flushInterval(Duration.ofHours(1))
            .shutdownHook(false)
            .build()) {
      for (int i = 0; i < 50; i++) stemtrace.tracer().newTask("t" + i).pending();
      stemtrace.flush(Duration.ofSeconds(5));

      assertThat(transport.batches())
          .allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(7));
      assertThat(EventLog.decode(transport.payloads()).tasks())
          .extracting(e -> e.name())
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 50).mapToObj(i -> "t" + i).toList());
    }
  }

  static Set<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  static Set<String> newStemtraceThreads(Set<String> before) {
    Set<String> now = liveThreadNames();
    now.removeAll(before);
    return now.stream().filter(name -> name.startsWith("stemtrace")).collect(Collectors.toSet());
  }
}
