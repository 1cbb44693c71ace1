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

  private static final byte[] PAYLOAD = "{\"task_id\":\"ü-1\",\"state\":\"PENDING\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void encode_withMaxlen_isByteForByteWhatLettuceWritesForTheSameXadd() {
    CommandArgs<String, byte[]> args = new CommandArgs<>(RedisConnector.CODEC)
        .addKey("shop:events").add("MAXLEN").add("~").add(100_000L).add("*").addKey("data").addValue(PAYLOAD);
    assertThat(encoded(new XaddCommand(XaddCommand.header("shop:events", 100_000), PAYLOAD, null)))
        .isEqualTo(encoded(new Command<>(CommandType.XADD, new StatusOutput<>(RedisConnector.CODEC), args)));
  }

  @Test
  void encode_withoutMaxlen_leavesTrimmingOut() {
    CommandArgs<String, byte[]> args = new CommandArgs<>(RedisConnector.CODEC)
        .addKey("日本:events").add("*").addKey("data").addValue(PAYLOAD);
    assertThat(encoded(new XaddCommand(XaddCommand.header("日本:events", 0), PAYLOAD, null)))
        .isEqualTo(encoded(new Command<>(CommandType.XADD, new StatusOutput<>(RedisConnector.CODEC), args)));
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
