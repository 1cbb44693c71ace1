package io.stemtrace.codec;

import java.util.Objects;

/**
 * Why an encoded event was rejected. The consumer counts rejections per {@link Kind} and logs the
 * first of each kind, so one malformed producer cannot flood the log.
 *
 * @param kind the class of problem
 * @param detail a short human-readable explanation (never the whole payload)
 */
public record DecodeError(Kind kind, String detail) {

  /** Classes of undecodable input. */
  public enum Kind {
    /** Not parseable JSON, or not UTF-8. */
    NOT_JSON,
    /** Valid JSON but not an object. */
    NOT_AN_OBJECT,
    /**
     * An object with neither {@code event_type} nor {@code task_id}, or an unknown {@code
     * event_type}.
     */
    UNKNOWN_EVENT,
    /** A required field is missing or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** {@code state} is not one of the known task states. */
    UNKNOWN_STATE,
    /** A timestamp that is not ISO-8601. */
    BAD_TIMESTAMP,
    /** Nesting deeper than the codec allows. */
    TOO_DEEP,
    /** A payload or string larger than the codec allows. */
    TOO_LARGE,
    /**
     * An id, task name or hostname longer than {@link EventCodec#MAX_IDENTIFIER_LENGTH} characters
     * or holding a lone UTF-16 surrogate: either could not be named in a URL, so no page could ever
     * show it.
     */
    BAD_ID
  }

  public DecodeError {
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(detail, "detail == null");
  }
}
