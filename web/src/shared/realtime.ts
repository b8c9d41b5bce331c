import { useEffect, useRef, useState } from 'react';

/** An account event as the SSE stream sends it (GET /api/v1/accounts/:id/realtime). */
export interface AccountEvent {
  event: string;
  account_id: number;
  data: Record<string, unknown>;
}

export type StreamStatus = 'connecting' | 'open' | 'reconnecting';

/** What the inbox listens to; other screens pass their own names (e.g. dispatch.updated on the event page). */
export const INBOX_EVENT_NAMES = [
  'message.created',
  'message.updated',
  'conversation.created',
  'conversation.updated',
  'conversation.status_changed',
  'contact.created',
  'contact.updated',
  'contact.deleted',
];

/**
 * Subscribes to the account's realtime stream. EventSource reconnects by itself and sends
 * Last-Event-ID, so missed events are replayed; when the server cannot (`resync`), `onResync` runs and
 * the screen reloads its data from the API.
 */
export function useAccountEvents(
  accountId: number | null,
  onEvent: (event: AccountEvent) => void,
  onResync: () => void,
  eventNames: readonly string[] = INBOX_EVENT_NAMES,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  const names = eventNames.join(',');

  useEffect(() => {
    if (accountId === null) return;
    const source = new EventSource(`/api/v1/accounts/${accountId}/realtime`, { withCredentials: true });
    let everOpened = false;
    source.onopen = () => {
      // Back after a drop: anything older than the server's buffer is fetched again.
      if (everOpened) handlers.current.onResync();
      everOpened = true;
      setStatus('open');
    };
    source.onerror = () => setStatus('reconnecting');
    const listener = (message: MessageEvent<string>) => {
      try {
        handlers.current.onEvent(JSON.parse(message.data) as AccountEvent);
      } catch {
        // a malformed frame is ignored; the next resync repairs the view
      }
    };
    for (const name of names.split(',')) source.addEventListener(name, listener);
    source.addEventListener('resync', () => handlers.current.onResync());
    return () => source.close();
  }, [accountId, names]);

  return status;
}
