package io.stemtrace.ui;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REST API as one table, method and path pattern to handler, over a request and a response that
 * name no HTTP server: the Undertow handler adapts to it, and so can a Servlet or another host.
 * Patterns are segments after {@code /api}, literal or {@code {name}} ({@code
 * tasks/{id}/children}); a literal segment beats a variable one, so {@code tasks/registry} is not
 * the task named "registry". HEAD is answered wherever GET is. A path that no pattern matches is a
 * 404; one that matches only under other methods is a 405 naming them in {@code Allow}.
 */
final class RouteTable {

  /** Answers one request; throws {@link ApiException} for 4xx. */
  @FunctionalInterface
  interface Route {
    Response handle(Request request) throws IOException;
  }

  /** Reads a request body of at most {@code limit} bytes, or fails with 413. */
  @FunctionalInterface
  interface Body {
    byte[] read(long limit) throws IOException;
  }

  /**
   * One API request.
   *
   * @param method the HTTP method, upper case
   * @param segments the decoded path segments after {@code /api}
   * @param query the query parameters
   * @param body the body, read on demand
   */
  record Request(
      String method, String[] segments, QueryParams query, Body body, Map<String, String> params) {
    /** The value of a {@code {name}} segment of the matched pattern. */
    String param(String name) {
      String value = params.get(name);
      if (value == null) throw new IllegalStateException("no path parameter " + name);
      return value;
    }
  }

  /** What a route answers: a JSON document, with extra headers (a download's file name). */
  record Response(int status, ChunkedOutput body, Map<String, String> headers) {
    static Response ok(ChunkedOutput body) {
      return new Response(200, body, Map.of());
    }
  }

  private record Entry(String method, String[] pattern, int literals, Route route) {}

  private final List<Entry> entries = new ArrayList<>();

  RouteTable get(String pattern, Route route) {
    return add("GET", pattern, route);
  }

  RouteTable post(String pattern, Route route) {
    return add("POST", pattern, route);
  }

  private RouteTable add(String method, String pattern, Route route) {
    String[] parts = pattern.split("/");
    int literals = 0;
    for (String part : parts) {
      if (!isVariable(part)) literals++;
    }
    entries.add(new Entry(method, parts, literals, route));
    return this;
  }

  /** The route for the request's method and path, or the 404 or 405 it gets. */
  Response dispatch(String method, String[] segments, QueryParams query, Body body)
      throws IOException {
    String asMethod = method.equals("HEAD") ? "GET" : method;
    Entry best = null;
    Map<String, String> bestParams = null;
    Set<String> allowed = new LinkedHashSet<>();
    for (Entry entry : entries) {
      Map<String, String> params = match(entry.pattern, segments);
      if (params == null) continue;
      if (!entry.method.equals(asMethod)) {
        allowed.add(entry.method);
        if (entry.method.equals("GET")) allowed.add("HEAD");
        continue;
      }
      if (best == null || entry.literals > best.literals) {
        best = entry;
        bestParams = params;
      }
    }
    if (best != null && !shadowed(best, segments, allowed)) {
      return best.route.handle(new Request(method, segments, query, body, bestParams));
    }
    if (!allowed.isEmpty()) throw ApiException.methodNotAllowed(String.join(", ", allowed));
    throw ApiException.notFound("Not Found");
  }

  /**
   * A variable match loses to a literal route of another method on the same path: {@code POST
   * import} makes {@code GET import} a 405, not a task lookup.
   */
  private boolean shadowed(Entry best, String[] segments, Set<String> allowed) {
    if (allowed.isEmpty()) return false;
    for (Entry entry : entries) {
      if (entry != best && entry.literals > best.literals && match(entry.pattern, segments) != null)
        return true;
    }
    return false;
  }

  private static Map<String, String> match(String[] pattern, String[] segments) {
    if (pattern.length != segments.length) return null;
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      if (isVariable(pattern[i])) {
        params.put(pattern[i].substring(1, pattern[i].length() - 1), segments[i]);
      } else if (!pattern[i].equals(segments[i])) {
        return null;
      }
    }
    return params;
  }

  private static boolean isVariable(String part) {
    return part.startsWith("{") && part.endsWith("}");
  }
}
