import { z } from 'zod';
import type { Inbox } from '../../db/schema.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob, RetryLaterError } from '../../jobs/job-definition.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { Clock } from '../../shared/clock.js';
import type { TemplateSync } from './template-sync.js';

export const SyncTemplatesSchema = z.object({ inboxId: z.number().int().positive() });

const DAY_MS = 24 * 60 * 60 * 1000;
// Processes started within the same window share one start-up sync per inbox.
const STARTUP_WINDOW_MS = 15 * 60 * 1000;

/** When template syncs run: once at start, then every ~24 h per inbox; job keys keep each run single. */
export function createTemplateSyncSchedule(deps: { jobs: JobSystem; inboxes: InboxesRepo; clock: Clock }) {
  return {
    /** One sync per WhatsApp inbox, whichever of several starting processes gets there first. */
    async enqueueAtStartup(): Promise<number> {
      const window = Math.floor(deps.clock.now().getTime() / STARTUP_WINDOW_MS);
      const inboxes = await deps.inboxes.listWhatsApp();
      return deps.jobs.enqueueMany(
        inboxes.map((inbox) => ({
          name: 'whatsapp.sync_templates' as const,
          payload: { inboxId: inbox.id },
          options: { key: `templates:${inbox.id}:start:${window}`, accountId: inbox.account_id },
        })),
      );
    },

    /** A sync right away: a new inbox, or new credentials, should not wait for the daily run. */
    async syncSoon(inbox: Pick<Inbox, 'id' | 'account_id' | 'updated_at'>): Promise<void> {
      await deps.jobs.enqueue(
        'whatsapp.sync_templates',
        { inboxId: inbox.id },
        { key: `templates:${inbox.id}:changed:${inbox.updated_at.getTime()}`, accountId: inbox.account_id },
      );
    },

    /** The next daily run, keyed by inbox and day: however many runs ask, one is scheduled per day. */
    async scheduleNext(inbox: Pick<Inbox, 'id' | 'account_id'>): Promise<void> {
      const runAt = new Date(deps.clock.now().getTime() + DAY_MS);
      await deps.jobs.enqueue(
        'whatsapp.sync_templates',
        { inboxId: inbox.id },
        { runAt, key: `templates:${inbox.id}:daily:${runAt.toISOString().slice(0, 10)}`, accountId: inbox.account_id },
      );
    },
  };
}

export type TemplateSyncSchedule = ReturnType<typeof createTemplateSyncSchedule>;

/**
 * Syncs one inbox's templates from Meta and schedules the next day's run. Temporary Graph failures
 * (network, 5xx, throttling) retry with backoff; permanent ones (e.g. 190) are recorded on the inbox.
 */
export function createSyncTemplatesJob(deps: {
  inboxes: InboxesRepo;
  sync: TemplateSync;
  schedule: TemplateSyncSchedule;
}) {
  return defineJob({
    name: 'whatsapp.sync_templates',
    queue: 'whatsapp',
    schema: SyncTemplatesSchema,
    maxAttempts: 8,
    timeoutMs: 120_000,
    backoff: { baseMs: 60_000, maxMs: 60 * 60 * 1000 },
    async handler({ inboxId }, context) {
      const inbox = await deps.inboxes.findById(inboxId);
      if (inbox?.channel_type !== 'whatsapp_cloud') return 'skipped';
      await deps.schedule.scheduleNext(inbox);
      const result = await deps.sync.syncInbox(inbox);
      if (result.ok) {
        context.logger.info({ inboxId, count: result.count }, 'WhatsApp templates synced');
        return 'done';
      }
      if (result.retryable && context.attempt < context.maxAttempts) {
        if (result.retryAfterMs) throw new RetryLaterError(result.error.message, result.retryAfterMs);
        throw result.error;
      }
      context.logger.warn({ inboxId, reason: result.reason }, 'WhatsApp templates not synced');
      return 'done';
    },
  });
}
