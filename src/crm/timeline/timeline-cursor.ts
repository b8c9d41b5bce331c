/**
 * Timeline entries are ordered newest first by (at, kind, id), so entries written in the same instant
 * (a deal and its first task, say) still page without gaps or repeats. A cursor carries all three, with
 * `at` to the microsecond (PostgreSQL's precision; a millisecond cursor would skip entries).
 */
export const TIMELINE_KINDS = [
  'conversation',
  'event',
  'assignment',
  'deal',
  'deal_stage',
  'activity',
  'note',
  'notification',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Ties break by this rank; the order itself only has to be fixed. */
export const KIND_RANK: Record<TimelineKind, number> = {
  conversation: 1,
  event: 2,
  assignment: 3,
  deal: 4,
  deal_stage: 5,
  activity: 6,
  note: 7,
  notification: 8,
};

export interface TimelineCursor {
  /** ISO 8601, possibly with microseconds. */
  at: string;
  rank: number;
  id: number;
}

const SEPARATOR = '~';
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function encodeCursor(atMicros: string, kind: TimelineKind, id: number): string {
  return [atMicros, kind, id].join(SEPARATOR);
}

/**
 * `before` is either a plain ISO instant (entries strictly older) or a `next_before` this API returned.
 * Returns null when it is neither.
 */
export function parseBefore(before: string): TimelineCursor | null {
  const [at, kind, id, ...rest] = before.split(SEPARATOR);
  if (!at || !ISO_WITH_OFFSET.test(at) || !isRealDay(at) || Number.isNaN(Date.parse(at)) || rest.length > 0) {
    return null;
  }
  if (kind === undefined && id === undefined) return { at, rank: 0, id: 0 };
  const rank = KIND_RANK[kind as TimelineKind];
  if (!rank || !id || !/^\d{1,15}$/.test(id)) return null;
  return { at, rank, id: Number(id) };
}

/** 2025-02-30 passes a pattern but not PostgreSQL: check the day exists. */
function isRealDay(at: string): boolean {
  const [year, month, day] = at.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
