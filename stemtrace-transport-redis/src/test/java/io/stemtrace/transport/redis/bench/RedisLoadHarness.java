package io.stemtrace.transport.redis.bench;

import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import io.stemtrace.core.Transports;
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
 * Prints the Redis transport's throughput figures next to redis-benchmark's raw XADD rate on the same
 * server, in the same run. Run it once, on a quiet machine (it writes about 1 GB through Redis):
 *
 * <pre>mvn -B -q -pl stemtrace-transport-redis -am test-compile exec:java -Dexec.skip=true
 *     -Dexec.mainClass=io.stemtrace.transport.redis.bench.RedisLoadHarness
 *     [-Dbench.url=redis://127.0.0.1:6379/0] [-Dbench.events=1000000]</pre>
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
    System.out.printf(Locale.ROOT, "stemtrace Redis load harness: %s, %,d events of %d bytes on average, %d cores%n",
        url, events, payloadBytes, Runtime.getRuntime().availableProcessors());

    List<String> prefixes = new ArrayList<>();
    try {
      rawXadd(url, events, new String(payloads.get(0), StandardCharsets.UTF_8), prefixes);
      String replayPrefix = publishOnly(url, payloads, prefixes);
      replay(url, replayPrefix, events);
      endToEndTransport(url, payloads, prefixes);
    } finally {
      deleteStreams(url, prefixes);
    }
  }

  /** redis-benchmark -P 64 XADD of the same payload: what the server and loopback manage without a client library. */
  static void rawXadd(String url, int events, String payload, List<String> prefixes) throws Exception {
    String prefix = newPrefix(prefixes);
    java.net.URI uri = java.net.URI.create(url);
    List<String> command = List.of("redis-benchmark", "-h", uri.getHost(), "-p", String.valueOf(uri.getPort() < 0 ? 6379 : uri.getPort()),
        "-P", "64", "-n", String.valueOf(events), "-q", "XADD", prefix + ":events", "MAXLEN", "~", String.valueOf(events), "*", "data", payload);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      System.out.println("raw XADD (redis-benchmark -P 64): not measured, redis-benchmark not runnable: " + e.getMessage());
      return;
    }
    String output;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      output = String.join("\n", reader.lines().toList());
    }
    process.waitFor();
    // -q prints progress lines separated by \r, then "XADD ...: 812345.67 requests per second, p50=..."
    Matcher matcher = Pattern.compile("([0-9.]+) requests per second").matcher(output);
    String rate = null;
    while (matcher.find()) rate = matcher.group(1);
    System.out.printf(Locale.ROOT, "raw XADD (redis-benchmark -P 64 -n %d):        %,12.0f events/s%n", events,
        rate == null ? Double.NaN : Double.parseDouble(rate));
  }

  /** RedisTransport.send in batches of 1000, as the producer's flusher calls it. */
  static String publishOnly(String url, List<byte[]> payloads, List<String> prefixes) throws Exception {
    String prefix = newPrefix(prefixes);
    try (Transport transport = Transports.open(url + "?maxlen=" + (payloads.size() * 2), prefix)) {
      transport.send(payloads.subList(0, BATCH)); // connect before timing
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
      long started = System.nanoTime();
      try (Subscription subscription = transport.subscribe(batch -> {
        if (received.addAndGet(batch.size()) >= events) done.countDown();
      })) {
        if (!done.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("replay incomplete: " + received.get());
        report("replay " + events + " entries (transport only)", events, started);
      }
    }
  }

  /** One producer thread sending, one subscription following at the same time: the transport alone. */
  static void endToEndTransport(String url, List<byte[]> payloads, List<String> prefixes) throws Exception {
    String prefix = newPrefix(prefixes);
    try (Transport producer = Transports.open(url + "?maxlen=" + (payloads.size() * 2), prefix);
        Transport consumer = Transports.open(url, prefix)) {
      AtomicLong received = new AtomicLong();
      CountDownLatch done = new CountDownLatch(1);
      try (Subscription subscription = consumer.subscribe(batch -> {
        if (received.addAndGet(batch.size()) >= payloads.size()) done.countDown();
      })) {
        long started = System.nanoTime();
        for (int from = 0; from < payloads.size(); from += BATCH) {
          producer.send(payloads.subList(from, Math.min(payloads.size(), from + BATCH)));
        }
        if (!done.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("delivery incomplete: " + received.get());
        report("send -> Redis -> subscription (no graph)", payloads.size(), started);
      }
    }
  }

  static void report(String what, long events, long startedNanos) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    System.out.printf(Locale.ROOT, "%-48s %,12.0f events/s  (%,d in %.2f s)%n", what + ":", events / seconds, events, seconds);
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
  }

  private RedisLoadHarness() {}
}
