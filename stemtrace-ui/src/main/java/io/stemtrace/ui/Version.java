package io.stemtrace.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, from a resource the build fills in. */
final class Version {

  static final String VALUE = load();

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
