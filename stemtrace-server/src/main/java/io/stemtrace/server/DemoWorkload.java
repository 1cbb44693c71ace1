package io.stemtrace.server;

import io.stemtrace.Stemtrace;
import io.stemtrace.TaskCall;
import io.stemtrace.TracedTask;
import io.stemtrace.TracingExecutorService;
import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.Transport;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's workload: simulated JVM workers traced with the producer library ({@link Stemtrace},
 * wrapped executors and canvas helpers) keep producing realistic workflows at a modest rate, about
 * two per second, in every shape the dashboard must draw: chains, groups, chords, nested spawns,
 * retries that succeed, failures with stack traces, a task no worker registers, and a long task
 * interrupted by a worker restart. Once a minute it also leaves a registered task queued, a task
 * running long and a chord whose callback does not start, so that with the demo's short thresholds
 * every anomaly type shows within a minute. Their causes go away later, as they would under an
 * operator's hand ({@link #RESOLVED_AFTER_MILLIS}): the queued task is picked up, the long one
 * finishes, the interrupted export is redelivered, the unregistered task and the stalled callback
 * are revoked; so the anomaly groups show both open and resolved ones, and the number raised at
 * once stays bounded. A scheduler thread ({@code stemtrace-demo}) starts one workflow every half
 * second.
 */
final class DemoWorkload implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);

  static final String ORDERS_WORKER = "orders-worker-1@demo";
  static final String REPORTS_WORKER = "reports-worker-1@demo";
  static final String EXPORTS_WORKER = "exports-worker-1@demo";
  static final String UNREGISTERED = "legacy.ledger.sync";

  /** How long a stuck scenario's cause lasts before it goes away. */
  static final long RESOLVED_AFTER_MILLIS = 120_000;

  private static final List<String> ORDERS_TASKS =
      List.of(
          "orders.checkout",
          "orders.import_batch",
          "payments.charge",
          "payments.capture",
          "inventory.reserve",
          "email.send",
          "images.resize",
          "invoices.render",
          "payments.refund");
  private static final List<String> REPORTS_TASKS =
      List.of("reports.fetch_region", "reports.build", "email.send", "reports.warehouse_sync");
  private static final List<String> EXPORTS_TASKS = List.of("reports.nightly_export");

  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final Stemtrace orders;
  private final Stemtrace reports;
  private final ExecutorService ordersThreads;
  private final ExecutorService reportsThreads;
  private final TracingExecutorService ordersPool;
  private final TracingExecutorService reportsPool;
  private final AtomicInteger round = new AtomicInteger();
  private volatile Stemtrace exports;
  private volatile boolean closed;

  private DemoWorkload(Transport transport) {
    this.transport = transport;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("stemtrace-demo"));
    this.orders = worker(ORDERS_WORKER, ORDERS_TASKS);
    this.reports = worker(REPORTS_WORKER, REPORTS_TASKS);
    this.exports = worker(EXPORTS_WORKER, EXPORTS_TASKS);
    this.ordersThreads = Executors.newFixedThreadPool(4, daemonThreads("stemtrace-demo-orders"));
    this.reportsThreads = Executors.newFixedThreadPool(3, daemonThreads("stemtrace-demo-reports"));
    this.ordersPool = orders.wrap(ordersThreads);
    this.reportsPool = reports.wrap(reportsThreads);
  }

  /**
   * Starts producing on {@code transport} (which the caller keeps and closes after this workload).
   */
  static DemoWorkload start(Transport transport) {
    DemoWorkload workload = new DemoWorkload(transport);
    workload.scheduler.scheduleWithFixedDelay(
        workload::nextSafely, 200, 500, TimeUnit.MILLISECONDS);
    return workload;
  }

  private Stemtrace worker(String hostname, List<String> tasks) {
    Stemtrace.Builder builder =
        Stemtrace.builder().transport(transport).hostname(hostname).shutdownHook(false);
    for (String name : tasks) {
      int dot = name.lastIndexOf('.');
      builder.registeredTask(
          new RegisteredTaskDefinition(
              name,
              "com.example." + name.substring(0, dot),
              name.startsWith("email") ? "(String to, String template)" : "(Object... args)",
              "Demo task " + name + ".",
              false));
    }
    return builder.build();
  }

  private void nextSafely() {
    if (closed) return;
    try {
      next(round.getAndIncrement());
    } catch (RuntimeException e) {
      LOG.warn("demo workload step failed", e);
    }
  }

  /**
   * One step: every scenario appears within the first ten steps (five seconds), then they repeat.
   */
  private void next(int step) {
    switch (step % 10) {
      case 0, 6 -> chain();
      case 1 -> {
        if (step % 120 == 11) stuckInQueue();
        else group();
      }
      case 2 -> {
        if (step % 120 == 12) chordNeverJoined();
        else chord();
      }
      case 3, 9 -> nestedSpawns();
      case 4 -> retryThenSuccess();
      case 5 -> {
        if (step % 120 == 15) runsLong();
        failure();
      }
      case 7 -> {
        if (step % 40 == 7) unregistered();
        else group();
      }
      default -> {
        if (step % 60 == 8) interruptedByRestart();
        else chord();
      }
    }
  }

  // ---------------------------------------------------------------- scenarios

  /** orders.checkout -> payments.charge -> email.send, each step the parent of the next. */
  private void chain() {
    long orderId = ThreadLocalRandom.current().nextLong(100_000, 999_999);
    ordersPool
        .chain(
            "orders.checkout",
            () -> {
              work(40, 180);
              return Map.of("order_id", orderId, "status", "placed");
            })
        .then(
            "payments.charge",
            order -> {
              work(60, 250);
              return Map.of("charge_id", "ch_" + order.get("order_id"), "amount_cents", 4999);
            })
        .then(
            "email.send",
            charge -> {
              work(20, 120);
              return Map.of(
                  "to", "customer-" + orderId + "@example.com", "template", "order_confirmed");
            })
        .start();
  }

  /** A standalone group: images.resize to four sizes, drawn in a GROUP container. */
  private void group() {
    String image = "img-" + ThreadLocalRandom.current().nextInt(1000, 9999) + ".png";
    List<TaskCall<String>> sizes = new ArrayList<>();
    for (int size : new int[] {64, 128, 256, 512}) {
      sizes.add(
          TaskCall.of(
              "images.resize",
              () -> {
                work(40 + size / 4, 120 + size / 2);
                return "thumbs/" + size + "/" + image;
              }));
    }
    ordersPool.group(sizes);
  }

  /** A chord: reports.fetch_region per region, then reports.build once all of them finished. */
  private void chord() {
    List<TaskCall<Integer>> regions = new ArrayList<>();
    for (String region : List.of("eu-west", "us-east", "ap-south")) {
      regions.add(
          TaskCall.of(
              "reports.fetch_region",
              () -> {
                work(150, 550);
                return region.length() * 250;
              }));
    }
    reportsPool.chord(
        regions,
        "reports.build",
        rows -> {
          work(100, 300);
          return Map.of("report", "sales-" + rows.size() + "-regions.pdf", "rows", rows);
        });
  }

  /**
   * orders.import_batch spawns inventory.reserve for three lines (one of which spawns email.send)
   * and a group of two images.resize: a workflow with children, a grandchild and a nested GROUP
   * container.
   */
  private void nestedSpawns() {
    ordersPool.submit(
        "orders.import_batch",
        () -> {
          work(20, 60);
          for (int line = 1; line <= 3; line++) {
            int number = line;
            ordersPool.submit(
                "inventory.reserve",
                () -> {
                  work(30, 120);
                  if (number == 2) {
                    ordersPool.submit(
                        "email.send",
                        () -> {
                          work(20, 80);
                          return "low_stock notice sent to warehouse@example.com";
                        });
                  }
                  return Map.of("sku", "sku-" + (100 + number), "reserved", number);
                });
          }
          ordersPool.group(
              List.of(
                  TaskCall.of("images.resize", () -> work(50, 150)),
                  TaskCall.of("images.resize", () -> work(50, 150))));
          work(80, 200);
          return Map.of("imported", 3);
        });
  }

  /**
   * payments.capture times out twice and succeeds on the third attempt; like a Celery task calling
   * {@code self.retry(countdown=2)}, it waits two seconds in RETRY before each new attempt.
   */
  private void retryThenSuccess() {
    TracedTask capture = orders.tracer().newTask("payments.capture");
    capture.pending(List.of("pi_" + round.get()), Map.of("amount_cents", 12_900));
    attempt(capture, 0);
  }

  private void attempt(TracedTask capture, int number) {
    later(
        40,
        () -> {
          capture.started();
          later(
              150,
              () -> {
                if (number < 2) {
                  capture.retry(
                      new SocketTimeoutException("Read timed out (payment gateway, 150 ms)"));
                  later(2_000, () -> attempt(capture, number + 1));
                } else {
                  capture.success(Map.of("captured", true, "attempts", number + 1));
                }
              });
        });
  }

  /** invoices.render fails with a real Java exception and its stack trace. */
  private void failure() {
    ordersPool.submit(
        "invoices.render",
        () -> {
          work(20, 80);
          return InvoiceTemplates.render("invoice-v2", "vat_number");
        });
  }

  /** A task nobody registers: it stays PENDING (an UNREGISTERED anomaly). */
  private void unregistered() {
    TracedTask legacy = orders.tracer().newTask(UNREGISTERED);
    legacy.pending(List.of("2026-11"), null);
    later(RESOLVED_AFTER_MILLIS, legacy::revoked); // an operator gives up on it
  }

  /**
   * reports.nightly_export starts on the exports worker, which restarts before the export finishes.
   */
  private void interruptedByRestart() {
    TracedTask export = exports.tracer().newTask("reports.nightly_export");
    export.pending(List.of("warehouse"), Map.of("format", "parquet"));
    later(60, export::started);
    later(
        1_500,
        () -> {
          exports.close(); // worker_shutdown while the export runs
          later(1_000, () -> exports = worker(EXPORTS_WORKER, EXPORTS_TASKS));
        });
    // the broker redelivers the unacknowledged export to the restarted worker, where it finishes
    later(
        RESOLVED_AFTER_MILLIS,
        () -> {
          TracedTask again =
              exports
                  .tracer()
                  .task("reports.nightly_export")
                  .taskId(export.id())
                  .parent(null)
                  .build();
          again.started();
          later(200, () -> again.success(Map.of("rows", 48_210)));
        });
  }

  /**
   * payments.refund waits in the queue: STUCK_PENDING once the threshold passes, until a worker
   * picks it up two minutes later.
   */
  private void stuckInQueue() {
    TracedTask refund = orders.tracer().newTask("payments.refund");
    refund.pending(List.of("re_" + round.get()), Map.of("amount_cents", 1_500));
    later(
        RESOLVED_AFTER_MILLIS,
        () -> {
          refund.started();
          later(150, () -> refund.success("refunded"));
        });
  }

  /**
   * reports.warehouse_sync runs for two minutes: STUCK_STARTED once the threshold passes, until it
   * finishes.
   */
  private void runsLong() {
    TracedTask sync = reports.tracer().newTask("reports.warehouse_sync");
    sync.pending(List.of("warehouse"), null);
    later(80, sync::started);
    later(RESOLVED_AFTER_MILLIS, () -> sync.success(Map.of("tables", 31)));
  }

  /**
   * A chord whose two headers succeed but whose callback stays queued (as when the chord's result
   * backend lost the counter): CHORD_NOT_JOINED on the chord container once the threshold passes.
   */
  private void chordNeverJoined() {
    String groupId = java.util.UUID.randomUUID().toString();
    String callbackId = java.util.UUID.randomUUID().toString();
    List<TracedTask> headers = new ArrayList<>();
    for (String region : List.of("eu-north", "sa-east")) {
      TracedTask header =
          reports
              .tracer()
              .task("reports.fetch_region")
              .parent(null)
              .groupId(groupId)
              .chordCallbackId(callbackId)
              .build();
      header.pending(List.of(region), null);
      headers.add(header);
    }
    TracedTask callback =
        reports.tracer().task("reports.build").taskId(callbackId).parent(null).build();
    later(50, () -> headers.forEach(TracedTask::started));
    later(
        300,
        () -> {
          headers.forEach(header -> header.success(500));
          callback.pending(List.of("sales"), null);
        });
    later(RESOLVED_AFTER_MILLIS, callback::revoked); // an operator cancels the stalled callback
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Simulated work of a random duration; returns how long it took (less when the demo is stopping).
   */
  private static long work(int minMillis, int maxMillis) {
    long millis = ThreadLocalRandom.current().nextLong(minMillis, maxMillis + 1L);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return millis;
  }

  private void later(long delayMillis, Runnable action) {
    if (closed) return;
    scheduler.schedule(
        () -> {
          if (closed) return;
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.warn("demo workload step failed", e);
          }
        },
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops producing; the simulated workers say worker_shutdown. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    ordersThreads.shutdownNow();
    reportsThreads.shutdownNow();
    orders.close();
    reports.close();
    exports.close();
  }

  /** Stands in for application code that throws from a few frames deep. */
  private static final class InvoiceTemplates {
    static String render(String template, String field) {
      return lookup(template, field);
    }

    private static String lookup(String template, String field) {
      throw new IllegalStateException("template '" + template + "' has no field '" + field + "'");
    }
  }
}
