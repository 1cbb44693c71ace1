package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SignedTokensTest {

  static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");
  final SignedTokens tokens =
      new SignedTokens("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  @Test
  void verify_signedToken_returnsContent() {
    String token = tokens.sign("session", "ad|min", NOW.plusSeconds(60));
    assertThat(tokens.verify("session", token, NOW)).contains("ad|min");
  }

  @Test
  void verify_expired_isEmpty() {
    String token = tokens.sign("session", "admin", NOW.plusSeconds(60));
    assertThat(tokens.verify("session", token, NOW.plusSeconds(60))).isEmpty();
    assertThat(tokens.verify("session", token, NOW.plusSeconds(59))).isPresent();
  }

  @Test
  void verify_otherPurpose_isEmpty() {
    String token = tokens.sign("csrf", "admin", NOW.plusSeconds(60));
    assertThat(tokens.verify("session", token, NOW)).isEmpty();
  }

  @Test
  void verify_otherSecret_isEmpty() {
    SignedTokens other =
        new SignedTokens("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.verify("session", other.sign("session", "admin", NOW.plusSeconds(60)), NOW))
        .isEmpty();
  }

  @Test
  void verify_everySingleCharacterChange_isEmpty() {
    String token = tokens.sign("session", "admin", NOW.plusSeconds(3600));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    for (int i = 0; i < token.length(); i++) {
      for (char c : new char[] {alphabet.charAt(i % alphabet.length()), 'A', '_'}) {
        if (token.charAt(i) == c) continue;
        String tampered = token.substring(0, i) + c + token.substring(i + 1);
        if (tokens.verify("session", tampered, NOW).isPresent()) {
          // base64 without padding ignores the low bits of the last character: same bytes, same
          // token
          assertThat(Base64.getUrlDecoder().decode(tampered.split("\\.")[0]))
              .isEqualTo(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        }
      }
    }
  }

  @Test
  void verify_forgedContentWithOldMac_isEmpty() {
    String token = tokens.sign("session", "guest", NOW.plusSeconds(60));
    String forgedBody =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                ("admin|" + NOW.plusSeconds(999_999).getEpochSecond())
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.verify("session", forgedBody + token.substring(token.indexOf('.')), NOW))
        .isEmpty();
  }

  @Test
  void verify_garbage_isEmpty() {
    for (String garbage :
        new String[] {
          null,
          "",
          ".",
          "a.",
          ".b",
          "a.b.c",
          "%%%.%%%",
          "x".repeat(5000),
          "YWRtaW58OTk5OTk5OTk5OQ.AAAA"
        }) {
      assertThat(tokens.verify("session", garbage, NOW)).as(String.valueOf(garbage)).isEmpty();
    }
  }

  @Test
  void constantTimeEquals_comparesValues() {
    assertThat(SignedTokens.constantTimeEquals("secret", "secret")).isTrue();
    assertThat(SignedTokens.constantTimeEquals("secret", "secreT")).isFalse();
    assertThat(SignedTokens.constantTimeEquals("secret", "secret-longer")).isFalse();
  }
}
