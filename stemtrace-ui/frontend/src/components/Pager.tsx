import { pageCount, pageRange } from '../lib/pages';

interface PagerProps {
  /** What the list holds, for the labels: "workers", "task names". */
  what: string;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Offset and item count of the response shown, which lags the page while the next one loads. */
  offset: number;
  shown: number;
  total: number;
  onPage: (page: number) => void;
}

/** Previous and next buttons around `51–100 of 250`; absent while everything fits on one page. */
export function Pager({ what, page, pageSize, offset, shown, total, onPage }: PagerProps) {
  const pages = pageCount(total, pageSize);
  if (pages === 1 && page === 1) return null;
  return (
    <nav className="pager" aria-label={`Pages of ${what}`} data-testid="pager">
      <button type="button" className="button" aria-label={`Previous page of ${what}`} disabled={page <= 1} onClick={() => onPage(Math.min(page - 1, pages))} data-testid="pager-previous">
        ← Previous
      </button>
      <span className="muted" data-testid="pager-range" aria-live="polite">
        {pageRange(offset, shown, total)} {what} · page {page} of {pages}
      </span>
      <button type="button" className="button" aria-label={`Next page of ${what}`} disabled={page >= pages} onClick={() => onPage(page + 1)} data-testid="pager-next">
        Next →
      </button>
    </nav>
  );
}
