package io.stemtrace.transport.memory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A named in-process fan-out point shared by every {@link MemoryTransport} of the same name and
 * prefix.
 */
final class MemoryChannel {

  private static final ConcurrentMap<String, MemoryChannel> CHANNELS = new ConcurrentHashMap<>();

  private final String name;
  private final List<MemoryTransport.MemorySubscription> subscribers = new CopyOnWriteArrayList<>();

  private MemoryChannel(String name) {
    this.name = name;
  }

  static MemoryChannel named(String name) {
    return CHANNELS.computeIfAbsent(name, MemoryChannel::new);
  }

  String name() {
    return name;
  }

  void add(MemoryTransport.MemorySubscription subscription) {
    subscribers.add(subscription);
  }

  void remove(MemoryTransport.MemorySubscription subscription) {
    subscribers.remove(subscription);
  }

  /**
   * Hands the batch to every subscriber; serialised so that all subscribers see one global order.
   */
  synchronized void publish(List<byte[]> batch) {
    for (MemoryTransport.MemorySubscription subscriber : subscribers) {
      subscriber.offer(batch);
    }
  }
}
