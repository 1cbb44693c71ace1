package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemorySessionRevocationsTest {

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T04:00:00Z"));
  final InMemorySessionRevocations revocations = new InMemorySessionRevocations(3, clock);
  final Instant issued = clock.instant().minusSeconds(60);
  final Instant expiry = clock.instant().plus(Duration.ofHours(1));

  @Test
  void revoke_endsOnlyThatSession() {
    revocations.revoke("a", issued, expiry);
    assertThat(revocations.isRevoked("a", issued)).isTrue();
    assertThat(revocations.isRevoked("b", issued)).isFalse();
  }

  @Test
  void entries_areForgottenOnceTheirSessionExpired_soTheCapHoldsWithoutSigningAnyoneOut() {
    revocations.revoke("a", issued, expiry);
    revocations.revoke("b", issued, expiry);
    revocations.revoke("c", issued, clock.instant().plusSeconds(10));
    clock.advance(Duration.ofSeconds(10)); // c's session is over: its entry may go
    revocations.revoke("d", issued, expiry);
    assertThat(revocations.size()).isEqualTo(3);
    assertThat(revocations.isRevoked("d", issued)).isTrue();
    assertThat(revocations.isRevoked("a", issued)).isTrue();
    assertThat(revocations.isRevoked("e", issued)).isFalse();
  }

  @Test
  void full_revokesEverySessionIssuedUntilNow_andStartsEmpty() {
    for (String id : new String[] {"a", "b", "c", "d"}) revocations.revoke(id, issued, expiry);
    assertThat(revocations.size()).isZero();
    for (String id : new String[] {"a", "b", "c", "d", "never-revoked"}) {
      assertThat(revocations.isRevoked(id, issued)).as(id).isTrue();
    }
    assertThat(revocations.isRevoked("issued-now", clock.instant())).isTrue();
    assertThat(revocations.isRevoked("issued-later", clock.instant().plusMillis(1))).isFalse();
    for (int i = 0; i < 10_000; i++)
      revocations.revoke("s" + i, clock.instant().plusMillis(1), expiry);
    assertThat(revocations.size()).as("never more than the cap").isLessThanOrEqualTo(3);
  }

  @Test
  void expiredSessions_areNotRemembered() {
    revocations.revoke("a", issued, clock.instant());
    assertThat(revocations.size()).isZero();
  }

  @Test
  void capacity_mustBePositive() {
    assertThatThrownBy(() -> new InMemorySessionRevocations(0, clock))
        .hasMessage("capacity < 1: 0");
  }
}
