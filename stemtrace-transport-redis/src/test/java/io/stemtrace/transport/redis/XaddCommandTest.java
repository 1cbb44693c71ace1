package io.stemtrace.transport.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class XaddCommandTest {

  private static final byte[] PAYLOAD =
      "{\"task_id\":\"ü-1\",\"state\":\"PENDING\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void encode_withMaxlen_isByteForByteWhatLettuceWritesForTheSameXadd() {
    CommandArgs<String, byte[]> args =
        new CommandArgs<>(RedisConnector.CODEC)
            .addKey("shop:events")
            .add("MAXLEN")
            .add("~")
            .add(100_000L)
            .add("*")
            .addKey("data")
            .addValue(PAYLOAD);
    assertThat(encoded(new XaddCommand(XaddCommand.header("shop:events", 100_000), PAYLOAD, null)))
        .isEqualTo(
            encoded(
                new Command<>(CommandType.XADD, new StatusOutput<>(RedisConnector.CODEC), args)));
  }

  @Test
  void encode_withoutMaxlen_leavesTrimmingOut() {
    CommandArgs<String, byte[]> args =
        new CommandArgs<>(RedisConnector.CODEC)
            .addKey("日本:events")
            .add("*")
            .addKey("data")
            .addValue(PAYLOAD);
    assertThat(encoded(new XaddCommand(XaddCommand.header("日本:events", 0), PAYLOAD, null)))
        .isEqualTo(
            encoded(
                new Command<>(CommandType.XADD, new StatusOutput<>(RedisConnector.CODEC), args)));
  }

  @Test
  void quietChunk_isClientReplyOff_thePlainXadds_thenClientReplyOn() {
    byte[] header = XaddCommand.header("shop:events", 100_000);
    byte[] second = "{\"task_id\":\"2\"}".getBytes(StandardCharsets.UTF_8);
    ByteBuf expected = Unpooled.buffer();
    expected.writeBytes(
        "*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n".getBytes(StandardCharsets.US_ASCII));
    expected.writeBytes(encoded(new XaddCommand(header, PAYLOAD, null)));
    expected.writeBytes(encoded(new XaddCommand(header, second, null)));
    expected.writeBytes(
        "*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] wanted = new byte[expected.readableBytes()];
    expected.readBytes(wanted);
    assertThat(encoded(new QuietXaddCommand(header, java.util.List.of(PAYLOAD, second))))
        .isEqualTo(wanted);
  }

  @Test
  void quietChunk_isFineOnlyWithTheOkOfClientReplyOn() {
    QuietXaddCommand ok =
        new QuietXaddCommand(XaddCommand.header("k", 0), java.util.List.of(PAYLOAD));
    ok.getOutput().set(java.nio.ByteBuffer.wrap("OK".getBytes(StandardCharsets.US_ASCII)));
    ok.complete();
    assertThat(ok.answeredOk()).isTrue();

    QuietXaddCommand stranger =
        new QuietXaddCommand(XaddCommand.header("k", 0), java.util.List.of(PAYLOAD));
    stranger
        .getOutput()
        .set(java.nio.ByteBuffer.wrap("1764000000000-0".getBytes(StandardCharsets.US_ASCII)));
    stranger.complete();
    assertThat(stranger.answeredOk()).isFalse();
    assertThat(stranger.problem()).contains("unexpected reply '1764000000000-0'");

    QuietXaddCommand refused =
        new QuietXaddCommand(XaddCommand.header("k", 0), java.util.List.of(PAYLOAD));
    refused
        .getOutput()
        .setError("NOPERM this user has no permissions to run the 'client|reply' command");
    refused.complete();
    assertThat(refused.answeredOk()).isFalse();
    assertThat(refused.refusedByServer()).isTrue();

    QuietXaddCommand lost =
        new QuietXaddCommand(XaddCommand.header("k", 0), java.util.List.of(PAYLOAD));
    lost.completeExceptionally(new java.io.IOException("Connection reset"));
    assertThat(lost.refusedByServer()).isFalse();
    assertThat(lost.problem()).contains("Connection reset");
  }

  @Test
  void lastCommandOfABatch_releasesTheLatch_onReplyOrOnLoss() {
    CountDownLatch replied = new CountDownLatch(1);
    XaddCommand ok = new XaddCommand(XaddCommand.header("k", 0), PAYLOAD, replied);
    ok.complete();
    assertThat(replied.getCount()).isZero();
    assertThat(ok.refusedByServer()).isFalse();

    CountDownLatch lost = new CountDownLatch(1);
    XaddCommand cut = new XaddCommand(XaddCommand.header("k", 0), PAYLOAD, lost);
    cut.completeExceptionally(new IllegalStateException("Connection closed"));
    assertThat(lost.getCount()).isZero();
    assertThat(cut.getOutput().getError()).isEqualTo("Connection closed");
    assertThat(cut.refusedByServer()).isFalse();

    XaddCommand refused = new XaddCommand(XaddCommand.header("k", 0), PAYLOAD, null);
    refused.getOutput().setError("OOM command not allowed when used memory > 'maxmemory'.");
    refused.complete();
    assertThat(refused.refusedByServer()).isTrue();
  }

  private static byte[] encoded(Command<String, byte[], ?> command) {
    ByteBuf buf = Unpooled.buffer();
    command.encode(buf);
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes);
    return bytes;
  }
}
