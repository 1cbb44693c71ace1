package io.stemtrace.examples.transport;

import io.stemtrace.api.EventSink;
import io.stemtrace.api.Subscription;
import io.stemtrace.api.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport over one append-only JSON-lines file: the smallest useful example of the {@link
 * Transport} SPI. Several processes on one host can write to it (each batch is one locked append)
 * and any number can read it. The file is also a handy record: it has the same shape as the
 * captures in {@code shared/vectors}.
 *
 * <p>What it shows: {@code send} writes a whole batch in one I/O call; {@code subscribe} owns a
 * daemon thread that hands complete lines to the sink and advances its position (a byte offset)
 * only after the sink returned; {@code lag} and {@code isConnected} report what the transport
 * knows; {@code close} is idempotent.
 */
final class JsonLinesTransport implements Transport {

  private final Path file;
  private final Duration poll;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Tail> tails = new CopyOnWriteArrayList<>();

  JsonLinesTransport(Path file, Duration poll) {
    this.file = file;
    this.poll = poll;
  }

  @Override
  public void send(List<byte[]> batch) throws IOException {
    Objects.requireNonNull(batch, "batch == null");
    if (closed.get()) throw new IllegalStateException("transport closed: " + describe());
    if (batch.isEmpty()) return;
    int size = 0;
    for (byte[] payload : batch) {
      // one event per line: JSON escapes newlines inside strings, so a raw one means a broken
      // payload
      for (byte b : payload)
        if (b == '\n')
          throw new IOException("payload contains a raw newline; not JSON from stemtrace's codec");
      size += payload.length + 1;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    for (byte[] payload : batch) buffer.put(payload).put((byte) '\n');
    buffer.flip();
    Files.createDirectories(file.getParent());
    try (FileChannel channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileLock lock =
            channel.lock()) { // whole lines from concurrent writers, never interleaved halves
      while (buffer.hasRemaining()) channel.write(buffer);
    }
  }

  @Override
  public Subscription subscribe(EventSink sink) {
    Objects.requireNonNull(sink, "sink == null");
    if (closed.get()) throw new IllegalStateException("transport closed: " + describe());
    Tail tail = new Tail(sink);
    tails.add(tail);
    tail.thread.start();
    return tail;
  }

  @Override
  public String describe() {
    return "jsonl://" + file;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    for (Tail tail : tails) tail.close();
    tails.clear();
  }

  /** Follows the file from its start, like {@code tail -f}, delivering complete lines only. */
  private final class Tail implements Subscription {
    private final EventSink sink;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long position; // bytes of the file already handed to the sink
    private volatile long fileSize;
    private volatile int carried; // bytes of an incomplete last line read but not yet delivered

    Tail(EventSink sink) {
      this.sink = sink;
      this.thread = new Thread(this::run, "stemtrace-consumer{" + describe() + "}");
      thread.setDaemon(true);
    }

    private void run() {
      byte[] chunk = new byte[1 << 20];
      byte[] carry = new byte[0]; // an incomplete last line, kept until its newline arrives
      while (running.get()) {
        try {
          int read = readFrom(position + carry.length, chunk);
          if (read <= 0) {
            Thread.sleep(poll.toMillis());
            continue;
          }
          byte[] data = concat(carry, chunk, read);
          List<byte[]> batch = new ArrayList<>();
          int lineStart = 0;
          for (int i = 0; i < data.length; i++) {
            if (data[i] != '\n') continue;
            if (i > lineStart) batch.add(Arrays.copyOfRange(data, lineStart, i));
            lineStart = i + 1;
          }
          carry = Arrays.copyOfRange(data, lineStart, data.length);
          carried = carry.length;
          if (!batch.isEmpty() && running.get()) sink.accept(batch);
          position += lineStart; // only now do these lines count as consumed
        } catch (InterruptedException e) {
          return;
        } catch (IOException e) {
          sleepQuietly(); // the file may be rotated or not there yet; try again
        }
      }
    }

    private int readFrom(long offset, byte[] into) throws IOException {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        fileSize = channel.size();
        return channel.read(ByteBuffer.wrap(into), offset);
      } catch (NoSuchFileException e) {
        fileSize = 0;
        return 0;
      }
    }

    private static byte[] concat(byte[] carry, byte[] chunk, int read) {
      byte[] data = Arrays.copyOf(carry, carry.length + read);
      System.arraycopy(chunk, 0, data, carry.length, read);
      return data;
    }

    private void sleepQuietly() {
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        running.set(false);
      }
    }

    /**
     * Zero when every complete line was delivered; unknown while behind, because a file knows its
     * size in bytes, not how many events those bytes hold (counting them would mean reading them
     * twice).
     */
    @Override
    public OptionalLong lag() {
      return fileSize - position - carried <= 0 ? OptionalLong.of(0) : OptionalLong.empty();
    }

    @Override
    public boolean isConnected() {
      return running.get();
    }

    @Override
    public void close() {
      if (!running.compareAndSet(true, false)) return;
      if (thread != Thread.currentThread()) {
        thread.interrupt();
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
