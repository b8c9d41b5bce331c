import { z } from 'zod';
import { defineJob } from '../jobs/job-definition.js';
import type { ConversationActions } from './conversation-actions.service.js';

const WakeSnoozedSchema = z.strictObject({
  conversationId: z.number().int().positive(),
  /** The snooze this wake-up belongs to: re-snoozing schedules another and makes this one stale. */
  until: z.iso.datetime({ offset: true }),
});

/** Runs when a snooze ends (a due-time job): the conversation opens again for the team. */
export function createWakeSnoozedJob(deps: { actions: ConversationActions }) {
  return defineJob({
    name: 'conversation.wake_snoozed',
    schema: WakeSnoozedSchema,
    async handler(payload) {
      const woken = await deps.actions.wakeSnoozed(payload.conversationId, new Date(payload.until));
      return woken ? 'done' : 'skipped';
    },
  });
}
