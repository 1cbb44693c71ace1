package io.stemtrace.transport.redis.bench;

import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The producer side of the two-process end-to-end phase: a JVM of its own, as an application
 * publishing to the dashboard's Redis is in production. It prepares its payloads, warms up, sends
 * {@link #PRIMER} events, says {@code ready}, waits for {@code go} on stdin, sends them in batches
 * of 1000 and prints {@code done <cpu nanos>}.
 */
public final class BenchProducerProcess {

  private static final int BATCH = 1_000;

  /** Events sent before {@code ready}; the consumer applies them before the clock starts. */
  static final int PRIMER = BATCH;

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String prefix = args[1];
    int events = Integer.parseInt(args[2]);
    List<byte[]> payloads = BenchEvents.lifecycles(events);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    // a warm-up stream of its own, so that the timed run starts with compiled code; that transport
    // stays open
    // until the end, because closing one makes the JIT throw away and redo much of the compiled
    // send path
    try (Transport producer = Transports.open(url + "?maxlen=" + (events * 2L), prefix);
        Transport warmup = Transports.open(url + "?maxlen=" + (events * 2L), prefix + "-warmup")) {
      for (int round = 0; round < 6; round++) {
        for (int from = 0; from < Math.min(events, 200_000); from += BATCH)
          warmup.send(payloads.subList(from, from + BATCH));
      }
      // the timed transport's first send connects: done now, or the JIT deoptimizes send in the
      // timed run
      producer.send(payloads.subList(0, PRIMER));
      System.out.println("ready");
      System.out.flush();
      if (!"go".equals(in.readLine())) return;
      long cpu = processCpuNanos();
      RedisLoadHarness.Cpu.startThreads();
      for (int from = 0; from < payloads.size(); from += BATCH) {
        producer.send(payloads.subList(from, Math.min(payloads.size(), from + BATCH)));
      }
      long spent = processCpuNanos() - cpu;
      if (Boolean.getBoolean("bench.threads"))
        System.err.println(
            "producer JVM threads, CPU us/event:" + RedisLoadHarness.Cpu.byThread(events));
      System.out.println("done " + spent);
      System.out.flush();
    }
  }

  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  /** Starts the producer JVM with this JVM's (or the exec plugin's) class path. */
  static Process start(String url, String prefix, int events) throws Exception {
    List<String> classPath = new ArrayList<>();
    ClassLoader loader = BenchProducerProcess.class.getClassLoader();
    if (loader instanceof URLClassLoader urls) {
      for (URL entry : urls.getURLs()) classPath.add(Path.of(entry.toURI()).toString());
    }
    if (classPath.isEmpty()) classPath.add(System.getProperty("java.class.path"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin.toString(),
                "-Xmx4g",
                "-Dbench.threads=" + Boolean.getBoolean("bench.threads")));
    String extra = System.getProperty("bench.producerJvmArgs", "");
    if (!extra.isBlank()) command.addAll(List.of(extra.trim().split("\\s+")));
    command.addAll(
        List.of(
            "-cp",
            String.join(java.io.File.pathSeparator, classPath),
            BenchProducerProcess.class.getName(),
            url,
            prefix,
            String.valueOf(events)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  static String format(long cpuNanos, long events) {
    return String.format(Locale.ROOT, "%.2f", cpuNanos / 1e3 / events);
  }

  private BenchProducerProcess() {}
}
