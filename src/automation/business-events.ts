import { z } from 'zod';
import type { TxContext } from '../db/transaction.js';
import { defineJob, type JobContext } from '../jobs/job-definition.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { Clock } from '../shared/clock.js';

/**
 * Something that happened in the business (an event booked or moved, an offer answered, a message
 * received…) that other features react to: notification rules, dispatch, automation rules, outgoing
 * webhooks. Unlike the realtime bus it is durable: `record` writes one job per interested listener in
 * the same transaction as the change, so a reaction is never lost to a crash and never runs for a
 * change that rolled back.
 */
export interface BusinessEvent {
  /** e.g. event.created, event.rescheduled, assignment.accepted, offer.expired, message.incoming */
  name: string;
  accountId: number;
  data: Record<string, unknown>;
  /** ISO time the change happened (the clock's now at record time). */
  at: string;
}

export interface BusinessEventListener {
  /** Stable id: it is stored in the job payload. */
  id: string;
  /** Cheap, synchronous: whether this listener wants a job for the event at all. */
  wants(event: BusinessEvent): boolean;
  /** Runs in a job, retried on error: must be idempotent (deterministic keys, status checks). */
  handle(event: BusinessEvent, context: JobContext): Promise<void>;
}

const EventSchema = z.object({
  name: z.string().min(1),
  accountId: z.number().int().positive(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});

export function createBusinessEvents(deps: { jobs: JobSystem; clock: Clock }) {
  const listeners = new Map<string, BusinessEventListener>();

  return {
    register(listener: BusinessEventListener) {
      if (listeners.has(listener.id)) throw new Error(`Business event listener ${listener.id} registered twice`);
      listeners.set(listener.id, listener);
    },

    /**
     * Records the event inside `tx`: a job per interested listener, pushed after commit. `key` (e.g.
     * `event:42:rescheduled:1732950000000`) makes recording twice for the same change a no-op.
     */
    async record(tx: TxContext, event: Omit<BusinessEvent, 'at'>, key?: string): Promise<void> {
      const stamped: BusinessEvent = { ...event, at: deps.clock.now().toISOString() };
      const items = [...listeners.values()]
        .filter((listener) => listener.wants(stamped))
        .map((listener) => ({
          name: 'business_events.handle' as const,
          payload: { listener: listener.id, event: stamped },
          options: { accountId: event.accountId, ...(key ? { key: `be:${key}:${listener.id}` } : {}) },
        }));
      if (items.length > 0) await deps.jobs.enqueueMany(items, tx);
    },

    job: defineJob({
      name: 'business_events.handle',
      schema: z.object({ listener: z.string(), event: EventSchema }),
      handler: async ({ listener, event }, context) => {
        const target = listeners.get(listener);
        if (!target) {
          context.logger.warn({ listener, event: event.name }, 'No listener for a recorded business event');
          return 'skipped';
        }
        await target.handle(event, context);
        return 'done';
      },
    }),
  };
}

export type BusinessEvents = ReturnType<typeof createBusinessEvents>;
