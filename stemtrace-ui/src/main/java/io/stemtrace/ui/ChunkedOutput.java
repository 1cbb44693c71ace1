package io.stemtrace.ui;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a response body in fixed-size chunks handed to Undertow as they are, so a multi-megabyte
 * graph is neither grown by doubling nor copied into one array before it is sent.
 */
final class ChunkedOutput extends OutputStream {

  private static final int CHUNK = 64 * 1024;

  private final List<byte[]> full = new ArrayList<>();
  private byte[] current = new byte[4096];
  private int position;
  private long size;

  @Override
  public void write(int b) {
    if (position == current.length) next();
    current[position++] = (byte) b;
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      if (position == current.length) next();
      int n = Math.min(length, current.length - position);
      System.arraycopy(bytes, offset, current, position, n);
      position += n;
      offset += n;
      length -= n;
      size += n;
    }
  }

  private void next() {
    if (current.length < CHUNK) {
      // small responses stay in one small array: grow the first chunk up to CHUNK before starting a
      // list
      byte[] bigger = new byte[Math.min(CHUNK, current.length * 4)];
      System.arraycopy(current, 0, bigger, 0, position);
      current = bigger;
      return;
    }
    full.add(current);
    current = new byte[CHUNK];
    position = 0;
  }

  long size() {
    return size;
  }

  ByteBuffer[] toBuffers() {
    ByteBuffer[] buffers = new ByteBuffer[full.size() + 1];
    for (int i = 0; i < full.size(); i++) buffers[i] = ByteBuffer.wrap(full.get(i));
    buffers[full.size()] = ByteBuffer.wrap(current, 0, position);
    return buffers;
  }

  byte[] toByteArray() {
    byte[] out = new byte[(int) size];
    int at = 0;
    for (byte[] chunk : full) {
      System.arraycopy(chunk, 0, out, at, chunk.length);
      at += chunk.length;
    }
    System.arraycopy(current, 0, out, at, position);
    return out;
  }
}
