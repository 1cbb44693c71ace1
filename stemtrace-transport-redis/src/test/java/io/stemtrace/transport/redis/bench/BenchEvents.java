package io.stemtrace.transport.redis.bench;

import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.codec.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encoded, realistic task events for the load harness: workflows of one root task with a group of
 * four children, each task going PENDING, STARTED, SUCCESS, with arguments and results as an app
 * would send.
 */
final class BenchEvents {

  private BenchEvents() {}

  static List<byte[]> lifecycles(int count) {
    EventCodec codec = EventCodec.standard();
    List<byte[]> payloads = new ArrayList<>(count);
    Instant start = Instant.parse("2026-11-26T04:00:00Z");
    int workflow = 0;
    while (payloads.size() < count) {
      String root = String.format("%08x-0000-4000-8000-%012x", workflow, workflow);
      String group = "g" + root;
      for (int task = 0; task < 5 && payloads.size() < count; task++) {
        String id =
            task == 0
                ? root
                : root.substring(0, 9) + String.format("%04x", task) + root.substring(13);
        for (TaskState state :
            new TaskState[] {TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS}) {
          if (payloads.size() >= count) break;
          TaskEvent event =
              TaskEvent.builder(id, state)
                  .name(task == 0 ? "orders.process" : "orders.charge_line")
                  .timestamp(start.plusMillis(workflow * 10L + task * 2L + state.ordinal()))
                  .parentId(task == 0 ? null : root)
                  .rootId(root)
                  .groupId(task == 0 ? null : group)
                  .retries(0)
                  .args(List.of(workflow, task))
                  .kwargs(Map.of("customer", "c-" + (workflow % 977)))
                  .result(
                      state == TaskState.SUCCESS ? Map.of("ok", true, "amount", task * 10) : null)
                  .build();
          payloads.add(codec.encode(event));
        }
      }
      workflow++;
    }
    return payloads;
  }
}
