import { type FormEvent, useEffect, useState } from 'react';
import { toLocalInput } from '../lib/format';
import {
  PRESET_WINDOWS,
  type StatsPeriod,
  type StatsPeriodSearch,
  type StatsRange,
  WINDOW_LABEL,
  isRange,
  rangeFromInputs,
} from '../lib/stats';

interface Props {
  period: StatsPeriod;
  /** The whole minutes the shown statistics cover; the custom fields start from them. */
  covered: StatsRange | null;
  onSelect: (search: StatsPeriodSearch) => void;
}

/** Preset windows as a segmented control, and a custom range of two local date-times. */
export function PeriodPicker({ period, covered, onSelect }: Props) {
  const range = isRange(period) ? period : null;
  const [open, setOpen] = useState(range != null);
  const [fromInput, setFromInput] = useState(toLocalInput(range?.from));
  const [toInput, setToInput] = useState(toLocalInput(range?.to));
  const [error, setError] = useState<string | null>(null);

  // A range chosen elsewhere (the URL, the newest-events button) is what the fields show.
  const rangeFrom = range?.from;
  const rangeTo = range?.to;
  useEffect(() => {
    if (!rangeFrom || !rangeTo) return;
    setFromInput(toLocalInput(rangeFrom));
    setToInput(toLocalInput(rangeTo));
    setError(null);
  }, [rangeFrom, rangeTo]);

  const toggle = () => {
    if (!open && !range && covered) {
      setFromInput(toLocalInput(covered.from));
      setToInput(toLocalInput(covered.to));
    }
    setError(null);
    setOpen(!open);
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const result = rangeFromInputs(fromInput, toInput);
    if ('error' in result) {
      setError(result.error);
      return;
    }
    setError(null);
    onSelect(result);
  };

  return (
    <div className="period-picker">
      <div className="segmented" role="group" aria-label="Period">
        {PRESET_WINDOWS.map((w) => {
          const active = !isRange(period) && period.window === w;
          return (
            <button
              key={w}
              type="button"
              className={active ? 'active' : ''}
              aria-pressed={active}
              data-testid={`stats-window-${w}`}
              onClick={() => {
                setOpen(false);
                onSelect({ window: w });
              }}
            >
              {WINDOW_LABEL[w]}
            </button>
          );
        })}
        <button
          type="button"
          className={range ? 'active' : ''}
          aria-pressed={range != null}
          aria-expanded={open}
          aria-controls="stats-custom-period"
          data-testid="stats-period-custom"
          onClick={toggle}
        >
          Custom
        </button>
      </div>
      {open && (
        <form id="stats-custom-period" className="period-custom" onSubmit={apply} noValidate>
          <label className="field">
            From
            <input
              type="datetime-local"
              className="input"
              data-testid="stats-from"
              value={fromInput}
              aria-invalid={error != null}
              onChange={(e) => setFromInput(e.target.value)}
            />
          </label>
          <label className="field" title="The period ends before this minute">
            To
            <input
              type="datetime-local"
              className="input"
              data-testid="stats-to"
              value={toInput}
              aria-invalid={error != null}
              onChange={(e) => setToInput(e.target.value)}
            />
          </label>
          <button type="submit" className="button" data-testid="stats-apply">
            Apply
          </button>
          {error && (
            <span className="form-error" role="alert" data-testid="stats-period-error">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
