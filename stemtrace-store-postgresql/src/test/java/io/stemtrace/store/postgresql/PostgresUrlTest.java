package io.stemtrace.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  private static PostgresUrl parse(String url) {
    return PostgresUrl.parse(URI.create(url));
  }

  @Test
  void fullUrl_givesDriverUrlCredentialsAndOptions() {
    PostgresUrl url =
        parse(
            "postgresql://app:p%40ss@db.example:6543/history?schema=prod_st&retain=30d&retain_failed=90d&pool=8");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/history");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("p@ss");
    assertThat(url.schema()).isEqualTo("prod_st");
    assertThat(url.retain()).isEqualTo(Duration.ofDays(30));
    assertThat(url.retainFailed()).isEqualTo(Duration.ofDays(90));
    assertThat(url.poolSize()).isEqualTo(8);
    assertThat(url.safe()).doesNotContain("p%40ss").doesNotContain("p@ss");
  }

  @Test
  void defaults_schemaStemtraceSevenDaysPort5432() {
    PostgresUrl url = parse("postgres://localhost/test");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/test");
    assertThat(url.user()).isNull();
    assertThat(url.password()).isNull();
    assertThat(url.schema()).isEqualTo("stemtrace");
    assertThat(url.retain()).isEqualTo(Duration.ofDays(7));
    assertThat(url.retainFailed())
        .as("failed workflows kept as long as the rest")
        .isEqualTo(Duration.ofDays(7));
  }

  @Test
  void badUrls_sayWhatToFix_withoutThePassword() {
    assertThatThrownBy(() -> parse("postgresql://u:secret@/db"))
        .hasMessageContaining("names no host")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> parse("postgresql://u:secret@h:5432"))
        .hasMessageContaining("names no database")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> parse("postgresql://h/db?schema=Robert');DROP"))
        .hasMessageContaining("not a plain lower-case SQL name");
    assertThatThrownBy(() -> parse("postgresql://h/db?retain=12h"))
        .hasMessageContaining("events are kept in whole days");
    assertThatThrownBy(() -> parse("postgresql://h/db?retian=7d")).hasMessageContaining("unknown");
    assertThatThrownBy(() -> parse("postgresql://h/db?retain=30d&retain_failed=7d"))
        .hasMessageContaining("at least as long as retain (30d)");
    assertThatThrownBy(() -> parse("postgresql://h/db?pool=0")).hasMessageContaining("pool");
    assertThatThrownBy(() -> parse("mysql://h/db"))
        .hasMessageContaining("not a PostgreSQL store URL");
  }

  @Test
  void migrationScript_splitsIntoStatements_droppingComments() {
    assertThat(
            Migrations.statements(
                "-- a comment\nCREATE TABLE a (\n  x int -- why\n);\n\nCREATE INDEX ON a (x);\n"))
        .containsExactly("CREATE TABLE a (\n  x int -- why\n)", "CREATE INDEX ON a (x)");
  }
}
