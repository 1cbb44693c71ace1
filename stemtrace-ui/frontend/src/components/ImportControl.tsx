import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ChangeEvent, useState } from 'react';
import { BASE } from '../env';
import { shortId } from '../lib/format';
import { type ImportOutcome, importOutcome } from '../lib/importResult';
import { countOf } from '../lib/plural';
import { idSearch } from '../lib/search';

async function upload(file: File): Promise<ImportOutcome> {
  try {
    const res = await fetch(`${BASE}/api/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: file,
    });
    const body: unknown = await res.json().catch(() => undefined);
    return importOutcome(res.status, res.statusText, body);
  } catch (e) {
    return { ok: false, message: `Import failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Uploads a workflow file from "Download JSON" (POST /api/import) and links to what it brought in. */
export function ImportControl() {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setOutcome(null);
    const result = await upload(file);
    input.value = ''; // the same file can be chosen again
    setBusy(false);
    setOutcome(result);
    if (result.ok) void queryClient.invalidateQueries();
  };

  return (
    <span className="import-control">
      <label className={`button${busy ? ' disabled' : ''}`} title="Load a workflow file exported with Download JSON">
        {busy ? 'Importing…' : 'Import JSON'}
        <input type="file" accept=".json,application/json" hidden disabled={busy} onChange={onFile} data-testid="import-file" />
      </label>
      {outcome && (
        <span role="status" className={outcome.ok ? 'import-result' : 'import-result import-failed'} data-testid="import-result">
          {outcome.ok ? (
            <>
              Imported {countOf(outcome.imported, 'event')}
              {outcome.rejected > 0 && `, ${outcome.rejected} rejected`}
              {outcome.rootIds.length > 0 && ': '}
              {outcome.rootIds.slice(0, 5).map((id, i) => (
                <span key={id}>
                  {i > 0 && ', '}
                  <Link to="/graph" search={idSearch(id)} data-testid="import-link">
                    workflow {shortId(id)}
                  </Link>
                </span>
              ))}
              {outcome.rootIds.length > 5 && ` and ${outcome.rootIds.length - 5} more`}
            </>
          ) : (
            outcome.message
          )}
        </span>
      )}
    </span>
  );
}
