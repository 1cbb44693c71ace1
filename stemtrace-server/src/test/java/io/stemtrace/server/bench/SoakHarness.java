package io.stemtrace.server.bench;

import io.stemtrace.api.GraphStore;
import io.stemtrace.api.TaskNode;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.api.WorkflowGraph;
import io.stemtrace.api.WorkflowQuery;
import io.stemtrace.api.WorkflowSummary;
import io.stemtrace.core.ConsumerMetrics;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.server.SoakAccess;
import io.stemtrace.testing.Captures;
import io.stemtrace.testing.HostilePayloads;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feeds a standalone server (in this JVM, started as {@code ./stemtrace server} starts it, over a
 * real Redis stream) a mix of every hostile class from issue 14 and legitimate workflows for a
 * stated time, while API clients read every page, and prints: events applied and rejected by kind,
 * heap after GC over time, API p99 and the 5xx count (which must be 0). At the end it stops the
 * flood, feeds the Python canvas capture and checks that its graphs come out exactly as in a store
 * fed nothing else. Exit status 1 when anything is off.
 *
 * <p>Run (10 minutes on a 1 GiB heap):
 *
 * <pre>
 * mvn -q -pl stemtrace-ui -am test-compile -Psoak -Dstemtrace.skipFrontend=true [-Dsoak.minutes=10]
 *     [-Dsoak.url=redis://127.0.0.1:6379/0]</pre>
 */
public final class SoakHarness {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String[] PAGES = {
    "/api/tasks",
    "/api/graphs",
    "/api/workers",
    "/api/tasks/registry",
    "/api/stats",
    "/api/stats?window_minutes=1440",
    "/api/anomalies",
    "/api/health",
    "/api/tasks?name=flood",
    "/api/tasks/registry?query=bulk&limit=1000",
    "/"
  };

  private final Random random = new Random(14);
  private final List<String> capture = Captures.lines(Captures.PYTHON_CANVAS);
  private final HostilePayloads hostile = new HostilePayloads(14);
  private final AtomicBoolean feeding = new AtomicBoolean(true);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong serverErrors = new AtomicLong();
  private final AtomicLong otherNon2xx = new AtomicLong();
  private final List<Recorder> latencies = new ArrayList<>();
  private final List<String> recentRoots = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long sent;
  private long round;

  public static void main(String[] args) throws Exception {
    double minutes = Double.parseDouble(System.getProperty("soak.minutes", "10"));
    String url = System.getProperty("soak.url", "redis://127.0.0.1:6379/0");
    System.exit(new SoakHarness().run(Duration.ofMillis((long) (minutes * 60_000)), url) ? 0 : 1);
  }

  private boolean run(Duration duration, String url) throws Exception {
    String prefix = "soak-" + UUID.randomUUID();
    long maxHeap = Runtime.getRuntime().maxMemory();
    System.out.printf(
        Locale.ROOT,
        "stemtrace soak: %s, prefix %s, %.1f min, max heap %d MiB, %d cores%n",
        url,
        prefix,
        duration.toMillis() / 60_000.0,
        maxHeap >> 20,
        Runtime.getRuntime().availableProcessors());
    try (SoakAccess.Server server = SoakAccess.start(url, prefix, 10_000);
        Transport producer = Transports.open(url, prefix)) {
      String base = server.baseUrl();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Recorder samples = new Recorder();
        latencies.add(samples);
        Thread client = new Thread(() -> readPages(base, samples), "soak-api-client-" + i);
        client.setDaemon(true);
        client.start();
        clients.add(client);
      }
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long nextReport = start;
      System.out.println(
          "  min   sent      applied   rejected  nodes   held MiB  heap-after-GC MiB  API p99 ms  5xx");
      while (System.nanoTime() < end) {
        producer.send(tick());
        if (System.nanoTime() >= nextReport) {
          report(server, start);
          nextReport += Duration.ofSeconds(30).toNanos();
        }
        Thread.sleep(100);
      }
      feeding.set(false);
      awaitConsumed(server, sent);
      report(server, start);

      // the known capture, fed last, must come out exactly as in a store that saw nothing else
      Instant now = Instant.now();
      List<byte[]> canvas = Captures.pythonCanvasEndingAt(now);
      producer.send(canvas);
      sent += canvas.size();
      awaitConsumed(server, sent);
      boolean exact = sameGraphs(server.store(), canvas);
      for (Thread client : clients) client.join(5_000);

      ConsumerMetrics metrics = server.metrics();
      System.out.printf(
          Locale.ROOT,
          "events sent %,d: applied %,d, rejected %,d by kind %s; apply failures %d,"
              + " listener failures %d%n",
          sent,
          metrics.eventsApplied(),
          metrics.eventsRejected(),
          metrics.rejectedByKind(),
          metrics.applyFailures(),
          metrics.listenerFailures());
      System.out.printf(
          Locale.ROOT,
          "API: %,d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, 5xx %d, other non-2xx %d%n",
          requests.get(),
          percentile(50),
          percentile(99),
          percentile(100),
          serverErrors.get(),
          otherNon2xx.get());
      System.out.println("capture fed at the end: " + (exact ? "exact" : "DIFFERENT"));
      return exact
          && serverErrors.get() == 0
          && metrics.applyFailures() == 0
          && metrics.listenerFailures() == 0;
    } finally {
      feeding.set(false);
      SoakAccess.deleteStream(url, prefix);
    }
  }

  /**
   * One tenth of a second of traffic: legitimate workflows and every hostile class, interleaved.
   */
  private List<byte[]> tick() {
    round++;
    List<byte[]> batch = new ArrayList<>();
    Instant now = Instant.now();
    // a copy of the real canvas capture with fresh ids: 18 tasks in 7 workflows
    String tag = "r" + round + "-";
    for (String line : Captures.shiftedToEndAt(capture, now)) {
      Matcher ids = UUID_TEXT.matcher(line);
      batch.add(ids.replaceAll(m -> tag + m.group()).getBytes(StandardCharsets.UTF_8));
    }
    for (HostilePayloads.Payload payload : hostile.generate(20, round % 50 == 0 ? 1 : 0))
      batch.add(payload.bytes());
    String ts = "\"timestamp\":\"" + now + "\"";
    for (int i = 0; i < 20; i++) { // unique task names, never seen again
      batch.add(
          json(
              "{\"task_id\":\"flood-"
                  + round
                  + "-"
                  + i
                  + "\",\"name\":\"flood.name_"
                  + round
                  + "_"
                  + i
                  + "\",\"state\":\"SUCCESS\","
                  + ts
                  + "}"));
    }
    for (int i = 0; i < 2; i++) { // unique host names
      batch.add(
          json(
              "{\"event_type\":\"worker_ready\",\"hostname\":\"flood-"
                  + round
                  + "-"
                  + i
                  + "@host\","
                  + ts
                  + ",\"registered_tasks\":[\"bulk.a\",\"bulk.b\"]}"));
    }
    // ids a URL or a JavaScript object could trip on, and payloads big enough to matter
    batch.add(
        json(
            "{\"task_id\":\"__proto__/"
                + round
                + "\\\\x\",\"name\":\"constructor\",\"state\":\"STARTED\","
                + ts
                + ",\"parent_id\":\"hasOwnProperty\"}"));
    String result = "\"" + "p".repeat(30_000) + "\"";
    for (int retry = 0;
        retry < 5;
        retry++) { // 60 KiB per attempt: the per-task payload limit decides
      batch.add(
          json(
              "{\"task_id\":\"heavy-"
                  + round
                  + "\",\"name\":\"heavy.task\",\"state\":\"RETRY\",\"retries\":"
                  + retry
                  + ","
                  + ts
                  + ",\"result\":"
                  + result
                  + "}"));
    }
    if (round % 50
        == 0) { // every 5 s: an accepted 3 MB event, and a worker registering 100 000 names
      String part = "\"" + "a".repeat(1_000_000) + "\"";
      batch.add(
          json(
              "{\"task_id\":\"big-"
                  + round
                  + "\",\"state\":\"SUCCESS\","
                  + ts
                  + ",\"args\":["
                  + part
                  + ","
                  + part
                  + ","
                  + part
                  + "]}"));
    }
    if (round % 300 == 0) {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < 100_000; i++)
        names.append(i == 0 ? "" : ",").append("\"bulk.n").append(i).append('"');
      batch.add(
          json(
              "{\"event_type\":\"worker_ready\",\"hostname\":\"bulk-"
                  + round
                  + "\","
                  + ts
                  + ",\"registered_tasks\":["
                  + names
                  + "]}"));
    }
    // a sentinel date and Instant.MIN's epoch seconds, refused at decode
    batch.add(
        json(
            "{\"task_id\":\"t0-"
                + round
                + "\",\"state\":\"PENDING\",\"timestamp\":\"0001-01-01T00:00:00Z\"}"));
    batch.add(
        json(
            "{\"task_id\":\"t0-"
                + round
                + "\",\"state\":\"PENDING\",\"timestamp\":-31557014167219200}"));
    sent += batch.size();
    return batch;
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One client's request latencies; written by that client only, read by the reporter up to {@code
   * count}.
   */
  private static final class Recorder {
    final long[] nanos = new long[4_000_000];
    volatile int count;

    void add(long took) {
      int at = count;
      if (at < nanos.length) {
        nanos[at] = took;
        count = at + 1;
      }
    }
  }

  private void readPages(String base, Recorder samples) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Random pick = new Random(Thread.currentThread().getName().hashCode());
    while (feeding.get()) {
      String path = PAGES[pick.nextInt(PAGES.length)];
      if (pick.nextInt(4) == 0 && !recentRoots.isEmpty()) {
        String root = recentRoots.get(pick.nextInt(recentRoots.size()));
        path =
            (pick.nextBoolean() ? "/api/graph?id=" : "/api/task?id=")
                + java.net.URLEncoder.encode(root, StandardCharsets.UTF_8);
      }
      long started = System.nanoTime();
      try {
        HttpResponse<byte[]> response =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - started;
        samples.add(took);
        requests.incrementAndGet();
        if (response.statusCode() >= 500) {
          serverErrors.incrementAndGet();
          System.out.println(
              "5xx on " + path + ": " + new String(response.body(), StandardCharsets.UTF_8));
        } else if (response.statusCode() >= 300 && response.statusCode() != 404) {
          otherNon2xx.incrementAndGet();
        }
        if (path.equals("/api/graphs") && response.statusCode() == 200)
          rememberRoots(response.body());
      } catch (java.io.IOException e) {
        serverErrors.incrementAndGet(); // a refused or dropped connection is as bad as a 5xx
        System.out.println("request " + path + " failed: " + e);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void rememberRoots(byte[] body) {
    Matcher ids =
        Pattern.compile("\"root_id\":\"([^\"]+)\"")
            .matcher(new String(body, StandardCharsets.UTF_8));
    while (ids.find() && recentRoots.size() < 200) recentRoots.add(ids.group(1));
    while (recentRoots.size() > 100) recentRoots.remove(0);
  }

  private double percentile(double p) {
    List<long[]> parts = new ArrayList<>();
    int total = 0;
    for (Recorder recorder : latencies) {
      long[] part = Arrays.copyOf(recorder.nanos, recorder.count);
      parts.add(part);
      total += part.length;
    }
    long[] all = new long[total];
    int i = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, i, part.length);
      i += part.length;
    }
    if (all.length == 0) return Double.NaN;
    Arrays.sort(all);
    int rank = (int) Math.ceil(p / 100.0 * all.length);
    return all[Math.max(0, Math.min(all.length, rank) - 1)] / 1e6;
  }

  private void report(SoakAccess.Server server, long start) {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    ConsumerMetrics metrics = server.metrics();
    InMemoryGraphStore store = (InMemoryGraphStore) server.store();
    System.out.printf(
        Locale.ROOT,
        "  %4.1f  %,9d %,9d %,9d %,7d %8.1f  %17d  %10.1f  %d%n",
        (System.nanoTime() - start) / 60e9,
        sent,
        metrics.eventsApplied(),
        metrics.eventsRejected(),
        store.taskCount(),
        store.heldBytes() / 1048576.0,
        heap >> 20,
        percentile(99),
        serverErrors.get());
  }

  private static void awaitConsumed(SoakAccess.Server server, long count)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      ConsumerMetrics m = server.metrics();
      if (m.eventsApplied() + m.eventsRejected() >= count) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the consumer did not catch up with " + count + " events: " + server.metrics());
  }

  /**
   * The capture's workflows and tasks in the soaked store equal those of a store fed only the
   * capture.
   */
  private static boolean sameGraphs(GraphStore soaked, List<byte[]> canvas) {
    InMemoryGraphStore reference = InMemoryGraphStore.create();
    EventConsumer.builder(reference).build().accept(canvas);
    boolean same = true;
    List<WorkflowSummary> roots =
        reference.workflows(new WorkflowQuery(Set.of(), null, null, null, 100, 0)).items();
    for (WorkflowSummary root : roots) {
      WorkflowGraph expected = reference.workflow(root.rootId()).orElseThrow();
      WorkflowGraph actual = soaked.workflow(root.rootId()).orElse(null);
      if (!expected.equals(actual)) {
        System.out.println(
            "workflow "
                + root.rootId()
                + " differs:\n  expected "
                + expected
                + "\n  actual   "
                + actual);
        same = false;
      }
      for (String id : expected.nodes().keySet()) {
        TaskNode task = reference.task(id).orElse(null);
        if (task != null && !task.equals(soaked.task(id).orElse(null))) {
          System.out.println("task " + id + " differs");
          same = false;
        }
      }
    }
    System.out.println(
        "checked "
            + roots.size()
            + " workflows, "
            + reference.taskCount()
            + " tasks of the capture");
    return same && roots.size() == 7 && reference.taskCount() == 18;
  }
}
