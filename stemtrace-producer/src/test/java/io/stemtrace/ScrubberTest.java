package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScrubberTest {

  Scrubber defaults = Scrubber.create(List.of(), List.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password",
        "PASSWORD",
        "Password",
        "passwd",
        "pwd",
        "secret",
        "api_key",
        "apiKey",
        "APIKey",
        "X-Api-Key",
        "apikey",
        "token",
        "access_token",
        "accessToken",
        "refresh_token",
        "authorization",
        "Authorization",
        "bearer",
        "credentials",
        "private_key",
        "privateKey",
        "credit_card",
        "creditCardNumber",
        "card_number",
        "cvv",
        "ssn",
        "cookie",
        "Set-Cookie",
        "session",
        "sessionId",
        "csrf",
        "csrftoken",
        "auth_token",
        "userPassword",
        "user_password",
        "db.password",
        "client_secret",
        "AWS_SECRET_ACCESS_KEY",
        "x-auth-token",
        "mysql_pwd"
      })
  void isSensitive_defaultKeysInAnyCaseAndAsWords(String key) {
    assertThat(defaults.isSensitive(key)).as(key).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "author",
        "Author",
        "tokenizer",
        "tokens_used",
        "authority",
        "secretary",
        "passage",
        "cookiecutter",
        "sessions_count",
        "keyboard",
        "card",
        "name",
        "order_id",
        "pwdx",
        "ssnake",
        "username",
        ""
      })
  void isSensitive_wordsThatOnlyContainASensitiveKey_areNot(String key) {
    assertThat(defaults.isSensitive(key)).as(key).isFalse();
  }

  @Test
  void isSensitive_extraKeys_matchAsWordsInAnyCase() {
    Scrubber scrubber = Scrubber.create(List.of("Tenant-PIN", "iban"), List.of());

    assertThat(scrubber.isSensitive("tenant_pin")).isTrue();
    assertThat(scrubber.isSensitive("tenantPin")).isTrue();
    assertThat(scrubber.isSensitive("customer_IBAN")).isTrue();
    assertThat(scrubber.isSensitive("pin")).isFalse();
    assertThat(scrubber.isSensitive("password")).isTrue();
  }

  @Test
  void isSensitive_safeKeys_win() {
    Scrubber scrubber = Scrubber.create(List.of(), List.of("session_id", "TOKEN_COUNT"));

    assertThat(scrubber.isSensitive("sessionId")).isFalse();
    assertThat(scrubber.isSensitive("session_id")).isFalse();
    assertThat(scrubber.isSensitive("token_count")).isFalse();
    assertThat(scrubber.isSensitive("session")).isTrue();
    assertThat(scrubber.isSensitive("token")).isTrue();
  }

  @Test
  void words_splitsAtSeparatorsAndCamelCase() {
    assertThat(Scrubber.words("X-Api_keyValue")).containsExactly("x", "api", "key", "value");
    assertThat(Scrubber.words("APIKey")).containsExactly("api", "key");
    assertThat(Scrubber.words("user2Password")).containsExactly("user2", "password");
    assertThat(Scrubber.words("__")).isEmpty();
  }
}
