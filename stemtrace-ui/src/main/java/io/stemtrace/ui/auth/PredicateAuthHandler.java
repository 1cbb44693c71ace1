package io.stemtrace.ui.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through when the host's check says so. The check runs on a worker thread (it may
 * look at a session store or call out), and a check that throws refuses the request rather than
 * failing open.
 */
final class PredicateAuthHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(PredicateAuthHandler.class);

  private final HttpHandler next;
  private final Predicate<HttpServerExchange> check;

  PredicateAuthHandler(HttpHandler next, Predicate<HttpServerExchange> check) {
    this.next = next;
    this.check = check;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    boolean allowed;
    try {
      allowed = check.test(exchange);
    } catch (RuntimeException e) {
      LOG.warn("the authentication check threw; refusing the request", e);
      allowed = false;
    }
    if (allowed) {
      next.handleRequest(exchange);
    } else if (!exchange.isResponseStarted() && !exchange.isComplete()) {
      Exchanges.json(exchange, StatusCodes.UNAUTHORIZED, "authentication required");
    }
  }
}
