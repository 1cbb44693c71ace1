package io.stemtrace.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The frontend's fixtures are what the real server answers, not a second graph builder's guess. */
class FrontendFixturesTest {

  @Test
  void committedFixtures_equalAFreshDumpOfTheRealServer() throws Exception {
    JsonNode fresh = FrontendFixtures.dump();
    assertThat(fresh.get("tasks")).hasSize(18);
    assertThat(fresh.get("summaries")).hasSize(7);
    assertThat(FrontendFixtures.dump()).as("a dump is deterministic").isEqualTo(fresh);
    assertThat(FrontendFixtures.committed())
        .as(
            "e2e/fixtures/capture-api.json is stale: regenerate it with mvn -q -pl stemtrace-ui -am test-compile"
                + " -Ptest-server -Dstemtrace.skipFrontend=true -Dtest-server.args=--dump-fixtures")
        .isEqualTo(fresh);
  }
}
