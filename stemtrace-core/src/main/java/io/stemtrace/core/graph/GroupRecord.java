package io.stemtrace.core.graph;

import io.stemtrace.api.GraphNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks sharing one group id: drawn as a synthetic GROUP (or CHORD) container {@code
 * group:<id>}.
 */
final class GroupRecord {
  final String groupId;
  final List<TaskRecord> members = new ArrayList<>(4);

  /** the chord callback's task id once a member carried one; makes the container a CHORD */
  String callbackId;

  Workflow workflow;

  /**
   * the group this chord belongs to, from its headers' {@code chord_id}: Celery's chord whose
   * header holds chords names the outer group there, so the inner chord is drawn inside it before
   * its callback arrives
   */
  GroupRecord enclosing;

  GroupRecord(String groupId) {
    this.groupId = groupId;
  }

  /**
   * Built on demand: queries are rarer than groups, and the string would cost about 90 bytes per
   * group.
   */
  String containerId() {
    return GraphNode.containerId(groupId);
  }

  boolean isChord() {
    return callbackId != null;
  }
}
