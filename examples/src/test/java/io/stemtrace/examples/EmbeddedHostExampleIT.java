package io.stemtrace.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class EmbeddedHostExampleIT {

  final HttpClient client = HttpClient.newHttpClient();

  HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void host_servesItsOwnRouteAndStemtraceSideBySide() throws Exception {
    try (EmbeddedHostExample host = EmbeddedHostExample.start("memory://example-it", 0)) {
      String base = "http://127.0.0.1:" + host.port();
      HttpResponse<String> own = get(base + "/hello");
      assertThat(own.statusCode()).isEqualTo(200);
      assertThat(own.body()).isEqualTo("hello from the host application\n");

      HttpResponse<String> health = get(base + "/stemtrace/api/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(health.body()).contains("\"status\":\"ok\"").contains("\"consumer_running\":true");

      HttpResponse<String> tasks = get(base + "/stemtrace/api/tasks?limit=0");
      assertThat(tasks.statusCode()).isEqualTo(400);
      assertThat(tasks.body()).contains("'limit'");

      HttpResponse<String> ui = get(base + "/stemtrace/");
      assertThat(ui.statusCode()).isEqualTo(200);
      assertThat(ui.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
      assertThat(get(base + "/api/health").body()).doesNotContain("consumer_running");
    }
  }

  @Test
  void host_tracesItsOwnWorkIntoTheEmbeddedDashboard() throws Exception {
    try (EmbeddedHostExample host = EmbeddedHostExample.start("memory://example-it-checkout", 0)) {
      String base = "http://127.0.0.1:" + host.port();
      assertThat(get(base + "/checkout").body()).startsWith("checkout of order ");
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      String body = "";
      while (System.nanoTime() < deadline) {
        body = get(base + "/stemtrace/api/graphs?name=orders.checkout&state=SUCCESS").body();
        if (body.contains("\"task_count\":3")) break;
        Thread.sleep(50);
      }
      assertThat(body).contains("\"task_count\":3");
      assertThat(get(base + "/stemtrace/api/workers").body()).contains("example-host@localhost");
    }
  }
}
