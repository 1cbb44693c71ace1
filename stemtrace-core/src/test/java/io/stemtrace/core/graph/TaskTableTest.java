package io.stemtrace.core.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskTableTest {

  @Test
  void randomAddsAndRemoves_agreeWithAHashMap() {
    TaskTable table = new TaskTable();
    Map<String, TaskRecord> model = new HashMap<>();
    List<String> ids = new ArrayList<>();
    Random random = new Random(7);
    for (int step = 0; step < 100_000; step++) {
      if (ids.isEmpty() || random.nextInt(10) < 6) {
        // short ids from a small alphabet collide in probe runs often
        String id = Integer.toString(random.nextInt(50_000), 36);
        if (model.containsKey(id)) continue;
        TaskRecord record = new TaskRecord(id, step);
        table.add(record);
        model.put(id, record);
        ids.add(id);
      } else {
        String id = ids.remove(random.nextInt(ids.size()));
        assertThat(table.remove(id)).isTrue();
        model.remove(id);
        assertThat(table.remove(id)).isFalse();
      }
      if (step % 4_999 == 0) {
        for (Map.Entry<String, TaskRecord> entry : model.entrySet()) {
          assertThat(table.get(entry.getKey())).isSameAs(entry.getValue());
        }
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    for (String id : ids) assertThat(table.get(id)).isSameAs(model.get(id));
    assertThat(table.get("not-there")).isNull();
  }
}
