import type { ReactNode } from 'react';
import { offersRetry } from '../lib/errors';

export function Loading({ what }: { what: string }) {
  return (
    <div className="status status-loading" role="status">
      <span className="spinner" aria-hidden /> Loading {what}…
    </div>
  );
}

/** A failed query with the server's detail; Retry only where asking again may help (not a 4xx). */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="status status-error" role="alert">
      <strong>Could not load.</strong> {message}
      {onRetry && offersRetry(error) && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="status status-empty">{children}</div>;
}
