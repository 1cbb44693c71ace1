import { POLL_INTERVAL_MS, useConnectionState } from '../live';

const LABELS = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: `Polling every ${POLL_INTERVAL_MS / 1000}s`,
} as const;

const TITLES = {
  live: 'Updates are pushed over the WebSocket',
  reconnecting: 'Connecting the WebSocket; pages refresh by polling meanwhile',
  polling: 'WebSocket unavailable; pages refresh by polling until it reconnects',
} as const;

export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <span className={`connection connection-${state}`} data-testid="connection-state" data-state={state} title={TITLES[state]}>
      <span className="connection-dot" aria-hidden />
      {LABELS[state]}
    </span>
  );
}
