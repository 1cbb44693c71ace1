/** What /api/health says about the broker (docs/API.md); the other fields are not read here. */
export interface Health {
  status: string;
  transport?: string | null;
  consumer_running?: boolean;
  consumer_connected?: boolean;
  disconnected_since?: string | null;
  last_error?: string | null;
}

/** A broker the server cannot reach: which, since when, and why, as far as the server tells. */
export interface BrokerOutage {
  transport: string;
  since: string | null;
  lastError: string | null;
}

/** The outage a health document describes, or null when the broker is connected (or unknown). */
export function brokerOutage(health: Health | undefined): BrokerOutage | null {
  if (!health || health.status !== 'degraded') return null;
  return {
    transport: health.transport || 'the broker',
    since: health.disconnected_since ?? null,
    lastError: health.last_error ?? null,
  };
}
