package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemtrace.core.graph.InMemoryGraphStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SPA from the classpath: base path injection, fallback, caching, content types, and no
 * escapes.
 */
class StaticServingTest {

  static TestServer root;
  static TestServer mounted;

  @BeforeAll
  static void start() {
    root =
        TestServer.start(
            TestServer.options()
                .store(InMemoryGraphStore.create())
                .replayCapture(false)
                .staticRoot("io/stemtrace/ui/testui/"));
    mounted =
        TestServer.start(
            TestServer.options()
                .store(InMemoryGraphStore.create())
                .replayCapture(false)
                .staticRoot("io/stemtrace/ui/testui/")
                .mount("/stemtrace"));
  }

  @AfterAll
  static void stop() {
    root.close();
    mounted.close();
  }

  @Test
  void index_atRoot_injectsEmptyBaseAndIsNotCached() {
    Http.Response response = Http.get(root.baseUrl() + "/");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.header("cache-control")).isEqualTo("no-cache");
    assertThat(response.text())
        .contains("window.__STEMTRACE_BASE__=\"\";")
        .contains("src=\"/assets/app-3f9a1c.js\"")
        .doesNotContain("__STEMTRACE_BASE_PATH__");
  }

  @Test
  void index_underMount_injectsPrefix() {
    Http.Response response = Http.get(mounted.baseUrl() + "/");
    assertThat(response.text())
        .contains("window.__STEMTRACE_BASE__=\"/stemtrace\";")
        .contains("src=\"/stemtrace/assets/app-3f9a1c.js\"")
        .contains("href=\"/stemtrace/assets/app-77b2e0.css\"");
  }

  @Test
  void deepLink_fallsBackToIndex() {
    Http.Response response = Http.get(mounted.baseUrl() + "/workflows/group:abc");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.text()).contains("window.__STEMTRACE_BASE__=\"/stemtrace\";");
  }

  @Test
  void hashedAsset_isImmutableWithItsContentType() {
    Http.Response js = Http.get(mounted.baseUrl() + "/assets/app-3f9a1c.js");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(js.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(js.text()).startsWith("// fixture bundle");
    assertThat(Http.get(root.baseUrl() + "/assets/app-77b2e0.css").header("content-type"))
        .isEqualTo("text/css; charset=utf-8");
    Http.Response svg = Http.get(root.baseUrl() + "/favicon.svg");
    assertThat(svg.header("content-type")).isEqualTo("image/svg+xml");
    assertThat(svg.header("cache-control")).isEqualTo("no-cache");
  }

  @Test
  void asset_gzippedWhenAccepted() {
    Http.Response zipped =
        Http.get(root.baseUrl() + "/assets/app-3f9a1c.js", "Accept-Encoding", "gzip");
    assertThat(zipped.header("content-encoding")).isEqualTo("gzip");
    assertThat(zipped.body()[0]).isEqualTo((byte) 0x1f);
  }

  @Test
  void missingAsset_404() {
    assertThat(Http.get(root.baseUrl() + "/assets/missing-123.js").status()).isEqualTo(404);
    assertThat(Http.get(root.baseUrl() + "/robots.txt").status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../pom.xml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fnot-static.properties",
        "/assets/%2E%2E/%2E%2E/not-static.properties",
        "/..%5c..%5cnot-static.properties",
        "/assets\\..\\..\\not-static.properties",
        "//not-static.properties",
        "/%c0%ae%c0%ae/not-static.properties",
        "/%c0%af..%c0%afnot-static.properties",
        "/assets/app-3f9a1c.js%00.html",
        "/%252e%252e/not-static.properties",
        "/./assets/app-3f9a1c.js"
      })
  void traversalAttempts_areRefused(String target) {
    int status = Http.rawStatus(root.port(), target);
    assertThat(status).isIn(400, 404);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/not-static.properties",
        "/io/stemtrace/ui/testui/index.html",
        "/io/stemtrace/ui/StemtraceHandler.class",
        "/version.properties"
      })
  void filesOutsideTheStaticDir_areNeverServed(String path) {
    Http.Response response = Http.get(root.baseUrl() + path);
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.text()).doesNotContain("never-served");
  }

  @Test
  void noBuiltUi_explainsHowToBuildIt() {
    try (TestServer bare =
        TestServer.start(
            TestServer.options()
                .store(InMemoryGraphStore.create())
                .replayCapture(false)
                .staticRoot("io/stemtrace/ui/no-such-dir/"))) {
      Http.Response response = Http.get(bare.baseUrl() + "/");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).contains("not built").contains("npm ci");
    }
  }

  @Test
  void websocketPath_withoutUpgrade_400Json() {
    Http.Response response = Http.get(root.baseUrl() + "/ws");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("detail").asText()).contains("WebSocket");
  }

  @Test
  void safeBase_percentEncodesWhatCouldBreakOut() {
    assertThat(StaticAssets.safeBase("")).isEmpty();
    assertThat(StaticAssets.safeBase("/")).isEmpty();
    assertThat(StaticAssets.safeBase("/stemtrace/")).isEqualTo("/stemtrace");
    assertThat(StaticAssets.safeBase("/a\"</script><b>")).isEqualTo("/a%22%3C/script%3E%3Cb%3E");
  }
}
