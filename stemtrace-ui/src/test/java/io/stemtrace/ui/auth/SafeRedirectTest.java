package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeRedirectTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/",
        "http://evil.example",
        "//evil.example",
        "//evil.example/dash/",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/dash\\..\\admin",
        "javascript:alert(1)",
        "data:text/html,x",
        "evil.example",
        "dash/",
        "/other",
        "/dashboard",
        "/dash/../admin",
        "/dash/./x",
        "/dash/%2e%2e/admin",
        "/dash/%2E%2E/admin",
        "/dash/%2f%2fevil.example",
        "/dash/%5cevil",
        "/dash/\r\nSet-Cookie: a=b",
        "/dash/\u0000",
        "/dash/\t",
        "/dash/x?\r\nLocation: //evil",
        " /dash/",
        "/dash/\uFFFD",
        "https:/evil.example",
        "/dash/x?y=\\"
      })
  void target_unsafeNext_fallsBackToHome(String next) {
    assertThat(SafeRedirect.target(next, "/dash")).isEqualTo("/dash/");
  }

  @Test
  void target_tooLong_fallsBackToHome() {
    assertThat(SafeRedirect.target("/dash/" + "a".repeat(SafeRedirect.MAX_LENGTH), "/dash"))
        .isEqualTo("/dash/");
  }

  @Test
  void target_nullOrEmpty_isHome() {
    assertThat(SafeRedirect.target(null, "/dash")).isEqualTo("/dash/");
    assertThat(SafeRedirect.target("", "")).isEqualTo("/");
  }

  @Test
  void target_pathUnderPrefix_isKept() {
    assertThat(SafeRedirect.target("/dash/graph/abc-123", "/dash"))
        .isEqualTo("/dash/graph/abc-123");
    assertThat(SafeRedirect.target("/dash/tasks?state=FAILURE&limit=10", "/dash"))
        .isEqualTo("/dash/tasks?state=FAILURE&limit=10");
    assertThat(SafeRedirect.target("/dash", "/dash")).isEqualTo("/dash");
    assertThat(SafeRedirect.target("/workers", "")).isEqualTo("/workers");
  }

  @Test
  void target_encodesWhatALocationHeaderCannotCarry() {
    assertThat(SafeRedirect.target("/dash/tasks/a b\u00e9", "/dash"))
        .isEqualTo("/dash/tasks/a%20b%C3%A9");
    assertThat(SafeRedirect.target("/dash/x?q=a%20b", "/dash")).isEqualTo("/dash/x?q=a%20b");
    assertThat(SafeRedirect.target("/dash/100%", "/dash")).isEqualTo("/dash/100%25");
  }

  @Test
  void everyAcceptedTarget_isASinglySlashedPathOnThisOrigin() {
    // whatever gets through must be read by a browser as a path on this origin under the prefix
    java.util.Random random = new java.util.Random(9);
    String alphabet = "/\\.:%2eEfF5cC@?#&=ab \t\r\n\u0000\uFFFD";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder next = new StringBuilder();
      if (random.nextBoolean()) next.append("/dash");
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++)
        next.append(alphabet.charAt(random.nextInt(alphabet.length())));
      String target = SafeRedirect.target(next.toString(), "/dash");
      assertThat(target).startsWith("/dash").doesNotStartWith("//").doesNotContain("\\");
      assertThat(target.chars().allMatch(c -> c > 0x20 && c < 0x7f)).as(target).isTrue();
      assertThat(
              target.equals("/dash") || target.startsWith("/dash/") || target.startsWith("/dash?"))
          .as(target)
          .isTrue();
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      assertThat(path.split("/")).doesNotContain("..", ".");
    }
  }
}
