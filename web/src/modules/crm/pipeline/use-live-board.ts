import { useEffect, useRef } from 'react';
import { type StreamStatus, useAccountEvents } from '../../../shared/realtime';

/** What the API announces after a deal's change commits (src/crm/deals/deals.service.ts). */
export const DEAL_EVENTS = ['deal.created', 'deal.updated', 'deal.deleted'] as const;

/** Changes arriving together (a burst of moves) cause one refetch, this long after the last. */
const SETTLE_MS = 250;

/**
 * Keeps the kanban live: any deal change in the account (another person's, or this tab's own echo)
 * fetches the board again, quietly — totals per stage and the cards shown come from the API, so a
 * refetch is always right where patching a partial column could drift. A stream gap (resync) does too.
 */
export function useLiveBoard(accountId: number, refresh: () => void): StreamStatus {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => () => clearTimeout(timer.current), []);

  const schedule = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), SETTLE_MS);
  };
  // The stream delivers only the names asked for: every event here is a deal change.
  return useAccountEvents(accountId, schedule, schedule, DEAL_EVENTS);
}
