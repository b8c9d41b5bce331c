import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { AccountEvent, EventBus } from '../../realtime/event-bus.js';
import type { Logger } from '../../shared/logger.js';
import type { ChatwootWebhookEvent } from './webhook-events.js';
import type { WebhookData, WebhookPayloads } from './webhook-payloads.js';
import { webhooksRepo } from './webhooks.repo.js';

type Subject = 'message' | 'conversation' | 'contact';

/** Our event bus names → the webhook event and what the event's `data.id` points at. */
const FROM_BUS: Record<string, { event: ChatwootWebhookEvent; subject: Subject }> = {
  'message.created': { event: 'message_created', subject: 'message' },
  'message.updated': { event: 'message_updated', subject: 'message' },
  'conversation.created': { event: 'conversation_created', subject: 'conversation' },
  'conversation.updated': { event: 'conversation_updated', subject: 'conversation' },
  'conversation.status_changed': { event: 'conversation_status_changed', subject: 'conversation' },
  'contact.created': { event: 'contact_created', subject: 'contact' },
  'contact.updated': { event: 'contact_updated', subject: 'contact' },
};

const SUBSCRIPTIONS_TTL_MS = 2_000;

const CREATION_EVENTS = new Set<ChatwootWebhookEvent>(['message_created', 'conversation_created', 'contact_created']);
const WITH_CHANGED_ATTRIBUTES = new Set<ChatwootWebhookEvent>([
  'conversation_updated',
  'conversation_status_changed',
  'contact_updated',
]);

/**
 * One key per thing that happened: a creation happens once per row, whoever reports it; an update is
 * one published event (its id is unique across processes), so real changes are never merged.
 */
export function dedupeKey(
  event: ChatwootWebhookEvent,
  subject: Subject,
  id: number,
  eventId: string | undefined,
): string {
  const base = `${event}:${subject}:${id}`;
  return CREATION_EVENTS.has(event) ? base : `${base}:${eventId ?? randomUUID()}`;
}

/**
 * Turns the events this process publishes into webhook deliveries: a row per subscribed webhook and
 * its job, committed together. Only the publishing process dispatches (the bus's onPublish hook), and
 * the unique (webhook_id, dedupe_key) makes a repeated dispatch harmless.
 */
export function createWebhookDispatcher(deps: {
  db: Db;
  jobs: JobSystem;
  events: EventBus;
  payloads: WebhookPayloads;
  logger: Logger;
}) {
  const logger = deps.logger.child({ component: 'webhooks' });
  const inFlight = new Set<Promise<unknown>>();
  // Every published event asks who subscribes: under load that was a query per message. The answer is
  // kept per account for a couple of seconds (a new webhook starts receiving within that time).
  const subscriptions = new Map<number, { until: number; rows: ReturnType<typeof webhooksRepo.subscriptionsOf> }>();
  const subscribersOf = async (accountId: number, event: string) => {
    const now = Date.now();
    let cached = subscriptions.get(accountId);
    if (!cached || cached.until < now) {
      cached = { until: now + SUBSCRIPTIONS_TTL_MS, rows: webhooksRepo.subscriptionsOf(deps.db, accountId) };
      subscriptions.set(accountId, cached);
      cached.rows.catch(() => subscriptions.delete(accountId));
    }
    return (await cached.rows).filter((webhook) => webhook.subscriptions.includes(event));
  };
  let unsubscribe: (() => void) | null = null;

  function build(subject: Subject, accountId: number, id: number): Promise<WebhookData | null> {
    if (subject === 'message') return deps.payloads.messageData(accountId, id);
    if (subject === 'conversation') return deps.payloads.conversationData(accountId, id);
    return deps.payloads.contactData(accountId, id);
  }

  /** Records and enqueues the deliveries of one event; returns how many were created. */
  async function dispatch(published: AccountEvent): Promise<number> {
    const route = FROM_BUS[published.name];
    const id = Number(published.data.id);
    if (!route || !Number.isSafeInteger(id) || id <= 0) return 0;
    const subscribers = await subscribersOf(published.accountId, route.event);
    if (subscribers.length === 0) return 0;
    const built = await build(route.subject, published.accountId, id);
    if (!built) return 0;
    const targets = subscribers.filter((webhook) => webhook.inbox_id === null || webhook.inbox_id === built.inboxId);
    if (targets.length === 0) return 0;
    const payload = JSON.stringify({
      ...built.data,
      event: route.event,
      ...(WITH_CHANGED_ATTRIBUTES.has(route.event)
        ? { changed_attributes: published.data.changed_attributes ?? null }
        : {}),
    });
    const key = dedupeKey(route.event, route.subject, id, published.id);
    return inTransaction(deps.db, (tx) =>
      recordDeliveries(tx, deps.jobs, {
        accountId: published.accountId,
        webhookIds: targets.map((webhook) => webhook.id),
        event: route.event,
        dedupeKey: key,
        payload,
      }),
    );
  }

  return {
    dispatch,

    /** Forgets an account's cached subscriptions (its webhooks changed in this process). */
    forget(accountId: number) {
      subscriptions.delete(accountId);
    },

    start() {
      unsubscribe ??= deps.events.onPublish((event) => {
        const running = dispatch(event)
          .catch((error) =>
            logger.error({ err: error, event: event.name, eventId: event.id }, 'Webhook dispatch failed'),
          )
          .finally(() => inFlight.delete(running));
        inFlight.add(running);
      });
    },

    /** Stops listening and waits for dispatches already started (their rows commit before the database closes). */
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

/**
 * A delivery row per webhook and its job, in `tx`; one already recorded for the same webhook and
 * dedupe key is skipped. Returns how many were created.
 */
export async function recordDeliveries(
  tx: TxContext,
  jobs: JobSystem,
  values: { accountId: number; webhookIds: number[]; event: string; dedupeKey: string; payload: string },
): Promise<number> {
  const inserted = await webhooksRepo.insertDeliveries(
    tx.trx,
    values.webhookIds.map((webhookId) => ({
      accountId: values.accountId,
      webhookId,
      event: values.event,
      dedupeKey: values.dedupeKey,
      deliveryId: randomUUID(),
      payload: values.payload,
    })),
  );
  await jobs.enqueueMany(
    inserted.map((row) => ({
      name: 'webhooks.deliver' as const,
      payload: { deliveryId: row.id },
      options: { key: deliveryJobKey(row.id, 0), accountId: row.account_id },
    })),
    tx,
  );
  return inserted.length;
}

/** The job key of a delivery's n-th round (0 = the first; each redelivery starts a new one). */
export const deliveryJobKey = (deliveryRowId: number, round: number) =>
  round === 0 ? `webhook-delivery:${deliveryRowId}` : `webhook-delivery:${deliveryRowId}:redelivery-${round}`;
