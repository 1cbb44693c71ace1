package io.stemtrace.examples.transport;

import io.stemtrace.api.Subscription;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.Transport;
import io.stemtrace.api.Transports;
import io.stemtrace.codec.EventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens the JSON-lines transport by URL, exactly as stemtrace opens any transport, sends two events
 * and reads them back. Run: {@code mvn -q -pl examples -am compile exec:java -Dexec.skip=true
 * -Dexec.mainClass=io.stemtrace.examples.transport.CustomTransportExample} (see
 * examples/README.md).
 */
public final class CustomTransportExample {

  public static void main(String[] args) throws Exception {
    Path directory = Files.createTempDirectory("stemtrace-jsonl");
    EventCodec codec = EventCodec.standard();
    // the scheme picks the provider listed in META-INF/services: no registration code anywhere
    try (Transport transport = Transports.open("jsonl://" + directory, "demo")) {
      CountDownLatch received = new CountDownLatch(2);
      try (Subscription subscription =
          transport.subscribe(
              batch -> {
                for (byte[] payload : batch) {
                  System.out.println("received " + new String(payload, StandardCharsets.UTF_8));
                  received.countDown();
                }
              })) {
        Instant now = Instant.now();
        transport.send(
            List.of(
                codec.encode(
                    TaskEvent.builder("order-42", TaskState.PENDING)
                        .name("orders.ship")
                        .timestamp(now)
                        .build()),
                codec.encode(
                    TaskEvent.builder("order-42", TaskState.SUCCESS)
                        .name("orders.ship")
                        .timestamp(now.plusMillis(40))
                        .build())));
        if (!received.await(5, TimeUnit.SECONDS))
          throw new IllegalStateException("events did not arrive");
        System.out.println("both events came back through " + transport.describe());
      }
    }
  }

  private CustomTransportExample() {}
}
