/** What `POST /api/import` answered, read defensively: a proxy may answer anything. */
export type ImportOutcome =
  | { ok: true; imported: number; rejected: number; rootIds: string[] }
  | { ok: false; message: string };

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The outcome of an import from the status and the parsed body (undefined when it was not JSON). */
export function importOutcome(status: number, statusText: string, body: unknown): ImportOutcome {
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (status < 200 || status >= 300) {
    const detail = typeof fields.detail === 'string' && fields.detail ? fields.detail : `${status} ${statusText}`.trim();
    return { ok: false, message: `Import failed: ${detail}` };
  }
  const rootIds = Array.isArray(fields.root_ids) ? fields.root_ids.filter((id): id is string => typeof id === 'string') : [];
  return { ok: true, imported: count(fields.imported), rejected: count(fields.rejected), rootIds };
}
