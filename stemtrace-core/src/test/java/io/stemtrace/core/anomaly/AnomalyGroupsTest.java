package io.stemtrace.core.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.api.StemtraceEvent;
import io.stemtrace.api.TaskEvent;
import io.stemtrace.api.TaskState;
import io.stemtrace.api.WorkerEvent;
import io.stemtrace.core.EventConsumer;
import io.stemtrace.core.graph.InMemoryGraphStore;
import io.stemtrace.testing.CaptureExpectations;
import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Anomalies grouped by type and name, as people triage them. */
class AnomalyGroupsTest {

  static final Instant T0 = Instant.parse("2026-11-26T04:00:00Z");
  static final Duration STUCK = Duration.ofMinutes(1);
  static final Duration RETENTION = Duration.ofMinutes(10);

  final MutableClock clock = new MutableClock(T0);
  final InMemoryGraphStore store = InMemoryGraphStore.create();
  final AnomalyDetector detector =
      AnomalyDetector.builder(store)
          .clock(clock)
          .pendingThreshold(STUCK)
          .startedThreshold(STUCK)
          .resolvedRetention(RETENTION)
          .build();
  final EventConsumer consumer = EventConsumer.builder(store).listener(detector).build();

  static TaskEvent task(String id, String name, TaskState state, Instant at) {
    return TaskEvent.builder(id, state).name(name).timestamp(at).build();
  }

  static WorkerEvent ready(String host, Instant at, String... names) {
    return new WorkerEvent(WorkerEvent.Type.READY, host, 42, at, List.of(names), Map.of(), null);
  }

  void feed(StemtraceEvent... events) {
    consumer.acceptEvents(List.of(events));
  }

  void after(Duration duration) {
    clock.advance(duration);
    detector.checkDeadlines();
  }

  List<AnomalyGroup> groups(AnomalyGroup.Status... statuses) {
    List<AnomalyGroup> all = new ArrayList<>();
    for (int offset = 0; ; offset += 1000) {
      var page = detector.groups(Set.of(), Set.of(statuses), 1000, offset);
      all.addAll(page.items());
      if (offset + 1000 >= page.total()) return all;
    }
  }

  AnomalyGroup group(AnomalyType type, String name) {
    return groups().stream()
        .filter(g -> g.type() == type && java.util.Objects.equals(g.name(), name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no group " + type + " / " + name));
  }

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** Three stuck orders.charge runs and one stuck mail.send; a worker registers both. */
  void fourStuck() {
    feed(
        ready("w1", at(0), "orders.charge", "mail.send"),
        task("c1", "orders.charge", TaskState.STARTED, at(0)),
        task("c2", "orders.charge", TaskState.STARTED, at(1)),
        task("c3", "orders.charge", TaskState.STARTED, at(2)),
        task("m1", "mail.send", TaskState.STARTED, at(3)));
    after(Duration.ofSeconds(64));
  }

  @Test
  void anomaliesOfOneTypeAndName_countInOneGroup_withFirstAndLastSeen() {
    fourStuck();
    assertThat(detector.count()).isEqualTo(4);
    assertThat(groups()).hasSize(2);
    AnomalyGroup charge = group(AnomalyType.STUCK_STARTED, "orders.charge");
    assertThat(charge.status()).isEqualTo(AnomalyGroup.Status.OPEN);
    assertThat(charge.open()).isEqualTo(3);
    assertThat(charge.occurrences()).isEqualTo(3);
    assertThat(charge.firstSeen()).isEqualTo(at(64));
    assertThat(charge.lastSeen()).isEqualTo(at(64));
    assertThat(charge.resolvedAt()).isNull();
    assertThat(group(AnomalyType.STUCK_STARTED, "mail.send").open()).isEqualTo(1);
    assertThat(detector.groupCounts(Set.of()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                AnomalyGroup.Status.OPEN, 2,
                AnomalyGroup.Status.ACKNOWLEDGED, 0,
                AnomalyGroup.Status.MUTED, 0,
                AnomalyGroup.Status.RESOLVED, 0));

    // a group expands to exactly its own anomalies
    assertThat(detector.anomalies(Set.of(), Optional.of("orders.charge"), 100, 0).items())
        .extracting(Anomaly::taskId)
        .containsExactlyInAnyOrder("c1", "c2", "c3");
  }

  @Test
  void causeGone_groupResolves_andLeavesAfterTheRetention() {
    fourStuck();
    clock.advance(Duration.ofSeconds(5));
    feed(task("m1", "mail.send", TaskState.SUCCESS, at(70)));
    AnomalyGroup mail = group(AnomalyType.STUCK_STARTED, "mail.send");
    assertThat(mail.status()).isEqualTo(AnomalyGroup.Status.RESOLVED);
    assertThat(mail.open()).isZero();
    assertThat(mail.occurrences()).isEqualTo(1);
    assertThat(mail.resolvedAt()).isEqualTo(at(69));
    assertThat(groups(AnomalyGroup.Status.OPEN))
        .extracting(AnomalyGroup::name)
        .containsExactly("orders.charge");

    feed(task("c1", "orders.charge", TaskState.FAILURE, at(71)));
    assertThat(group(AnomalyType.STUCK_STARTED, "orders.charge").open()).isEqualTo(2);

    after(RETENTION.minusSeconds(1));
    assertThat(groups()).extracting(AnomalyGroup::name).contains("mail.send");
    after(Duration.ofSeconds(1));
    assertThat(groups()).extracting(AnomalyGroup::name).containsExactly("orders.charge");
  }

  @Test
  void workerCameBack_unregisteredGroupResolves() {
    feed(
        ready("w1", at(0), "app.add"),
        task("u1", "app.missing", TaskState.PENDING, at(1)),
        task("u2", "app.missing", TaskState.PENDING, at(2)));
    AnomalyGroup missing = group(AnomalyType.UNREGISTERED, "app.missing");
    assertThat(missing.open()).isEqualTo(2);

    feed(ready("w2", at(3), "app.missing"));
    missing = group(AnomalyType.UNREGISTERED, "app.missing");
    assertThat(missing.status()).isEqualTo(AnomalyGroup.Status.RESOLVED);
    assertThat(missing.occurrences()).isEqualTo(2);
  }

  @Test
  void acknowledge_holdsUntilTheNextRaise_thenTheGroupIsOpenAgain() {
    fourStuck();
    AnomalyGroup acked = detector.acknowledge(AnomalyType.STUCK_STARTED, "mail.send").orElseThrow();
    assertThat(acked.status()).isEqualTo(AnomalyGroup.Status.ACKNOWLEDGED);
    assertThat(acked.acknowledgedAt()).isEqualTo(at(64));
    assertThat(groups(AnomalyGroup.Status.OPEN))
        .extracting(AnomalyGroup::name)
        .containsExactly("orders.charge");
    assertThat(detector.groupCounts(Set.of()).get(AnomalyGroup.Status.ACKNOWLEDGED)).isEqualTo(1);

    // taking it back
    assertThat(detector.unacknowledge(AnomalyType.STUCK_STARTED, "mail.send"))
        .get()
        .extracting(AnomalyGroup::status)
        .isEqualTo(AnomalyGroup.Status.OPEN);
    detector.acknowledge(AnomalyType.STUCK_STARTED, "mail.send");

    // another mail.send gets stuck: something new, it needs a look again
    feed(task("m2", "mail.send", TaskState.STARTED, at(65)));
    after(Duration.ofSeconds(62));
    AnomalyGroup mail = group(AnomalyType.STUCK_STARTED, "mail.send");
    assertThat(mail.status()).isEqualTo(AnomalyGroup.Status.OPEN);
    assertThat(mail.acknowledgedAt()).isNull();
    assertThat(mail.open()).isEqualTo(2);
    assertThat(mail.occurrences()).isEqualTo(2);
    assertThat(mail.firstSeen()).isEqualTo(at(64));
    assertThat(mail.lastSeen()).isEqualTo(at(126));
  }

  @Test
  void mute_silencesNewRaisesUntilItEnds() {
    fourStuck();
    AnomalyGroup muted =
        detector
            .mute(AnomalyType.STUCK_STARTED, "orders.charge", Duration.ofMinutes(30))
            .orElseThrow();
    assertThat(muted.status()).isEqualTo(AnomalyGroup.Status.MUTED);
    assertThat(muted.mutedAt()).isEqualTo(at(64));
    assertThat(muted.mutedUntil()).isEqualTo(at(64).plus(Duration.ofMinutes(30)));

    feed(task("c4", "orders.charge", TaskState.STARTED, at(70)));
    after(Duration.ofSeconds(70));
    assertThat(group(AnomalyType.STUCK_STARTED, "orders.charge"))
        .extracting(AnomalyGroup::status, AnomalyGroup::open)
        .containsExactly(AnomalyGroup.Status.MUTED, 4);
    assertThat(detector.groupCounts(Set.of()).get(AnomalyGroup.Status.OPEN)).isEqualTo(1);

    after(Duration.ofMinutes(30));
    AnomalyGroup after = group(AnomalyType.STUCK_STARTED, "orders.charge");
    assertThat(after.status()).isEqualTo(AnomalyGroup.Status.OPEN);
    assertThat(after.mutedAt()).isNull();
    assertThat(after.mutedUntil()).isNull();
  }

  @Test
  void mutedUntilUnmuted_keepsAResolvedGroupPastTheRetention_soTheMuteHoldsWhenItRecurs() {
    fourStuck();
    detector.mute(AnomalyType.STUCK_STARTED, "mail.send", null);
    feed(task("m1", "mail.send", TaskState.SUCCESS, at(65)));
    after(RETENTION.plusMinutes(5));
    AnomalyGroup mail = group(AnomalyType.STUCK_STARTED, "mail.send");
    assertThat(mail.status()).isEqualTo(AnomalyGroup.Status.RESOLVED);
    assertThat(mail.mutedUntil()).isNull();
    assertThat(mail.mutedAt()).isEqualTo(at(64));

    Instant later = clock.instant();
    feed(task("m9", "mail.send", TaskState.STARTED, later));
    after(Duration.ofSeconds(61));
    assertThat(group(AnomalyType.STUCK_STARTED, "mail.send").status())
        .isEqualTo(AnomalyGroup.Status.MUTED);

    assertThat(detector.unmute(AnomalyType.STUCK_STARTED, "mail.send"))
        .get()
        .extracting(AnomalyGroup::status)
        .isEqualTo(AnomalyGroup.Status.OPEN);
  }

  @Test
  void listedOpenFirst_thenAcknowledged_muted_resolved_eachNewestFirst_andFilteredByType() {
    feed(
        ready("w1", at(0), "a.one", "a.two", "a.three", "a.four"),
        task("1", "a.one", TaskState.STARTED, at(0)));
    after(Duration.ofSeconds(61));
    feed(task("2", "a.two", TaskState.STARTED, clock.instant()));
    after(Duration.ofSeconds(61));
    feed(task("3", "a.three", TaskState.STARTED, clock.instant()));
    after(Duration.ofSeconds(61));
    feed(task("4", "a.four", TaskState.STARTED, clock.instant()));
    after(Duration.ofSeconds(61));
    feed(task("5", "a.missing", TaskState.PENDING, clock.instant()));
    detector.acknowledge(AnomalyType.STUCK_STARTED, "a.four");
    detector.mute(AnomalyType.STUCK_STARTED, "a.three", null);
    feed(task("2", "a.two", TaskState.SUCCESS, clock.instant()));

    assertThat(groups())
        .extracting(AnomalyGroup::name)
        .containsExactly("a.missing", "a.one", "a.four", "a.three", "a.two");
    assertThat(
            detector
                .groups(Set.of(AnomalyType.STUCK_STARTED), Set.of(AnomalyGroup.Status.OPEN), 10, 0)
                .items())
        .extracting(AnomalyGroup::name)
        .containsExactly("a.one");
    assertThat(detector.groupCounts(Set.of(AnomalyType.UNREGISTERED)))
        .containsEntry(AnomalyGroup.Status.OPEN, 1)
        .containsEntry(AnomalyGroup.Status.RESOLVED, 0);
    var page = detector.groups(Set.of(), Set.of(), 2, 1);
    assertThat(page.total()).isEqualTo(5);
    assertThat(page.items()).extracting(AnomalyGroup::name).containsExactly("a.one", "a.four");
  }

  @Test
  void atMostMaxGroups_resolvedOnesMakeRoom_elseTheTypesUnnamedGroupCountsTheRest() {
    int names = AnomalyGroups.MAX_GROUPS + 50;
    List<StemtraceEvent> events = new ArrayList<>();
    events.add(ready("w1", at(0), "registered.only"));
    for (int i = 0; i < names; i++)
      events.add(task("t" + i, "flood." + i, TaskState.PENDING, at(1)));
    consumer.acceptEvents(events);

    assertThat(detector.count()).isEqualTo(names);
    assertThat(groups()).hasSize(AnomalyGroups.MAX_GROUPS + 1);
    AnomalyGroup overflow = group(AnomalyType.UNREGISTERED, null);
    assertThat(overflow.open()).isEqualTo(50);
    assertThat(detector.anomalies(Set.of(), Optional.empty(), 100, 0).total()).isEqualTo(50);

    // the overflow's anomalies clear from the group they were counted in
    feed(task("t" + (names - 1), "flood." + (names - 1), TaskState.REVOKED, at(2)));
    assertThat(group(AnomalyType.UNREGISTERED, null).open()).isEqualTo(49);

    // a resolved group makes room for a new name
    feed(task("t0", "flood.0", TaskState.REVOKED, at(2)));
    feed(task("fresh", "fresh.name", TaskState.PENDING, at(3)));
    assertThat(group(AnomalyType.UNREGISTERED, "fresh.name").open()).isEqualTo(1);
    assertThat(groups()).extracting(AnomalyGroup::name).doesNotContain("flood.0");
  }

  @Test
  void capture_unregisteredTaskOfARealWorker_isOneOpenGroup() {
    clock.set(Instant.parse("2026-11-26T03:36:01Z")); // just after the capture ends
    consumer.acceptEvents(CaptureExpectations.pythonCanvasEvents());
    assertThat(groups())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.type()).isEqualTo(AnomalyType.UNREGISTERED);
              assertThat(g.name()).isEqualTo("capp.not_registered_anywhere");
              assertThat(g.status()).isEqualTo(AnomalyGroup.Status.OPEN);
              assertThat(g.open()).isEqualTo(1);
            });
  }

  @Test
  void triage_ofAnUnknownGroup_isEmpty_andBadArgumentsFailFast() {
    fourStuck();
    assertThat(detector.acknowledge(AnomalyType.STUCK_STARTED, "nope")).isEmpty();
    assertThat(detector.mute(AnomalyType.INTERRUPTED, "orders.charge", null)).isEmpty();
    assertThat(detector.unmute(AnomalyType.STUCK_STARTED, null)).isEmpty();
    assertThatThrownBy(
            () -> detector.mute(AnomalyType.STUCK_STARTED, "orders.charge", Duration.ZERO))
        .hasMessage("duration <= 0: PT0S");
    assertThatThrownBy(() -> detector.acknowledge(null, "orders.charge"))
        .hasMessage("type == null");
    assertThatThrownBy(() -> detector.groups(Set.of(), Set.of(), 0, 0)).hasMessage("limit < 1: 0");
    assertThatThrownBy(() -> AnomalyDetector.builder(store).resolvedRetention(Duration.ZERO))
        .hasMessage("resolvedRetention <= 0: PT0S");
  }
}
