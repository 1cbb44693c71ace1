/** The HTTP status an API error carries, or null for a network failure or any other error. */
export function httpStatus(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : null;
}

/**
 * A 4xx: the request itself is wrong (a bad filter, an unknown id, no session), so asking again
 * gives the same answer. 5xx and network failures may pass (a restart, a proxy hiccup).
 */
export function isClientError(error: unknown): boolean {
  const status = httpStatus(error);
  return status != null && status >= 400 && status < 500;
}

/** The queries' retry rule: twice more for what may pass, never for a 4xx. */
export function shouldRetry(failures: number, error: unknown): boolean {
  return failures < 2 && !isClientError(error);
}

/** Whether an error page offers a Retry button: not for a 4xx, which a retry cannot fix. */
export function offersRetry(error: unknown): boolean {
  return !isClientError(error);
}
