package io.stemtrace.server;

import io.undertow.Undertow;
import org.slf4j.LoggerFactory;

/**
 * Writes one record through each logging API a server process carries, after the server's own
 * logging setup: SLF4J (stemtrace, Lettuce, RabbitMQ), System.Logger (the producer) and
 * jboss-logging (Undertow, XNIO, by a real Undertow start and stop). Run by {@link LogFormatIT}.
 */
final class LogFormatProbe {

  private LogFormatProbe() {}

  public static void main(String[] args) {
    StemtraceServer.routeLibraryLoggingToSlf4j();
    LoggerFactory.getLogger("io.stemtrace.probe").info("probe through slf4j");
    System.getLogger("io.stemtrace.probe.producer")
        .log(System.Logger.Level.WARNING, "probe through {0}", "System.Logger");
    org.jboss.logging.Logger.getLogger("org.jboss.probe").warn("probe through jboss-logging");
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(exchange -> exchange.endExchange())
            .build();
    undertow.start();
    undertow.stop();
  }
}
