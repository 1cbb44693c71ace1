package io.stemtrace.transport.redis;

import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code CLIENT REPLY OFF}, an {@code XADD} per payload, {@code CLIENT REPLY ON}, written as one
 * command: Redis answers only the last ({@code +OK}). Lettuce then handles one command per chunk of
 * a batch instead of one per event, which was most of the publishing CPU. An error of one of these
 * XADDs is not reported (Redis stays silent); the batch's last entry is always sent as a plain
 * {@link XaddCommand}, so a refusal that lasts (OOM, WRONGTYPE, READONLY) still fails the batch.
 */
final class QuietXaddCommand extends Command<String, byte[], Void> {

  static final byte[] REPLY_OFF = resp("CLIENT", "REPLY", "OFF");
  static final byte[] REPLY_ON = resp("CLIENT", "REPLY", "ON");

  private final byte[] header;
  private final List<byte[]> payloads;
  private volatile boolean failedLocally;

  QuietXaddCommand(byte[] header, List<byte[]> payloads) {
    super(CommandType.CLIENT, new StatusOnlyOutput());
    this.header = header;
    this.payloads = payloads;
  }

  static byte[] resp(String... words) {
    StringBuilder out = new StringBuilder().append('*').append(words.length).append("\r\n");
    for (String word : words)
      out.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void encode(ByteBuf buf) {
    buf.writeBytes(REPLY_OFF);
    for (byte[] payload : payloads) XaddCommand.write(buf, header, payload);
    buf.writeBytes(REPLY_ON);
  }

  int size() {
    return payloads.size();
  }

  /**
   * The one reply must be CLIENT REPLY ON's {@code OK}; anything else means the replies are out of
   * step.
   */
  boolean answeredOk() {
    return isDone()
        && !getOutput().hasError()
        && "OK".equals(((StatusOnlyOutput) getOutput()).status);
  }

  String problem() {
    if (!isDone()) return "no reply";
    if (getOutput().hasError()) return getOutput().getError();
    return "unexpected reply '" + ((StatusOnlyOutput) getOutput()).status + "' to CLIENT REPLY ON";
  }

  boolean refusedByServer() {
    return getOutput().hasError() && !failedLocally;
  }

  @Override
  public boolean completeExceptionally(Throwable throwable) {
    failedLocally = true;
    getOutput().setError(RedisConnector.rootMessage(throwable));
    return super.completeExceptionally(throwable);
  }

  @Override
  public void cancel() {
    failedLocally = true;
    if (!getOutput().hasError()) getOutput().setError("cancelled: connection closed");
    super.cancel();
  }

  /** Keeps the status line (or error) of the single reply. */
  static final class StatusOnlyOutput extends CommandOutput<String, byte[], Void> {
    volatile String status;

    StatusOnlyOutput() {
      super(RedisConnector.CODEC, null);
    }

    @Override
    public void set(ByteBuffer bytes) {
      status = bytes == null ? null : StandardCharsets.US_ASCII.decode(bytes).toString();
    }
  }
}
