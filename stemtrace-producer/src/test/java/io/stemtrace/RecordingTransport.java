package io.stemtrace;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake transport that keeps every batch it is sent, for tests (the memory transport module
 * depends on this one, so it cannot be used here). Optionally fails or blocks on demand.
 */
final class RecordingTransport implements Transport {

  enum Mode {
    RECORD,
    THROW_IO,
    THROW_RUNTIME,
    BLOCK
  }

  private final List<List<byte[]>> batches = new ArrayList<>();
  private volatile Mode mode;
  private volatile boolean closed;
  private final Object blocker = new Object();

  RecordingTransport() {
    this(Mode.RECORD);
  }

  RecordingTransport(Mode mode) {
    this.mode = mode;
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  @Override
  public void send(List<byte[]> batch) throws IOException {
    switch (mode) {
      case THROW_IO -> throw new IOException("broker down");
      case THROW_RUNTIME -> throw new IllegalStateException("transport bug");
      case BLOCK -> {
        synchronized (blocker) {
          try {
            while (mode == Mode.BLOCK) blocker.wait(); // forever, until interrupted
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
          }
        }
      }
      case RECORD -> {}
    }
    synchronized (batches) {
      batches.add(List.copyOf(batch));
    }
  }

  /** Every payload received, in order. */
  List<byte[]> payloads() {
    synchronized (batches) {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  List<List<byte[]>> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }

  boolean closed() {
    return closed;
  }

  @Override
  public Subscription subscribe(EventSink sink) {
    throw new UnsupportedOperationException("recording only");
  }

  @Override
  public String describe() {
    return "recording://test";
  }

  @Override
  public void close() {
    closed = true;
  }
}
