package io.stemtrace.ui;

/** A request the API answers with a client error: the status and the {@code detail} to send. */
final class ApiException extends RuntimeException {

  private final int status;

  /** for a 405: the methods the path takes, for the {@code Allow} header */
  private final String allow;

  ApiException(int status, String detail) {
    this(status, detail, null);
  }

  private ApiException(int status, String detail, String allow) {
    super(detail, null, false, false);
    this.status = status;
    this.allow = allow;
  }

  static ApiException methodNotAllowed(String allow) {
    return new ApiException(405, "Method Not Allowed", allow);
  }

  /** The methods for the {@code Allow} header of a 405, else null. */
  String allow() {
    return allow;
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  int status() {
    return status;
  }
}
