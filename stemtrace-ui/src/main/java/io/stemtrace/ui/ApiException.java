package io.stemtrace.ui;

/** A request the API answers with a client error: the status and the {@code detail} to send. */
final class ApiException extends RuntimeException {

  private final int status;

  ApiException(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
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
