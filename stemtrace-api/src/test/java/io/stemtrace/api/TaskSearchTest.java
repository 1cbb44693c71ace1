package io.stemtrace.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskSearchTest {

  private static List<String> texts(List<TaskSearch.Pattern> patterns) {
    return patterns.stream().map(TaskSearch.Pattern::text).toList();
  }

  @Test
  void parse_everyKey_landsInItsField() {
    TaskSearch search =
        TaskSearch.parse(
            "name:orders.* state:FAILURE worker:w1 args:42 kwargs:user_id=7 result:ok"
                + " exception:Timeout id:3f2a checkout");

    assertThat(texts(search.names())).containsExactly("orders.*");
    assertThat(search.states()).containsExactly(TaskState.FAILURE);
    assertThat(texts(search.workers())).containsExactly("w1");
    assertThat(texts(search.args())).containsExactly("42");
    assertThat(search.kwargs())
        .containsExactly(new TaskSearch.KwargsTerm("user_id", new TaskSearch.Pattern("7")));
    assertThat(texts(search.results())).containsExactly("ok");
    assertThat(texts(search.exceptions())).containsExactly("Timeout");
    assertThat(search.idPrefixes()).containsExactly("3f2a");
    assertThat(texts(search.freeText())).containsExactly("checkout");
    assertThat(search.scans()).isTrue();
  }

  @Test
  void parse_indexedTermsOnly_doesNotScan() {
    TaskSearch search = TaskSearch.parse("name:a state:success worker:w*");

    assertThat(search.scans()).isFalse();
    assertThat(search.isEmpty()).isFalse();
  }

  @Test
  void parse_keysAreCaseInsensitive() {
    TaskSearch search = TaskSearch.parse("NAME:add State:retry");

    assertThat(texts(search.names())).containsExactly("add");
    assertThat(search.states()).containsExactly(TaskState.RETRY);
  }

  @Test
  void parse_blankQuery_isEmpty() {
    assertThat(TaskSearch.parse("   ").isEmpty()).isTrue();
    assertThat(TaskSearch.parse("").isEmpty()).isTrue();
  }

  @Test
  void parse_quotedValue_keepsSpacesColonsAndEscapes() {
    TaskSearch search =
        TaskSearch.parse("exception:\"Read timed out\" \"a:b\" result:\"say \\\"hi\\\" \\\\ ok\"");

    assertThat(texts(search.exceptions())).containsExactly("Read timed out");
    assertThat(texts(search.freeText())).containsExactly("a:b");
    assertThat(texts(search.results())).containsExactly("say \"hi\" \\ ok");
  }

  @Test
  void parse_bareValueMayHoldColons() {
    TaskSearch search = TaskSearch.parse("id:group:abc kwargs:url=http://x");

    assertThat(search.idPrefixes()).containsExactly("group:abc");
    assertThat(search.kwargs().get(0).key()).isEqualTo("url");
    assertThat(search.kwargs().get(0).value().text()).isEqualTo("http://x");
  }

  @Test
  void parse_stateList_isAnyOf_andRepeatedStateTermsIntersect() {
    assertThat(TaskSearch.parse("state:failure,retry").states())
        .isEqualTo(EnumSet.of(TaskState.FAILURE, TaskState.RETRY));
    assertThat(TaskSearch.parse("state:failure,retry state:RETRY,success").states())
        .containsExactly(TaskState.RETRY);
    assertThat(TaskSearch.parse("state:failure state:success").states()).isEmpty();
  }

  @Test
  void parse_repeatedTerms_areAllKept() {
    TaskSearch search = TaskSearch.parse("name:orders name:*.charge args:1 args:2");

    assertThat(texts(search.names())).containsExactly("orders", "*.charge");
    assertThat(texts(search.args())).containsExactly("1", "2");
  }

  @Test
  void parse_kwargsWithoutEquals_matchesTheWholeKwargs() {
    TaskSearch.KwargsTerm term = TaskSearch.parse("kwargs:user").kwargs().get(0);

    assertThat(term.key()).isNull();
    assertThat(term.value().text()).isEqualTo("user");
  }

  @Test
  void parse_unknownKey_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> TaskSearch.parse("name:a colour:red"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown search key 'colour' at character 8; known keys: name, state, worker, args,"
                + " kwargs, result, exception, id");
  }

  @Test
  void parse_unknownState_isRefused() {
    assertThatThrownBy(() -> TaskSearch.parse("state:DONE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown state 'DONE' in the state term at character 7");
  }

  @Test
  void parse_emptyValue_isRefused() {
    assertThatThrownBy(() -> TaskSearch.parse("name:"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("empty 'name:' term at character 6");
    assertThatThrownBy(() -> TaskSearch.parse("name: add"))
        .hasMessageStartingWith("empty 'name:' term");
    assertThatThrownBy(() -> TaskSearch.parse("result:\"\""))
        .hasMessage("empty 'result:' term at character 8");
  }

  @Test
  void parse_unclosedQuote_isRefused() {
    assertThatThrownBy(() -> TaskSearch.parse("exception:\"timed out"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unclosed quote in the 'exception:' term at character 11");
  }

  @Test
  void parse_quoteInsideABareValue_orTextAfterAClosingQuote_isRefused() {
    assertThatThrownBy(() -> TaskSearch.parse("name:a\"b"))
        .hasMessage("a quote may only start a value: character 7 of the 'name:' term");
    assertThatThrownBy(() -> TaskSearch.parse("\"ab\"cd"))
        .hasMessage("a closing quote must end the term at character 4");
  }

  @Test
  void parse_kwargsWithoutKeyOrValue_isRefused() {
    assertThatThrownBy(() -> TaskSearch.parse("kwargs:=7"))
        .hasMessageStartingWith("kwargs term at character 8 needs a key and a value");
    assertThatThrownBy(() -> TaskSearch.parse("kwargs:user_id="))
        .hasMessageStartingWith("kwargs term at character 8 needs a key and a value");
  }

  @Test
  void pattern_withoutStar_isACaseInsensitiveSubstring() {
    TaskSearch.Pattern pattern = new TaskSearch.Pattern("Order");

    assertThat(pattern.matches("app.orders.charge")).isTrue();
    assertThat(pattern.matches("app.invoice")).isFalse();
    assertThat(pattern.matches(null)).isFalse();
    assertThat(pattern.matchesWhole("order")).isTrue();
    assertThat(pattern.matchesWhole("orders")).isFalse();
  }

  @Test
  void pattern_withStar_isAGlobOverTheWholeText() {
    assertThat(new TaskSearch.Pattern("orders.*").matches("orders.charge")).isTrue();
    assertThat(new TaskSearch.Pattern("orders.*").matches("app.orders.charge")).isFalse();
    assertThat(new TaskSearch.Pattern("*.charge").matches("orders.charge")).isTrue();
    assertThat(new TaskSearch.Pattern("*.charge").matches("orders.charge.retry")).isFalse();
    assertThat(new TaskSearch.Pattern("a*b*c").matches("aXbYc")).isTrue();
    assertThat(new TaskSearch.Pattern("a*b*c").matches("aXcYb")).isFalse();
    assertThat(new TaskSearch.Pattern("ab*ba").matches("aba")).isFalse();
    assertThat(new TaskSearch.Pattern("*").matches("")).isTrue();
    assertThat(new TaskSearch.Pattern("A**B").matches("ab")).isTrue();
  }
}
