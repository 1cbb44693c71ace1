package io.stemtrace.transport.redis;

import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an {@code XREAD} reply for one stream straight into what the subscription needs: the {@code
 * data} payloads in stream order, the id of the last entry, and how many entries had no {@code
 * data} field. Lettuce's own output builds a StreamMessage, a LinkedHashMap and Strings for every
 * entry; this keeps one byte[] per entry, which is what the sink gets anyway.
 *
 * <p>The RESP2 reply is {@code [[stream, [[id, [field, value, ...]], ...]]]}: bulk strings at depth
 * 4 are entry ids, at depth 5 alternating field names and values. Depth is tracked from Lettuce's
 * callbacks: each array pushes its element count, each finished element counts down its parent.
 *
 * <p>Bounded in bytes: once the payloads kept reach {@code maxBytes}, later entries of the reply
 * are passed over (the batch is {@code full}, and its last id is the last entry kept, so the next
 * read starts right after it), and of one entry's data at most {@code maxEntryBytes} are kept.
 * Lettuce decodes a reply one bulk string at a time, so a read holds about {@code maxBytes} plus
 * one entry, however many entries Redis sends.
 */
final class StreamBatchOutput extends CommandOutput<String, byte[], StreamBatchOutput.Batch> {

  private static final byte[] FIELD = RedisTransport.FIELD.getBytes(StandardCharsets.US_ASCII);
  private static final int ID_DEPTH = 4;
  private static final int FIELD_DEPTH = 5;

  /** What one read returned. {@code lastId} is null when the read returned nothing. */
  record Batch(
      List<byte[]> payloads,
      String lastId,
      int entries,
      int malformed,
      String firstMalformedId,
      boolean full,
      long bytes,
      int largest) {
    boolean isEmpty() {
      return entries == 0;
    }
  }

  private final List<byte[]> payloads = new ArrayList<>();
  private int[] remaining = new int[8];
  private int depth;
  private byte[] entryId = new byte[32];
  private int entryIdLength = -1;
  private int fieldIndex;
  private boolean nextIsData;
  private boolean entryHasData;
  private int entries;
  private int malformed;
  private String firstMalformedId;
  private final long maxBytes;
  private final int maxEntryBytes;
  private long bytesKept;
  private int largest;
  private boolean full;

  StreamBatchOutput() {
    this(Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  StreamBatchOutput(long maxBytes, int maxEntryBytes) {
    super(RedisConnector.CODEC, null);
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes;
  }

  @Override
  public void multi(int count) {
    if (count <= 0) { // nil (BLOCK timed out) or empty: an element with nothing inside
      elementDone();
      return;
    }
    if (depth == remaining.length) remaining = java.util.Arrays.copyOf(remaining, depth * 2);
    remaining[depth++] = count;
    if (depth == FIELD_DEPTH) {
      fieldIndex = 0;
      nextIsData = false;
    }
  }

  @Override
  public void set(ByteBuffer bytes) {
    if (full) { // past the budget: the rest of the reply is only counted through
      elementDone();
      return;
    }
    if (depth == ID_DEPTH && entries > 0 && bytesKept >= maxBytes) {
      full = true;
      elementDone();
      return;
    }
    if (depth == ID_DEPTH) {
      finishEntry();
      entryIdLength = bytes == null ? 0 : bytes.remaining();
      if (entryIdLength > entryId.length) entryId = new byte[entryIdLength];
      if (bytes != null) bytes.get(entryId, 0, entryIdLength);
      entryHasData = false;
      entries++;
    } else if (depth == FIELD_DEPTH && bytes != null) {
      if (fieldIndex % 2 == 0) {
        nextIsData = !entryHasData && isDataField(bytes);
      } else if (nextIsData) {
        largest = Math.max(largest, bytes.remaining());
        byte[] payload = new byte[Math.min(bytes.remaining(), maxEntryBytes)];
        bytes.get(payload);
        bytesKept += payload.length;
        payloads.add(payload);
        entryHasData = true;
        nextIsData = false;
      }
      fieldIndex++;
    }
    elementDone();
  }

  @Override
  public Batch get() {
    finishEntry();
    String lastId =
        entryIdLength < 0 ? null : new String(entryId, 0, entryIdLength, StandardCharsets.US_ASCII);
    return new Batch(
        payloads, lastId, entries, malformed, firstMalformedId, full, bytesKept, largest);
  }

  /** Counts the previous entry as malformed when it had no data field. */
  private void finishEntry() {
    if (entryIdLength < 0 || entryHasData) return;
    if (malformed++ == 0)
      firstMalformedId = new String(entryId, 0, entryIdLength, StandardCharsets.US_ASCII);
    entryHasData = true; // counted once
  }

  private static boolean isDataField(ByteBuffer bytes) {
    if (bytes.remaining() != FIELD.length) return false;
    int at = bytes.position();
    for (int i = 0; i < FIELD.length; i++) {
      if (bytes.get(at + i) != FIELD[i]) return false;
    }
    return true;
  }

  private void elementDone() {
    while (depth > 0) {
      if (--remaining[depth - 1] > 0) return;
      depth--; // that array is complete: it was one element of its parent
    }
  }
}
