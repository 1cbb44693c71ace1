package io.stemtrace.transport.redis.bench;

import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the Redis transport's throughput figures next to redis-benchmark's raw XADD rate on the
 * same server, in the same run. Run it once, on a quiet machine (it writes about 1 GB through
 * Redis):
 *
 * <pre>mvn -B -q -pl stemtrace-transport-redis -am test-compile exec:java -Dexec.skip=true
 *     -Dexec.mainClass=io.stemtrace.transport.redis.bench.RedisLoadHarness
 *     [-Dbench.url=redis://127.0.0.1:6379/0] [-Dbench.events=1000000]
 *     [-Dbench.phases=raw,publish,replay,replay-graph,transport,graph,two-processes,tracer]</pre>
 *
 * Every stream it writes has a fresh {@code bench-*} prefix and is deleted at the end.
 */
public final class RedisLoadHarness {

  private static final int BATCH = 1_000;

  public static void main(String[] args) throws Exception {
    String url = System.getProperty("bench.url", "redis://127.0.0.1:6379/0");
    int events = Integer.getInteger("bench.events", 1_000_000);
    List<byte[]> payloads = BenchEvents.lifecycles(events);
    int payloadBytes = payloads.stream().mapToInt(p -> p.length).sum() / payloads.size();
    System.out.printf(
        Locale.ROOT,
        "stemtrace Redis load harness: %s, %,d events of %d bytes on average, %d cores%n",
        url,
        events,
        payloadBytes,
        Runtime.getRuntime().availableProcessors());

    List<String> prefixes = new ArrayList<>();
    try {
      // warm-up: the same paths with fewer events, so the JIT has compiled them before anything is
      // timed
      int warmupEvents = Math.min(events, 200_000);
      Output.quiet = true;
      String warmup = publishOnly(url, payloads.subList(0, warmupEvents), prefixes);
      replay(url, warmup, warmupEvents);
      BenchGraph.replayIntoGraph(url, warmup, warmupEvents);
      BenchGraph.endToEndFromTracer(url, warmupEvents, prefixes);
      deleteStreams(url, prefixes);
      // the end-to-end path JITs last: after one round C2 was still compiling during the timed
      // phase
      for (int round = 0; round < 4; round++) {
        BenchGraph.endToEnd(url, payloads.subList(0, warmupEvents), prefixes);
        deleteStreams(url, prefixes);
      }
      deleteStreams(url, prefixes);
      letJitCatchUp();
      Output.quiet = false;

      if (phase("raw"))
        rawXadd(url, events, new String(payloads.get(0), StandardCharsets.UTF_8), prefixes);
      deleteStreams(url, prefixes);
      if (phase("publish") || phase("replay") || phase("replay-graph")) {
        String replayPrefix = publishOnly(url, payloads, prefixes);
        if (phase("replay")) replay(url, replayPrefix, events);
        if (phase("replay-graph")) BenchGraph.replayIntoGraph(url, replayPrefix, events);
        deleteStreams(url, prefixes);
      }
      if (phase("transport")) endToEndTransport(url, payloads, prefixes);
      deleteStreams(url, prefixes);
      if (phase("graph")) BenchGraph.endToEnd(url, payloads, prefixes);
      deleteStreams(url, prefixes);
      deleteStreams(url, prefixes);
      if (phase("two-processes")) BenchGraph.endToEndTwoProcesses(url, events, prefixes);
      deleteStreams(url, prefixes);
      if (phase("tracer")) BenchGraph.endToEndFromTracer(url, events, prefixes);
    } finally {
      deleteStreams(url, prefixes);
    }
  }

  /**
   * An idle pause after the warm-up: on two saturated cores the JIT's compile queue falls behind,
   * and the compilations it still owes would otherwise run (and take CPU) during the first timed
   * phase.
   */
  static void letJitCatchUp() throws InterruptedException {
    Thread.sleep(3_000);
  }

  /**
   * -Dbench.phases=raw,publish,replay,replay-graph,transport,graph,two-processes,tracer (default:
   * all) picks what is timed.
   */
  private static boolean phase(String name) {
    String phases = System.getProperty("bench.phases", "");
    return phases.isBlank() || List.of(phases.split(",")).contains(name);
  }

  /** Prints the figures, except during the warm-up. */
  static final class Output {
    static volatile boolean quiet;

    static void line(String format, Object... args) {
      if (!quiet) System.out.printf(Locale.ROOT, format, args);
    }
  }

  /**
   * redis-benchmark -P 64 XADD of the same payload: what the server and loopback manage without a
   * client library.
   */
  static void rawXadd(String url, int events, String payload, List<String> prefixes)
      throws Exception {
    String prefix = newPrefix(prefixes);
    java.net.URI uri = java.net.URI.create(url);
    List<String> command =
        List.of(
            "redis-benchmark",
            "-h",
            uri.getHost(),
            "-p",
            String.valueOf(uri.getPort() < 0 ? 6379 : uri.getPort()),
            "-P",
            "64",
            "-n",
            String.valueOf(events),
            "-q",
            "XADD",
            prefix + ":events",
            "MAXLEN",
            "~",
            String.valueOf(events),
            "*",
            "data",
            payload);
    Process process;
    Cpu.start(url);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      System.out.println(
          "raw XADD (redis-benchmark -P 64): not measured, redis-benchmark not runnable: "
              + e.getMessage());
      return;
    }
    String output;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      output = String.join("\n", reader.lines().toList());
    }
    process.waitFor();
    // -q prints progress lines separated by \r, then "XADD ...: 812345.67 requests per second,
    // p50=..."
    Matcher matcher = Pattern.compile("([0-9.]+) requests per second").matcher(output);
    String rate = null;
    while (matcher.find()) rate = matcher.group(1);
    System.out.printf(
        Locale.ROOT,
        "%-48s %,12.0f events/s  %s%n",
        "raw XADD (redis-benchmark -P 64 -n " + events + "):",
        rate == null ? Double.NaN : Double.parseDouble(rate),
        Cpu.since(events).replace("JVM 0.00, ", ""));
  }

  /** RedisTransport.send in batches of 1000, as the producer's flusher calls it. */
  static String publishOnly(String url, List<byte[]> payloads, List<String> prefixes)
      throws Exception {
    String prefix = newPrefix(prefixes);
    try (Transport transport = Transports.open(url + "?maxlen=" + (payloads.size() * 2), prefix)) {
      transport.send(payloads.subList(0, BATCH)); // connect before timing
      Cpu.start(url);
      long started = System.nanoTime();
      for (int from = BATCH; from < payloads.size(); from += BATCH) {
        transport.send(payloads.subList(from, Math.min(payloads.size(), from + BATCH)));
      }
      report("publish (send, batches of 1000)", payloads.size() - BATCH, started);
    }
    return prefix;
  }

  /** A new subscription reading the whole stream from 0-0, handing bytes to a counting sink. */
  static void replay(String url, String prefix, int events) throws Exception {
    try (Transport transport = Transports.open(url, prefix)) {
      AtomicLong received = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      Cpu.start(url);
      long started = System.nanoTime();
      try (Subscription subscription =
          transport.subscribe(
              batch -> {
                if (received.addAndGet(batch.size()) >= events) done.countDown();
              })) {
        if (!done.await(120, TimeUnit.SECONDS))
          throw new IllegalStateException("replay incomplete: " + received.get());
        report("replay " + events + " entries (transport only)", events, started);
      }
    }
  }

  /**
   * One producer thread sending, one subscription following at the same time: the transport alone.
   */
  static void endToEndTransport(String url, List<byte[]> payloads, List<String> prefixes)
      throws Exception {
    String prefix = newPrefix(prefixes);
    try (Transport producer = Transports.open(url + "?maxlen=" + (payloads.size() * 2), prefix);
        Transport consumer = Transports.open(url, prefix)) {
      AtomicLong received = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      try (Subscription subscription =
          consumer.subscribe(
              batch -> {
                if (received.addAndGet(batch.size()) >= payloads.size()) done.countDown();
              })) {
        Cpu.start(url);
        long started = System.nanoTime();
        for (int from = 0; from < payloads.size(); from += BATCH) {
          producer.send(payloads.subList(from, Math.min(payloads.size(), from + BATCH)));
        }
        if (!done.await(120, TimeUnit.SECONDS))
          throw new IllegalStateException("delivery incomplete: " + received.get());
        report("send -> Redis -> subscription (no graph)", payloads.size(), started);
      }
    }
  }

  static void report(String what, long events, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    Output.line(
        "%-48s %,12.0f events/s  (%,d in %.2f s)%s%n",
        what + ":", events / seconds, events, seconds, Cpu.since(events));
  }

  /**
   * CPU spent per event by this JVM and by the Redis server since the phase started: on a machine
   * shared with other work the wall-clock rate varies from run to run, the CPU cost per event much
   * less.
   */
  static final class Cpu {
    private static long jvmStart;
    private static long redisStart;
    private static int redisPid = -1;

    private static java.util.Map<Long, Long> threadStart = java.util.Map.of();

    static void start(String url) {
      if (redisPid < 0) redisPid = redisPid(url);
      threadStart = threadCpu();
      jvmStart = jvmCpuNanos();
      redisStart = redisCpuNanos();
    }

    static String since(long events) {
      long jvm = jvmCpuNanos() - jvmStart;
      long redis = redisCpuNanos() - redisStart;
      String redisPart =
          redisPid > 0 ? String.format(Locale.ROOT, ", Redis %.2f", redis / 1e3 / events) : "";
      return String.format(Locale.ROOT, "  CPU us/event: JVM %.2f%s", jvm / 1e3 / events, redisPart)
          + (Boolean.getBoolean("bench.threads") ? byThread(events) : "");
    }

    /**
     * With -Dbench.threads=true: the JVM's CPU per event split by thread, from /proc so that GC and
     * JIT threads count too (names as the kernel keeps them: 15 characters, numbering removed).
     */
    static void startThreads() {
      threadStart = threadCpu();
    }

    static String byThread(long events) {
      java.util.Map<String, Long> byName = new java.util.TreeMap<>();
      threadCpu()
          .forEach(
              (tid, nanos) -> {
                long spent = nanos - threadStart.getOrDefault(tid, 0L);
                if (spent > 0) byName.merge(threadName(tid), spent, Long::sum);
              });
      StringBuilder out = new StringBuilder();
      byName.forEach(
          (name, nanos) -> {
            if (nanos / 1e3 / events >= 0.05)
              out.append(
                  String.format(Locale.ROOT, "%n      %-40s %.2f", name, nanos / 1e3 / events));
          });
      return out.toString();
    }

    private static String threadName(long tid) {
      try {
        String comm =
            java.nio.file.Files.readString(
                    java.nio.file.Path.of("/proc/self/task/" + tid + "/comm"))
                .trim();
        return comm.replaceAll("[{#].*", "").replaceAll("[-_ ]?\\d+(-\\d+)?$", "");
      } catch (java.io.IOException e) {
        return "?";
      }
    }

    private static java.util.Map<Long, Long> threadCpu() {
      java.util.Map<Long, Long> cpu = new java.util.HashMap<>();
      try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
        for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
          try {
            String stat = java.nio.file.Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            cpu.put(
                Long.parseLong(task.getFileName().toString()),
                (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L);
          } catch (java.io.IOException | RuntimeException gone) {
            // the thread ended meanwhile
          }
        }
      } catch (java.io.IOException e) {
        // no /proc: no breakdown
      }
      return cpu;
    }

    private static long jvmCpuNanos() {
      var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      return os instanceof com.sun.management.OperatingSystemMXBean sun
          ? sun.getProcessCpuTime()
          : 0;
    }

    private static long redisCpuNanos() {
      if (redisPid <= 0) return 0;
      try {
        String stat =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + redisPid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
      } catch (Exception e) {
        return 0;
      }
    }

    private static int redisPid(String url) {
      io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
      try (var connection = client.connect()) {
        String info = connection.sync().info("server");
        Matcher matcher = Pattern.compile("process_id:(\\d+)").matcher(info);
        int pid = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
        // only a server on this machine can be measured
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid + "/stat"))
            ? pid
            : 0;
      } finally {
        client.shutdown();
      }
    }
  }

  static String newPrefix(List<String> prefixes) {
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    prefixes.add(prefix);
    return prefix;
  }

  private static void deleteStreams(String url, List<String> prefixes) {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
    try (var connection = client.connect()) {
      for (String prefix : prefixes) connection.sync().del(prefix + ":events");
    } finally {
      client.shutdown();
    }
    prefixes.clear();
  }

  private RedisLoadHarness() {}
}
