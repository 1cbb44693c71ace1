package io.stemtrace;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random task and group ids in the UUID text form Celery uses. {@link UUID#randomUUID()} draws from
 * a shared {@code SecureRandom}, which costs far more than the whole event on a task thread; ids
 * only need to be unique, not unpredictable, so a thread-local generator does.
 */
final class Ids {
  private Ids() {}

  /** A new random (version 4) UUID string. */
  public static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(most, least).toString();
  }
}
