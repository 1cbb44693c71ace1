package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table alone, with no HTTP server: what a Servlet adapter would call. */
class RouteTableTest {

  private final RouteTable table =
      new RouteTable()
          .get("tasks", r -> answer("list"))
          .get("tasks/registry", r -> answer("registry"))
          .get("tasks/{id}", r -> answer("task " + r.param("id")))
          .get("tasks/{id}/children", r -> answer("children of " + r.param("id")))
          .post("import", r -> answer("imported " + r.body().read(10).length));

  private static RouteTable.Response answer(String text) {
    ChunkedOutput out = new ChunkedOutput();
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
    return new RouteTable.Response(200, out, Map.of("X-Route", text));
  }

  private String call(String method, String... segments) throws Exception {
    RouteTable.Response response =
        table.dispatch(method, segments, new QueryParams(Map.of()), limit -> new byte[3]);
    return response.headers().get("X-Route");
  }

  @Test
  void dispatch_literalSegmentsBeatVariables_andVariablesAreNamed() throws Exception {
    assertThat(call("GET", "tasks")).isEqualTo("list");
    assertThat(call("GET", "tasks", "registry")).isEqualTo("registry");
    assertThat(call("GET", "tasks", "t-1")).isEqualTo("task t-1");
    assertThat(call("GET", "tasks", "registry", "children")).isEqualTo("children of registry");
    assertThat(call("HEAD", "tasks", "t-1")).as("HEAD wherever GET").isEqualTo("task t-1");
    assertThat(call("POST", "import")).isEqualTo("imported 3");
  }

  @Test
  void dispatch_wrongMethodIs405NamingTheAllowedOnes_unknownPathIs404() {
    assertThatThrownBy(() -> call("GET", "import"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(405);
              assertThat(e.allow()).isEqualTo("POST");
            });
    assertThatThrownBy(() -> call("DELETE", "tasks", "registry"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(405);
              assertThat(e.allow()).isEqualTo("GET, HEAD");
            });
    for (List<String> path :
        List.<List<String>>of(
            List.of(), List.of("nope"), List.of("tasks", "a", "b"), List.of("import", "x"))) {
      assertThatThrownBy(() -> call("GET", path.toArray(String[]::new)))
          .as(path.toString())
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }
  }
}
