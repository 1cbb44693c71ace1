package io.stemtrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

  JsonValues values =
      new JsonValues(Scrubber.create(List.of("iban"), List.of("token_count")), 1024);

  @Test
  void convert_scrubsNestedMapsAndListsByKey() {
    Map<String, Object> kwargs =
        Map.of(
            "user", Map.of("name", "ann", "Password", "hunter2", "author", "bob"),
            "items",
                List.of(
                    Map.of("api_key", "k1", "sku", 7), Map.of("tokenizer", "bpe", "IBAN", "DE00")),
            "token_count", 12,
            "auth_token", List.of("a", "b"));

    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) values.convert(kwargs);

    assertThat(out.get("user"))
        .isEqualTo(Map.of("name", "ann", "Password", "[Filtered]", "author", "bob"));
    assertThat(out.get("items"))
        .isEqualTo(
            List.of(
                Map.of("api_key", "[Filtered]", "sku", 7),
                Map.of("tokenizer", "bpe", "IBAN", "[Filtered]")));
    assertThat(out.get("token_count")).isEqualTo(12);
    assertThat(out.get("auth_token")).isEqualTo("[Filtered]");
  }

  @Test
  void convert_plainValues_passUnchanged() {
    assertThat(values.convert(null)).isNull();
    assertThat(values.convert(42)).isEqualTo(42);
    assertThat(values.convert(42L)).isEqualTo(42L);
    assertThat(values.convert(true)).isEqualTo(true);
    assertThat(values.convert(1.5)).isEqualTo(1.5);
    assertThat(values.convert("s")).isEqualTo("s");
    assertThat(values.convert(List.of(1, "a", List.of()))).isEqualTo(List.of(1, "a", List.of()));
    assertThat(values.convert(new int[] {1, 2})).isEqualTo(List.of(1, 2));
    assertThat(values.convert(new String[] {"x"})).isEqualTo(List.of("x"));
    assertThat(values.convert(Optional.of(3))).isEqualTo(3);
    assertThat(values.convert(Thread.State.NEW)).isEqualTo("NEW");
    UUID id = UUID.randomUUID();
    assertThat(values.convert(id)).isEqualTo(id.toString());
    assertThat(values.convert(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
  }

  record Order(String id, int amount, String password) {}

  @Test
  void convert_recordsAndBeans_goThroughJacksonAndAreScrubbed() {
    assertThat(values.convert(new Order("o-1", 5, "pw")))
        .isEqualTo(Map.of("id", "o-1", "amount", 5, "password", "[Filtered]"));
  }

  static final class Unserializable {
    @SuppressWarnings("unused")
    public Object getBroken() {
      throw new IllegalStateException("no");
    }

    @Override
    public String toString() {
      return "Unserializable#1";
    }
  }

  @Test
  void convert_whatJacksonCannotSerialise_becomesToString() {
    assertThat(values.convert(new Unserializable())).isEqualTo("Unserializable#1");
    assertThat(values.convert(List.of(new Unserializable())))
        .isEqualTo(List.of("Unserializable#1"));
  }

  static final class Node {
    public Node next = this;

    @Override
    public String toString() {
      return "Node";
    }
  }

  @Test
  void convert_cycles_doNotLoopForever() {
    List<Object> selfContaining = new ArrayList<>();
    selfContaining.add(selfContaining);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("me", map);

    assertThat(values.convert(new Node())).isEqualTo("Node");
    assertThat(values.convert(selfContaining).toString())
        .contains("[Truncated: nested deeper than");
    assertThat(values.convert(map).toString()).contains("[Truncated: nested deeper than");
  }

  @Test
  void convert_oversizeString_isCutWithAMarker() {
    String big = "x".repeat(5000);

    Object out = values.convert(big);

    assertThat(out).asString().hasSizeLessThan(1100).endsWith("...[Truncated: 5000 chars]");
  }

  @Test
  void convert_oversizeList_keepsAPrefixAndSaysHowMuchIsMissing() {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) many.add(i);

    @SuppressWarnings("unchecked")
    List<Object> out = (List<Object>) values.convert(many);

    assertThat(out.size()).isLessThan(200);
    assertThat(out.get(0)).isEqualTo(0);
    assertThat(out.get(out.size() - 1)).asString().matches("\\[Truncated: \\d+ more items]");
  }

  @Test
  void convert_oversizeMap_saysHowManyEntriesAreMissing() {
    Map<String, String> wide = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) wide.put("key" + i, "value" + i);

    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) values.convert(wide);

    assertThat(out).containsKey("key0").containsKey("[Truncated]");
    assertThat(out.size()).isLessThan(200);
  }

  @Test
  void convert_resultIsImmutable() {
    Object out = values.convert(Arrays.asList(1, 2));

    assertThat(out).isInstanceOf(List.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ((List<Object>) out).add(3))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
