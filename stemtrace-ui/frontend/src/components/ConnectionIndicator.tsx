import { useQuery } from '@tanstack/react-query';
import { healthQuery } from '../api';
import { brokerOutage } from '../lib/health';
import { POLL_INTERVAL_MS, useConnectionState } from '../live';

const LABELS = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: `Polling every ${POLL_INTERVAL_MS / 1000}s`,
  'broker-down': 'Broker down',
} as const;

const TITLES = {
  live: 'Updates are pushed over the WebSocket',
  reconnecting: 'Connecting the WebSocket; pages refresh by polling meanwhile',
  polling: 'WebSocket unavailable; pages refresh by polling until it reconnects',
  'broker-down': 'The server is not connected to its broker: no new events arrive until it reconnects',
} as const;

/** The WebSocket's state, unless the server itself receives nothing: then it is not live whatever the socket says. */
export function ConnectionIndicator() {
  const socket = useConnectionState();
  const outage = brokerOutage(useQuery(healthQuery()).data);
  const state = outage ? 'broker-down' : socket;
  return (
    <span className={`connection connection-${state}`} data-testid="connection-state" data-state={state} title={TITLES[state]}>
      <span className="connection-dot" aria-hidden />
      {LABELS[state]}
    </span>
  );
}
