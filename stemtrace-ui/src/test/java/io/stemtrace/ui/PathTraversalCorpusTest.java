package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attack corpus of path traversal tricks, sent byte for byte over a raw socket (an HTTP client
 * would normalise them) to the real handler mounted under a prefix. Canary files are planted on the
 * classpath beside the static directory, under a sibling directory whose name starts like it, and
 * in the class tree; none of them, nor a class file or /etc/passwd, may ever come back.
 */
class PathTraversalCorpusTest {

  static final String CANARY = "STEMTRACE-TRAVERSAL-CANARY";
  static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            TestServer.options()
                .mount("/dash")
                .staticRoot("io/stemtrace/ui/testui/")
                .replayCapture(false));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<String> corpus() {
    List<String> targets = new ArrayList<>();
    String[] climbs = {
      "../",
      "..%2f",
      "..%2F",
      "%2e%2e/",
      "%2E%2E/",
      ".%2e/",
      "%2e./",
      "%252e%252e/",
      "%252e%252e%252f",
      "..%5c",
      "..%5C",
      "..\\",
      "\\..\\",
      "..%00/",
      "%c0%ae%c0%ae/",
      "%c0%2e%c0%2e/",
      "%e0%80%ae%e0%80%ae/",
      "%c0%ae%c0%ae%c0%af",
      "..%c0%af",
      "..%c1%9c",
      "....//",
      ".../",
      "..;/",
      ";jsessionid=1/../",
      "..%2f;/",
      "%u002e%u002e/",
      "..%u2215",
      "%2e%2e%5c",
      ".%00./",
      "..%255c",
      "//../",
      "/./../",
      "assets/../../",
      "assets/%2e%2e/%2e%2e/",
      "assets;/../../",
      "assets/..%252f..%252f"
    };
    String[] files = {
      "traversal-canary.txt",
      "testuisecret/canary.txt",
      "not-static.properties",
      "StemtraceHandler.class",
      "io/stemtrace/ui/traversal-canary.txt",
      "etc/passwd"
    };
    for (String climb : climbs) {
      for (int depth = 1; depth <= 4; depth++) {
        for (String file : files) targets.add("/dash/" + climb.repeat(depth) + file);
      }
    }
    targets.add("/dash/../../../../../../etc/passwd");
    targets.add("/dash/traversal-canary.txt%00.js");
    targets.add("/dash/assets/..%00/../traversal-canary.txt");
    targets.add("http://127.0.0.1/dash/../traversal-canary.txt");
    targets.add("http://evil.example/dash/%2e%2e/traversal-canary.txt");
    targets.add("/dash//traversal-canary.txt");
    targets.add("//dash/../traversal-canary.txt");
    targets.add("/dash/%2fio%2fstemtrace%2fui%2ftraversal-canary.txt");
    targets.add("/dash/file:///etc/passwd");
    targets.add("/dash/.%2e/.%2e/.%2e/.%2e/etc/passwd");
    return targets;
  }

  @Test
  void corpus_neverServesAFileOutsideTheStaticAssets() throws IOException {
    List<String> targets = corpus();
    assertThat(targets).hasSizeGreaterThan(800);
    int refused = 0;
    for (String target : targets) {
      String response = rawGet(target);
      assertThat(response)
          .as(target)
          .doesNotContain(CANARY)
          .doesNotContain("root:x:0:0")
          .doesNotContain("\u00ca\u00fe\u00ba\u00be")
          .doesNotContain("never-served");
      String status = response.isEmpty() ? "" : response.substring(0, response.indexOf('\r'));
      assertThat(status).as(target).doesNotContain(" 500 ");
      if (!status.contains(" 200 ")) refused++;
    }
    // the few that are 200 are index.html (client-side routes), which the assertions above already
    // checked
    assertThat(refused)
        .as("most of the corpus is refused outright")
        .isGreaterThan(targets.size() / 2);
  }

  @Test
  void packagedAssets_areStillServed() throws IOException {
    assertThat(rawGet("/dash/assets/app-3f9a1c.js")).startsWith("HTTP/1.1 200");
    assertThat(rawGet("/dash/favicon.svg")).startsWith("HTTP/1.1 200");
  }

  /**
   * Sends the request target exactly as given and returns the whole response as ISO-8859-1 text.
   */
  static String rawGet(String target) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      try {
        while ((read = in.read(buffer)) > 0) response.write(buffer, 0, read);
      } catch (java.net.SocketException reset) {
        // the server may close on a request it refuses to parse: nothing was served
      }
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
