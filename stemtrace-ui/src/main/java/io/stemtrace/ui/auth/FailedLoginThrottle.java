package io.stemtrace.ui.auth;

import io.undertow.server.HttpServerExchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing per client address: after {@link #FREE_FAILURES} wrong credentials
 * in a row, each further attempt is refused unchecked until a delay has passed that doubles with
 * every failure (1 s up to {@link #MAX_DELAY}), so one address gets about one guess a minute. A
 * success, or {@link #FORGET_AFTER} without failures, starts the address afresh. At most {@link
 * #MAX_ADDRESSES} addresses are remembered (the least recently failing ones are forgotten first).
 */
final class FailedLoginThrottle {

  private static final Logger LOG = LoggerFactory.getLogger(FailedLoginThrottle.class);
  static final int FREE_FAILURES = 5;
  static final Duration MAX_DELAY = Duration.ofMinutes(1);
  static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  static final int MAX_ADDRESSES = 10_000;

  private final Clock clock;
  private final Map<InetAddress, Failures> byAddress =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  private static final class Failures {
    int count;
    long lastFailureMillis;
    long blockedUntilMillis;
  }

  FailedLoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /**
   * How long the client must wait before its credentials are checked again; zero when they may be
   * now.
   */
  synchronized Duration waitBeforeAttempt(HttpServerExchange exchange) {
    Failures failures = current(address(exchange), clock.millis());
    if (failures == null) return Duration.ZERO;
    long wait = failures.blockedUntilMillis - clock.millis();
    // whole seconds, rounded up: what Retry-After says
    return wait <= 0 ? Duration.ZERO : Duration.ofSeconds((wait + 999) / 1000);
  }

  synchronized void failed(HttpServerExchange exchange) {
    InetAddress address = address(exchange);
    long now = clock.millis();
    Failures failures = current(address, now);
    if (failures == null) {
      failures = new Failures();
      byAddress.put(address, failures);
    }
    failures.count++;
    failures.lastFailureMillis = now;
    if (failures.count > FREE_FAILURES) {
      int doublings = Math.min(failures.count - FREE_FAILURES - 1, 16);
      long delay = Math.min(1000L << doublings, MAX_DELAY.toMillis());
      failures.blockedUntilMillis = now + delay;
      LOG.warn(
          "{} failed sign-ins in a row from {}; its next attempt is checked in {} s",
          failures.count,
          address == null ? "an unknown address" : address.getHostAddress(),
          delay / 1000);
    }
  }

  synchronized void succeeded(HttpServerExchange exchange) {
    byAddress.remove(address(exchange));
  }

  private Failures current(InetAddress address, long now) {
    Failures failures = byAddress.get(address);
    if (failures != null && now - failures.lastFailureMillis > FORGET_AFTER.toMillis()) {
      byAddress.remove(address);
      return null;
    }
    return failures;
  }

  private static InetAddress address(HttpServerExchange exchange) {
    InetSocketAddress source = exchange.getSourceAddress();
    return source == null ? null : source.getAddress();
  }
}
