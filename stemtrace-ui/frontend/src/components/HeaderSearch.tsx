import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { searchTasks, workflowExists } from '../api';
import { decideId, idPrefixQuery, isQuery } from '../lib/quickSearch';
import { idSearch } from '../lib/search';

/** How many tasks an id prefix lists before the box gives up jumping. */
const ID_MATCHES = 20;

/**
 * One box in the header for an id (a task's or workflow's, or its start) or a search in Flower's
 * syntax. Enter jumps to the one task or workflow an id names, else opens the task list searched.
 */
export function HeaderSearch() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const value = text.trim();
    if (!value) return;
    setError(null);
    if (isQuery(value)) {
      void navigate({ to: '/', search: { q: value } });
      return;
    }
    setBusy(true);
    try {
      const page = await searchTasks(idPrefixQuery(value), ID_MATCHES);
      const ids = page.tasks.map((t) => t.task_id);
      const workflow = ids.length === 0 && (await workflowExists(value));
      const decision = decideId(value, ids, workflow);
      if (decision.kind === 'task') void navigate({ to: '/task', search: idSearch(decision.id) });
      else if (decision.kind === 'workflow') void navigate({ to: '/graph', search: idSearch(decision.id) });
      else void navigate({ to: '/', search: { q: decision.q } });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="header-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        type="search"
        className="input"
        placeholder="Id, or name:orders.* state:FAILURE …"
        aria-label="Search tasks by id or query"
        title={
          'An id or the start of one jumps to that task or workflow.\n' +
          'Or search: name:orders.* state:FAILURE worker:w1 args:42 kwargs:user_id=7 result:ok exception:Timeout id:3f2a, plus free text.\n' +
          'Terms are AND-ed; * is a glob; quote values with spaces: exception:"timed out".'
        }
        data-testid="header-search"
        value={text}
        disabled={busy}
        onChange={(e) => setText(e.target.value)}
      />
      {error && (
        <span className="header-search-error" role="alert" data-testid="header-search-error">
          {error}
        </span>
      )}
    </form>
  );
}
