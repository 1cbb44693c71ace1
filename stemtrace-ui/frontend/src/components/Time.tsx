import { useEffect, useState } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';

let now = Date.now();
const subscribers = new Set<(t: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/**
 * Current time, refreshed every five seconds by one shared timer, so relative times and open-ended
 * bars move without each row running its own interval.
 */
export function useNow(): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    subscribers.add(setValue);
    if (!timer) {
      timer = setInterval(() => {
        now = Date.now();
        for (const s of subscribers) s(now);
      }, 5000);
    }
    setValue(Date.now());
    return () => {
      subscribers.delete(setValue);
      if (subscribers.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return value;
}

export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const current = useNow();
  return (
    <time dateTime={iso ?? undefined} title={formatDateTime(iso)}>
      {formatRelative(iso, current)}
    </time>
  );
}

/** An absolute local time with its zone, the relative time in its tooltip. */
export function DateTime({ iso }: { iso: string | null | undefined }) {
  const current = useNow();
  return (
    <time dateTime={iso ?? undefined} title={formatRelative(iso, current)} data-testid="date-time">
      {formatDateTime(iso)}
    </time>
  );
}
