package io.stemtrace.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskStateTest {

  private static final Instant T = Instant.parse("2026-11-26T03:00:00Z");

  @Test
  void supersedes_laterAttemptThenProgressThenLaterTime() {
    // a later attempt wins even over a terminal state of an earlier one
    assertThat(TaskState.supersedes(1, TaskState.PENDING, 0, 0, TaskState.SUCCESS, 9)).isTrue();
    assertThat(TaskState.supersedes(0, TaskState.SUCCESS, 9, 1, TaskState.PENDING, 0)).isFalse();
    // within an attempt: terminal over running over PENDING, whatever the times
    assertThat(TaskState.supersedes(0, TaskState.PENDING, 9, 0, TaskState.SUCCESS, 0)).isFalse();
    assertThat(TaskState.supersedes(0, TaskState.STARTED, 0, 0, TaskState.PENDING, 9)).isTrue();
    assertThat(TaskState.supersedes(0, TaskState.RETRY, 0, 0, TaskState.FAILURE, 0)).isFalse();
    // equal progress: the later time, a tie going to the candidate
    assertThat(TaskState.supersedes(0, TaskState.FAILURE, 5, 0, TaskState.SUCCESS, 4)).isTrue();
    assertThat(TaskState.supersedes(0, TaskState.FAILURE, 4, 0, TaskState.SUCCESS, 4)).isTrue();
    assertThat(TaskState.supersedes(0, TaskState.FAILURE, 3, 0, TaskState.SUCCESS, 4)).isFalse();
  }

  @Test
  void taskEventSupersedes_appliesTheSameRuleToInstants() {
    TaskEvent latePending =
        TaskEvent.builder("t", TaskState.PENDING).timestamp(T.plusSeconds(5)).build();
    TaskEvent success = TaskEvent.builder("t", TaskState.SUCCESS).timestamp(T).build();
    assertThat(latePending.supersedes(success)).isFalse();
    assertThat(success.supersedes(latePending)).isTrue();
    assertThat(success.supersedes(null)).isTrue();
    assertThat(success.supersedes(0, TaskState.SUCCESS, T)).isTrue();
    assertThat(success.supersedes(0, TaskState.SUCCESS, T.plusNanos(1))).isFalse();
  }
}
