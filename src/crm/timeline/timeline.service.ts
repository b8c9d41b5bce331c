import type { Db } from '../../db/client.js';
import type { InboxScope } from '../../inbox/inbox-access.js';
import { requireContact } from '../pipeline/references.js';
import { type TimelineKey, timelineKeys } from './timeline.repo.js';
import { encodeCursor, type TimelineCursor, type TimelineKind } from './timeline-cursor.js';
import { timelineDetails } from './timeline-details.js';

const ref = (id: number | null, name: string | null) => (id !== null && name !== null ? { id, name } : null);
const isoOrNull = (date: Date | null) => (date ? new Date(date).toISOString() : null);

/**
 * One timeline per person: conversations, events, assignments, deals and their moves, activities, notes
 * and the automated notifications sent (or not) to them.
 */
export function createTimelineService(deps: { db: Db }) {
  const { db } = deps;

  /** Every entry of the page with what it shows, by kind and id. */
  async function details(accountId: number, keys: TimelineKey[]) {
    const ids = (kind: TimelineKind) => keys.filter((key) => key.kind === kind).map((key) => key.id);
    const [conversations, events, assignments, deals, moves, activities, notes, notifications] = await Promise.all([
      timelineDetails.conversations(db, accountId, ids('conversation')),
      timelineDetails.events(db, accountId, ids('event')),
      timelineDetails.assignments(db, accountId, ids('assignment')),
      timelineDetails.deals(db, accountId, ids('deal')),
      timelineDetails.stageChanges(db, accountId, ids('deal_stage')),
      timelineDetails.activities(db, accountId, ids('activity')),
      timelineDetails.notes(db, accountId, ids('note')),
      timelineDetails.notifications(db, accountId, ids('notification')),
    ]);
    const byKind = new Map<string, Record<string, unknown>>();
    const put = (kind: TimelineKind, id: number, entry: Record<string, unknown>) => byKind.set(`${kind}:${id}`, entry);
    for (const c of conversations) {
      put('conversation', c.id, {
        ...c,
        first_message_at: isoOrNull(c.first_message_at),
        last_message_at: isoOrNull(c.last_message_at),
      });
    }
    for (const e of events) {
      put('event', e.id, { ...e, starts_at: isoOrNull(e.starts_at), ends_at: isoOrNull(e.ends_at) });
    }
    for (const a of assignments) {
      put('assignment', a.id, { ...a, starts_at: isoOrNull(a.starts_at), ends_at: isoOrNull(a.ends_at) });
    }
    for (const d of deals) {
      put('deal', d.id, {
        id: d.id,
        title: d.title,
        status: d.status,
        value_cents: d.value_cents,
        stage: { id: d.stage_id, name: d.stage_name },
      });
    }
    for (const s of moves) {
      put('deal_stage', s.id, {
        id: s.id,
        deal_id: s.deal_id,
        deal_title: s.deal_title,
        from_stage: ref(s.from_stage_id, s.from_stage_name),
        to_stage: ref(s.to_stage_id, s.to_stage_name),
        user: ref(s.user_id, s.user_name),
      });
    }
    for (const t of activities) {
      put('activity', t.id, {
        id: t.id,
        activity_kind: t.kind,
        title: t.title,
        due_at: isoOrNull(t.due_at),
        done: t.done_at !== null,
        done_at: isoOrNull(t.done_at),
        deal_id: t.deal_id,
        event_id: t.event_id,
        assignee: ref(t.assignee_id, t.assignee_name),
      });
    }
    for (const n of notes) put('note', n.id, { id: n.id, content: n.content, user: ref(n.user_id, n.user_name) });
    for (const n of notifications) {
      put('notification', n.id, {
        id: n.id,
        notification_kind: n.kind,
        category: n.category,
        status: n.status,
        channel: n.channel,
        reason: n.reason,
        error_code: n.error_code,
        event_id: n.event_id,
        broadcast_id: n.broadcast_id,
        template: ref(n.template_id, n.template_name),
        due_at: isoOrNull(n.due_at),
        sent_at: isoOrNull(n.sent_at),
      });
    }
    return byKind;
  }

  return {
    /** A page of the timeline, newest first; `nextBefore` continues it (null at the end). */
    async page(q: {
      accountId: number;
      contactId: number;
      scope: InboxScope;
      before: TimelineCursor | null;
      limit: number;
    }) {
      await requireContact(db, q.accountId, q.contactId, 'id');
      // One more than asked: whether another page exists.
      const keys = await timelineKeys(db, { ...q, limit: q.limit + 1 });
      const page = keys.slice(0, q.limit);
      const found = await details(q.accountId, page);
      const entries = page.flatMap((key) => {
        const entry = found.get(`${key.kind}:${key.id}`);
        // Deleted between the two reads: skipped, the cursor still moves past it.
        return entry ? [{ kind: key.kind, at: key.at.toISOString(), ...entry }] : [];
      });
      const last = page.at(-1);
      return {
        entries,
        nextBefore: keys.length > q.limit && last ? encodeCursor(last.at_key, last.kind, last.id) : null,
      };
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
