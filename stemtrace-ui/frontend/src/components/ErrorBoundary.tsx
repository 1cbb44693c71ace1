import { type ErrorComponentProps, Link } from '@tanstack/react-router';
import { Component, type ReactNode } from 'react';

/** The message of anything thrown; a value whose toString fails is still shown as something. */
export function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

/** `Could not show <what>: <message>` with a way to render it again. */
export function RenderError({ what, error, onRetry }: { what: string; error: unknown; onRetry?: () => void }) {
  return (
    <span className="render-error" role="alert" data-testid="render-error">
      <strong>Could not show {what}.</strong> {errorMessage(error)}
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          Try again
        </button>
      )}
    </span>
  );
}

interface BoundaryProps {
  /** What the children show, for the message: `task 1f2e…`, `the workflow graph`. */
  what: string;
  /** Another value clears a caught error: new data may well render. */
  resetKey?: unknown;
  /** Wraps the message into what may stand in the children's place (a table row, a list item). */
  frame?: (message: ReactNode) => ReactNode;
  children: ReactNode;
}

interface BoundaryState {
  failed: boolean;
  error: unknown;
  resetKey: unknown;
}

const block = (message: ReactNode) => <div className="status status-error">{message}</div>;

/**
 * Keeps a render error inside the part of the page that failed. What the pages show comes from the
 * traced application, and one value nobody thought of must not take the page with it.
 */
export class RenderBoundary extends Component<BoundaryProps, BoundaryState> {
  state: BoundaryState = { failed: false, error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { failed: true, error };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    if (Object.is(props.resetKey, state.resetKey)) return null;
    return { failed: false, error: null, resetKey: props.resetKey };
  }

  private readonly retry = () => this.setState({ failed: false, error: null });

  render() {
    if (!this.state.failed) return this.props.children;
    const frame = this.props.frame ?? block;
    return frame(<RenderError what={this.props.what} error={this.state.error} onRetry={this.retry} />);
  }
}

/** A row of a `.table` list (the rows are grid rows): the message spans the row. */
export const tableRowFrame = (message: ReactNode) => (
  <div className="trow row-error" role="row">
    {message}
  </div>
);

/** A row of a `<table>` with `columns` columns. */
export const tableCellsFrame = (columns: number) => (message: ReactNode) => (
  <tr className="row-error">
    <td colSpan={columns}>{message}</td>
  </tr>
);

export const listItemFrame = (message: ReactNode) => <li className="row-error">{message}</li>;

/**
 * The error component of a route: the page's place shows what failed, while the header with the
 * navigation around it stays (the router's default would replace the whole app).
 */
export function pageError(what: string) {
  return function PageError({ error, reset }: ErrorComponentProps) {
    return (
      <div className="status status-error page-error" role="alert" data-testid="page-error">
        <span>
          <strong>Could not show {what}.</strong> {errorMessage(error)}
        </span>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
        <Link to="/" className="button ghost">
          Back to tasks
        </Link>
      </div>
    );
  };
}
