import { useQuery } from '@tanstack/react-query';
import { healthQuery } from '../api';
import { formatDateTime, formatTimeOfDay } from '../lib/format';
import { brokerOutage } from '../lib/health';

/** On every page while the server is not connected to its broker: which one, since when, and why. */
export function BrokerBanner() {
  const outage = brokerOutage(useQuery(healthQuery()).data);
  if (!outage) return null;
  return (
    <div className="broker-banner" role="alert" data-testid="broker-banner">
      <span>
        Not connected to <code data-testid="broker-transport">{outage.transport}</code>
        {outage.since && (
          <>
            {' '}
            since{' '}
            <time dateTime={outage.since} title={formatDateTime(outage.since)} data-testid="broker-since">
              {formatTimeOfDay(outage.since)}
            </time>
          </>
        )}
        , retrying. New events appear once it is back.
      </span>
      {outage.lastError && (
        <span className="broker-error" data-testid="broker-error">
          Last error: {outage.lastError}
        </span>
      )}
    </div>
  );
}
