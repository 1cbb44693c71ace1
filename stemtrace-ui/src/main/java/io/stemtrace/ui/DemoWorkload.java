package io.stemtrace.ui;

import io.stemtrace.api.RegisteredTaskDefinition;
import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.EventCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's workload: keeps producing realistic workflows at a modest rate (about two per second) on a
 * transport, in the shapes a dashboard must draw: chains, groups, chords, nested spawns, retries that
 * succeed, failures with stack traces, a task no worker registers, and a long task interrupted by a
 * simulated worker restart. Runs on one daemon thread ({@code stemtrace-demo}).
 */
final class DemoWorkload implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);

  static final String WORKER_A = "orders-worker-1@demo";
  static final String WORKER_B = "reports-worker-1@demo";
  static final String UNREGISTERED = "legacy.ledger.sync";

  private static final List<String> WORKER_A_TASKS = List.of(
      "orders.checkout", "orders.import_batch", "payments.charge", "payments.capture", "inventory.reserve",
      "email.send", "images.resize", "invoices.render");
  private static final List<String> WORKER_B_TASKS = List.of(
      "reports.fetch_region", "reports.build", "reports.nightly_export", "email.send");

  private final Transport transport;
  private final EventCodec codec = EventCodec.standard();
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger round = new AtomicInteger();
  private volatile boolean closed;

  private DemoWorkload(Transport transport) {
    this.transport = transport;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "stemtrace-demo");
      thread.setDaemon(true);
      return thread;
    });
  }

  static DemoWorkload start(Transport transport) {
    DemoWorkload workload = new DemoWorkload(transport);
    workload.scheduler.execute(() -> {
      workload.workerReady(WORKER_A, 4101, WORKER_A_TASKS);
      workload.workerReady(WORKER_B, 4102, WORKER_B_TASKS);
    });
    workload.scheduler.scheduleWithFixedDelay(workload::nextSafely, 200, 500, TimeUnit.MILLISECONDS);
    return workload;
  }

  private void nextSafely() {
    try {
      next(round.getAndIncrement());
    } catch (RuntimeException e) {
      LOG.warn("demo workload step failed", e);
    }
  }

  /** One step: every scenario appears within the first ten steps (five seconds), then they repeat. */
  private void next(int step) {
    switch (step % 10) {
      case 0 -> chain();
      case 1 -> group();
      case 2 -> chord();
      case 3 -> nestedSpawns();
      case 4 -> retryThenSuccess();
      case 5 -> failure();
      case 6 -> chain();
      case 7 -> {
        if (step % 40 == 7) unregistered(); else group();
      }
      case 8 -> {
        if (step % 60 == 8) interruptedByRestart(); else chord();
      }
      default -> nestedSpawns();
    }
  }

  // ---------------------------------------------------------------- scenarios

  /** orders.checkout -> payments.charge -> email.send, each the parent of the next. */
  private void chain() {
    String root = id();
    String charge = id();
    String mail = id();
    long orderId = ThreadLocalRandom.current().nextLong(100_000, 999_999);
    Task checkout = task(root, "orders.checkout", null, root).args(List.of(orderId));
    Task pay = task(charge, "payments.charge", root, root).args(List.of(orderId, 4999));
    Task send = task(mail, "email.send", charge, root)
        .kwargs(Map.of("to", "customer-" + orderId + "@example.com", "template", "order_confirmed"));
    long t = 0;
    t = checkout.run(t, 40, 180, Map.of("order_id", orderId, "status", "placed"));
    t = pay.run(t, 30, 250, Map.of("charge_id", "ch_" + orderId));
    send.run(t, 20, 120, true);
  }

  /** A standalone group: images.resize of four sizes, drawn in a GROUP container. */
  private void group() {
    String groupId = id();
    String image = "img-" + ThreadLocalRandom.current().nextInt(1000, 9999) + ".png";
    long t = 0;
    for (int size : new int[] {64, 128, 256, 512}) {
      String id = id();
      task(id, "images.resize", null, id).group(groupId).args(List.of(image, size))
          .run(t, 30, 80 + size / 2, Map.of("path", "thumbs/" + size + "/" + image));
      t += 10;
    }
  }

  /** A chord: reports.fetch_region per region, then reports.build once all finished. */
  private void chord() {
    String groupId = id();
    String callback = id();
    List<String> regions = List.of("eu-west", "us-east", "ap-south");
    long lastDone = 0;
    String lastHeader = null;
    for (int i = 0; i < regions.size(); i++) {
      String id = id();
      long runMillis = 150 + ThreadLocalRandom.current().nextInt(400);
      task(id, "reports.fetch_region", null, id).group(groupId).chordCallback(callback)
          .args(List.of(regions.get(i))).run(i * 15L, 40, runMillis, Map.of("rows", 1000 + i * 250));
      long done = i * 15L + 40 + runMillis;
      if (done > lastDone) {
        lastDone = done;
        lastHeader = id;
      }
    }
    // like Celery, the callback's parent is whichever header finished last
    task(callback, "reports.build", lastHeader, callback).args(List.of(List.of(1000, 1250, 1500)))
        .run(lastDone + 20, 30, 300, Map.of("report", "sales-" + regions.size() + "-regions.pdf"));
  }

  /** orders.import_batch spawns inventory.reserve for three lines; one of them spawns email.send. */
  private void nestedSpawns() {
    String root = id();
    Task batch = task(root, "orders.import_batch", null, root).args(List.of("batch-" + round.get()));
    batch.emit(0, TaskState.PENDING);
    batch.emit(30, TaskState.STARTED);
    long t = 60;
    String notifier = null;
    for (int line = 1; line <= 3; line++) {
      String id = id();
      task(id, "inventory.reserve", root, root).args(List.of("sku-" + (100 + line), line))
          .run(t, 20, 90, Map.of("reserved", line));
      if (line == 2) notifier = id;
      t += 25;
    }
    String mail = id();
    task(mail, "email.send", notifier, root).kwargs(Map.of("to", "warehouse@example.com", "template", "low_stock"))
        .run(t + 120, 20, 60, true);
    batch.result(Map.of("imported", 3)).emit(t + 260, TaskState.SUCCESS);
  }

  /** payments.capture times out twice, is retried after a countdown each time, and succeeds on the third attempt. */
  private void retryThenSuccess() {
    String id = id();
    Task capture = task(id, "payments.capture", null, id).args(List.of("pi_" + round.get()));
    capture.emit(0, TaskState.PENDING);
    long t = 30;
    for (int attempt = 0; attempt < 2; attempt++) {
      capture.attempt(attempt).emit(t, TaskState.STARTED);
      capture.attempt(attempt).exception("java.net.SocketTimeoutException: Read timed out")
          .emit(t + 120, TaskState.RETRY);
      t += 120 + 2_000; // retried with a two-second countdown
    }
    capture.attempt(2).exception(null).emit(t, TaskState.STARTED);
    capture.attempt(2).result(Map.of("captured", true)).emit(t + 90, TaskState.SUCCESS);
  }

  /** invoices.render fails with a Java stack trace. */
  private void failure() {
    String id = id();
    Task render = task(id, "invoices.render", null, id).args(List.of("INV-" + round.get()));
    render.emit(0, TaskState.PENDING);
    render.emit(25, TaskState.STARTED);
    render.exception("java.lang.IllegalStateException: template 'invoice-v2' has no field 'vat_number'")
        .traceback(String.join("\n",
            "java.lang.IllegalStateException: template 'invoice-v2' has no field 'vat_number'",
            "\tat com.example.invoices.TemplateEngine.field(TemplateEngine.java:118)",
            "\tat com.example.invoices.TemplateEngine.render(TemplateEngine.java:74)",
            "\tat com.example.invoices.InvoiceTasks.render(InvoiceTasks.java:41)",
            "\tat java.base/java.util.concurrent.FutureTask.run(FutureTask.java:317)",
            "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
            "\tat java.base/java.lang.Thread.run(Thread.java:840)"))
        .emit(140, TaskState.FAILURE);
  }

  /** A task nobody registers: it stays PENDING. */
  private void unregistered() {
    String id = id();
    task(id, UNREGISTERED, null, id).args(List.of("2026-11")).emit(0, TaskState.PENDING);
  }

  /** reports.nightly_export starts on the reports worker, which restarts before it finishes. */
  private void interruptedByRestart() {
    String id = id();
    Task export = task(id, "reports.nightly_export", null, id).args(List.of("warehouse"));
    export.emit(0, TaskState.PENDING);
    export.emit(40, TaskState.STARTED);
    later(1500, () -> send(new WorkerEvent(WorkerEvent.Type.SHUTDOWN, WORKER_B, 4102, Instant.now(),
        WORKER_B_TASKS, Map.of(), Instant.now())));
    later(2500, () -> workerReady(WORKER_B, 4177, WORKER_B_TASKS));
  }

  // ---------------------------------------------------------------- plumbing

  private void workerReady(String hostname, long pid, List<String> tasks) {
    Map<String, RegisteredTaskDefinition> definitions = new LinkedHashMap<>();
    for (String name : tasks) {
      int dot = name.lastIndexOf('.');
      definitions.put(name, new RegisteredTaskDefinition(name, "com.example." + name.substring(0, dot),
          "(" + (name.startsWith("email") ? "String to, String template" : "Object... args") + ")",
          "Demo task " + name + ".", false));
    }
    send(new WorkerEvent(WorkerEvent.Type.READY, hostname, pid, Instant.now(), tasks, definitions, null));
  }

  private Task task(String id, String name, String parentId, String rootId) {
    return new Task(TaskEvent.builder(id, TaskState.PENDING).name(name).parentId(parentId).rootId(rootId));
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private void later(long delayMillis, Runnable action) {
    if (closed) return;
    scheduler.schedule(() -> {
      if (!closed) action.run();
    }, delayMillis, TimeUnit.MILLISECONDS);
  }

  private void send(StemtraceEvent event) {
    if (closed) return;
    try {
      byte[] payload = codec.encode(event);
      transport.send(List.of(payload));
    } catch (IOException | RuntimeException e) {
      LOG.debug("demo event not sent", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
  }

  /** Emits one task's events at offsets from now; a copy of the builder is taken per event. */
  private final class Task {
    private final TaskEvent.Builder template;

    Task(TaskEvent.Builder template) {
      this.template = template;
    }

    Task args(Object args) { template.args(args); return this; }
    Task kwargs(Object kwargs) { template.kwargs(kwargs); return this; }
    Task group(String groupId) { template.groupId(groupId); return this; }
    Task chordCallback(String callbackId) { template.chordCallbackId(callbackId); return this; }
    Task attempt(int retries) { template.retries(retries); return this; }
    Task exception(String exception) { template.exception(exception); return this; }
    Task traceback(String traceback) { template.traceback(traceback); return this; }
    Task result(Object result) { template.result(result); return this; }

    void emit(long atMillis, TaskState state) {
      TaskEvent snapshot = template.state(state).timestamp(Instant.EPOCH).build();
      later(atMillis, () -> send(snapshot.toBuilder().timestamp(Instant.now()).build()));
    }

    /** PENDING at {@code start}, STARTED after the queue time, SUCCESS with {@code result} after the run time. */
    long run(long start, long queueMillis, long runMillis, Object result) {
      emit(start, TaskState.PENDING);
      emit(start + queueMillis, TaskState.STARTED);
      template.result(result);
      emit(start + queueMillis + runMillis, TaskState.SUCCESS);
      template.result(null);
      return start + queueMillis + runMillis;
    }
  }

  static List<String> registeredNames() {
    List<String> names = new ArrayList<>(WORKER_A_TASKS);
    for (String name : WORKER_B_TASKS) if (!names.contains(name)) names.add(name);
    return names;
  }
}
