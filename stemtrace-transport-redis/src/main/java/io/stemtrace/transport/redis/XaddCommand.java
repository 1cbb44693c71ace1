package io.stemtrace.transport.redis;

import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@code XADD <stream> [MAXLEN ~ <n>] * data <payload>} with everything but the payload encoded
 * once per transport: the publish hot path then costs one buffer copy per event instead of
 * Lettuce's per-argument encoding, and its reply (the new entry's id) is not decoded into a String
 * nobody reads. Only the last command of a batch carries a latch: Redis answers in order, so when
 * it completes, all did.
 */
final class XaddCommand extends Command<String, byte[], Void> {

  private static final byte[] CRLF = {'\r', '\n'};

  private final byte[] header;
  private final byte[] payload;
  private final CountDownLatch lastOfBatch;
  private volatile boolean failedLocally; // connection lost or closed, as opposed to an error reply

  XaddCommand(byte[] header, byte[] payload, CountDownLatch lastOfBatch) {
    super(CommandType.XADD, new ErrorOnlyOutput());
    this.header = header;
    this.payload = payload;
    this.lastOfBatch = lastOfBatch;
  }

  /** The RESP bytes of every argument before the payload, for one stream and trimming setting. */
  static byte[] header(String streamKey, long maxlen) {
    StringBuilder resp = new StringBuilder();
    resp.append('*').append(maxlen > 0 ? 8 : 5).append("\r\n");
    bulk(resp, "XADD");
    bulk(resp, streamKey);
    if (maxlen > 0) {
      bulk(resp, "MAXLEN");
      bulk(resp, "~");
      bulk(resp, Long.toString(maxlen));
    }
    bulk(resp, "*");
    bulk(resp, RedisTransport.FIELD);
    return resp.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void bulk(StringBuilder resp, String value) {
    resp.append('$')
        .append(value.getBytes(StandardCharsets.UTF_8).length)
        .append("\r\n")
        .append(value)
        .append("\r\n");
  }

  @Override
  public void encode(ByteBuf buf) {
    write(buf, header, payload);
  }

  /**
   * Writes one complete XADD: the pre-encoded arguments, then the payload as the last bulk string.
   */
  static void write(ByteBuf buf, byte[] header, byte[] payload) {
    buf.writeBytes(header);
    buf.writeByte('$');
    buf.writeCharSequence(Integer.toString(payload.length), StandardCharsets.US_ASCII);
    buf.writeBytes(CRLF);
    buf.writeBytes(payload);
    buf.writeBytes(CRLF);
  }

  @Override
  public void complete() {
    super.complete();
    if (lastOfBatch != null) lastOfBatch.countDown();
  }

  @Override
  public boolean completeExceptionally(Throwable throwable) {
    failedLocally = true;
    getOutput().setError(RedisConnector.rootMessage(throwable));
    boolean changed = super.completeExceptionally(throwable);
    if (lastOfBatch != null) lastOfBatch.countDown();
    return changed;
  }

  @Override
  public void cancel() {
    failedLocally = true;
    if (!getOutput().hasError()) getOutput().setError("cancelled: connection closed");
    super.cancel();
    if (lastOfBatch != null) lastOfBatch.countDown();
  }

  /** True when Redis answered with an error (OOM, WRONGTYPE): the connection itself is fine. */
  boolean refusedByServer() {
    return getOutput().hasError() && !failedLocally;
  }

  /** Keeps an error reply; ignores the entry id Redis returns on success. */
  static final class ErrorOnlyOutput extends CommandOutput<String, byte[], Void> {
    ErrorOnlyOutput() {
      super(RedisConnector.CODEC, null);
    }

    @Override
    public void set(ByteBuffer bytes) {
      // the new entry's id: not needed
    }
  }
}
