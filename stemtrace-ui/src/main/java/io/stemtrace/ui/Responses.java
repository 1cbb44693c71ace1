package io.stemtrace.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;

/** Writes finished responses. */
final class Responses {

  private Responses() {}

  static void json(HttpServerExchange exchange, int status, byte[] body) {
    headers(exchange, status, body.length);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  static void json(HttpServerExchange exchange, int status, ChunkedOutput body) {
    headers(exchange, status, body.size());
    exchange.getResponseSender().send(body.toBuffers());
  }

  private static void headers(HttpServerExchange exchange, int status, long length) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
  }
}
