import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { type CannedTrigger, cannedTrigger } from './canned-trigger';
import { type CannedResponse, searchCannedResponses } from './composer.api';

const DEBOUNCE_MS = 120;
const PREVIEW_CHARS = 90;

interface Results {
  query: string;
  items: CannedResponse[];
  loading: boolean;
  error: string | null;
}

/** The "/" suggestions: follows the caret, searches the API (debounced), and keeps the highlighted option. */
export function useCannedSuggestions(accountId: number) {
  const [trigger, setTrigger] = useState<CannedTrigger | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [results, setResults] = useState<Results>({ query: '', items: [], loading: false, error: null });
  const [active, setActive] = useState(0);
  const query = trigger?.query;

  useEffect(() => {
    if (query === undefined) return;
    let stale = false;
    setResults((current) => ({ ...current, loading: true, error: null }));
    const timer = setTimeout(() => {
      searchCannedResponses(accountId, query)
        .then((items) => {
          if (!stale) setResults({ query, items, loading: false, error: null });
        })
        .catch((error: unknown) => {
          if (!stale)
            setResults({ query, items: [], loading: false, error: error instanceof ApiError ? error.message : null });
        });
    }, DEBOUNCE_MS);
    setActive(0);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [accountId, query]);

  /** Call on every change of text or caret. */
  const update = useCallback(
    (text: string, caret: number) => {
      const next = cannedTrigger(text, caret);
      const signature = next ? `${next.start}:${next.query}` : null;
      setTrigger(next && signature !== dismissed ? next : null);
      if (!next) setDismissed(null);
    },
    [dismissed],
  );

  const close = useCallback(() => {
    if (trigger) setDismissed(`${trigger.start}:${trigger.query}`);
    setTrigger(null);
  }, [trigger]);

  const open = trigger !== null;
  const items = open ? results.items : [];
  return {
    open,
    trigger,
    items,
    loading: open && results.loading,
    error: open ? results.error : null,
    active: Math.min(active, Math.max(0, items.length - 1)),
    move(delta: number) {
      if (items.length > 0) setActive((current) => (current + delta + items.length) % items.length);
    },
    setActive,
    update,
    close,
    reset: () => setTrigger(null),
  };
}

const preview = (content: string) =>
  content.length > PREVIEW_CHARS ? `${content.slice(0, PREVIEW_CHARS).trimEnd()}…` : content;

/** The listbox under the textbox; options are chosen with the keyboard (in the textbox) or the mouse. */
export function CannedSuggestions({
  id,
  label,
  hint,
  loadingText,
  emptyText,
  items,
  loading,
  error,
  active,
  onHover,
  onChoose,
}: {
  id: string;
  label: string;
  hint: string;
  loadingText: string;
  emptyText: string;
  items: CannedResponse[];
  loading: boolean;
  error: string | null;
  active: number;
  onHover(index: number): void;
  onChoose(item: CannedResponse): void;
}) {
  return (
    <div className="composer-popover canned-popover">
      <p className="canned-title">
        <span>{label}</span>
        <span className="muted">{hint}</span>
      </p>
      {items.length > 0 && (
        <div id={id} role="listbox" aria-label={label} className="canned-list">
          {items.map((item, index) => (
            <div
              key={item.id}
              tabIndex={-1}
              id={`${id}-${index}`}
              role="option"
              aria-selected={index === active}
              onMouseEnter={() => onHover(index)}
              // mousedown, not click: the textbox keeps focus (and its caret)
              onMouseDown={(event) => {
                event.preventDefault();
                onChoose(item);
              }}
            >
              <strong>/{item.short_code}</strong>
              <span className="canned-preview">{preview(item.content)}</span>
            </div>
          ))}
        </div>
      )}
      {items.length === 0 && (
        <p className="canned-status" role="status">
          {loading ? loadingText : (error ?? emptyText)}
        </p>
      )}
    </div>
  );
}
