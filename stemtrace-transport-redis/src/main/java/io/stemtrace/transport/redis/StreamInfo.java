package io.stemtrace.transport.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;

/**
 * The parts of {@code XINFO STREAM} the transport uses. {@code entriesAdded} is -1 on servers
 * before 7.0, which do not report it; a missing stream reads as empty.
 */
record StreamInfo(long length, long entriesAdded, String lastGeneratedId, String firstEntryId) {

  static final StreamInfo EMPTY = new StreamInfo(0, 0, "0-0", null);

  static StreamInfo read(RedisCommands<String, byte[]> commands, String key) {
    try {
      return parse(commands.xinfoStream(key));
    } catch (RedisCommandExecutionException e) {
      if (String.valueOf(e.getMessage()).contains("no such key")) return EMPTY;
      throw e;
    }
  }

  static StreamInfo parse(List<Object> fields) {
    long length = 0;
    long entriesAdded = -1;
    String lastGeneratedId = "0-0";
    String firstEntryId = null;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String name = RedisSubscription.text(fields.get(i));
      Object value = fields.get(i + 1);
      switch (name) {
        case "length" -> length = (Long) value;
        case "entries-added" -> entriesAdded = (Long) value;
        case "last-generated-id" -> lastGeneratedId = RedisSubscription.text(value);
        case "first-entry" -> {
          if (value instanceof List<?> entry && !entry.isEmpty())
            firstEntryId = RedisSubscription.text(entry.get(0));
        }
        default -> {}
      }
    }
    return new StreamInfo(length, entriesAdded, lastGeneratedId, firstEntryId);
  }
}
