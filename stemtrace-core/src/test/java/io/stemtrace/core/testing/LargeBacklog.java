package io.stemtrace.core.testing;

import io.stemtrace.api.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A backlog of large entries among small ones, for the transports' tests of reads bounded in bytes: each
 * round sends a few small JSON objects, then one large object whose head names it
 * ({@code {"big":"big-7","pad":"xxxx...}), so it can be recognised after a transport cut its tail.
 */
public final class LargeBacklog {

  private static final String HEAD = "{\"big\":\"";

  private LargeBacklog() {}

  /** Sends {@code rounds} rounds of {@code small} small entries and one of {@code bigBytes}; returns their names in order. */
  public static List<String> send(Transport transport, int rounds, int small, int bigBytes) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      List<byte[]> batch = new ArrayList<>();
      for (int j = 0; j < small; j++) {
        String payload = "{\"small\":\"" + i + "-" + j + "\"}";
        batch.add(payload.getBytes(StandardCharsets.UTF_8));
        names.add(payload);
      }
      transport.send(batch);
      transport.send(List.of(big("big-" + i, bigBytes)));
      names.add("big-" + i);
    }
    return names;
  }

  /** A JSON object of {@code bytes} bytes named {@code name}. */
  public static byte[] big(String name, int bytes) {
    byte[] out = new byte[bytes];
    Arrays.fill(out, (byte) 'x');
    byte[] head = (HEAD + name + "\",\"pad\":\"").getBytes(StandardCharsets.UTF_8);
    System.arraycopy(head, 0, out, 0, head.length);
    out[bytes - 2] = '"';
    out[bytes - 1] = '}';
    return out;
  }

  /** True for a large entry of {@link #big}, whole or cut. */
  public static boolean isBig(byte[] payload) {
    return payload.length > HEAD.length() && new String(payload, 0, HEAD.length(), StandardCharsets.UTF_8).equals(HEAD);
  }

  /** The name of a large entry, whole or cut; a small entry's text. */
  public static String name(byte[] payload) {
    if (!isBig(payload)) return new String(payload, StandardCharsets.UTF_8);
    String head = new String(payload, 0, Math.min(payload.length, 64), StandardCharsets.UTF_8);
    return head.substring(HEAD.length(), head.indexOf('"', HEAD.length()));
  }
}
