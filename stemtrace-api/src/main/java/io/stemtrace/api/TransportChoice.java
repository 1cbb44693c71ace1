package io.stemtrace.api;

import java.util.Objects;

/**
 * The transport a builder was told to use: one to open from a URL (its user then owns and closes
 * it) or one the caller handed in (which stays the caller's), with the prefix for the URL. The
 * producer's and the collector's builders share it, so that both take and refuse the same settings
 * with the same words.
 */
public final class TransportChoice {

  /** The key, stream or exchange prefix unless told otherwise. */
  public static final String DEFAULT_PREFIX = "stemtrace";

  private String url;
  private Transport given;
  private String prefix = DEFAULT_PREFIX;

  /**
   * Where events go or come from, such as {@code redis://localhost:6379/0}; the scheme picks the
   * transport.
   */
  public void url(String transportUrl) {
    this.url = Objects.requireNonNull(transportUrl, "transportUrl == null");
  }

  /** A transport the caller opened and keeps (closes) itself. */
  public void transport(Transport transport) {
    this.given = Objects.requireNonNull(transport, "transport == null");
  }

  /** The prefix for a transport opened from a URL. */
  public void prefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix == null");
    if (prefix.isBlank()) throw new IllegalArgumentException("prefix is blank");
    this.prefix = prefix;
  }

  /** Whether a URL or a transport was set. */
  public boolean isSet() {
    return url != null || given != null;
  }

  /**
   * Opens the transport of the URL, or returns the one handed in; null when neither was set.
   *
   * @throws IllegalStateException when both were set
   * @throws IllegalArgumentException when the URL is malformed or no transport handles its scheme
   */
  public Opened open() {
    if (url != null && given != null) {
      throw new IllegalStateException("set either transportUrl(...) or transport(...), not both");
    }
    if (given != null) return new Opened(given, false);
    return url == null ? null : new Opened(Transports.open(url, prefix), true);
  }

  /** A transport and whether whoever opened it must close it. */
  public record Opened(Transport transport, boolean owned) {}
}
