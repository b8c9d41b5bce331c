import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { Inbox } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { lockSenders, senderLockKey } from '../../inbox/contact-resolution.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import type { JobOutcome } from '../../jobs/job-definition.js';
import type { Metrics } from '../../shared/metrics.js';
import { parseJsonWithoutNul } from '../../shared/text.js';
import { type BatchEvent, storedWamidKey, type WhatsAppInboundService } from './inbound.service.js';
import { rawWebhooksRepo } from './raw-webhooks.repo.js';
import { WebhookEnvelopeSchema } from './webhook-envelope.js';
import { extractEvents, type InboundEvent } from './webhook-events.js';

interface Waiting {
  id: number;
  resolve: (outcome: JobOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * One batch at a time: concurrent batches share senders (a busy inbox's people write again and again), so
 * they mostly waited on each other's sender locks while holding connections; jobs that arrive meanwhile
 * make the next batch bigger, and a bigger batch costs less per webhook (one commit, one of each lookup).
 */
const MAX_IN_FLIGHT = 1;
/**
 * Webhooks per batch while deliveries are arriving, unless told otherwise (`maxBatch`). Not more: a batch's
 * parsed payloads, rows and events are alive across the young-generation collections that run meanwhile,
 * which copy them; with 250 the collections paused the server ~8 ms each (~0.9 s in 9 s of a burst), with
 * 100 ~7 ms (~0.65 s), and acks came back sooner (p99 43–54 ms against 50–62 in interleaved runs).
 */
const DEFAULT_MAX_BATCH = 100;
/**
 * Webhooks per batch once no new delivery has come for ARRIVING_MS: a backlog left by a burst is worked off
 * in bigger batches, which cost less per webhook, since no acknowledgement waits behind them. A delivery is
 * new when its raw webhook id is above every id seen so far (ids follow the order they were stored in; a
 * job fetched late from the queue names older ones).
 */
const CATCH_UP_BATCH = 250;
const ARRIVING_MS = 100;

interface Routed {
  rawWebhookId: number;
  receivedAt: Date;
  events: Array<{ event: InboundEvent; inbox: Inbox | null; index: number }>;
}

/** Who an event is from (or to, for an echo), when it touches a contact. */
function senderOf(event: InboundEvent) {
  if (event.kind === 'message' || event.kind === 'reaction') return event.contact;
  if (event.kind === 'echo') return { waId: event.to, userId: event.toUserId };
  return null;
}

/**
 * Processes stored webhooks by group commit, like the intake stores them: jobs that start while earlier
 * batches are running wait and go together, in one transaction (one commit, one lock statement, one look
 * for redelivered wamids, one "processed" mark). Events apply in webhook-id order, so a sender's messages
 * keep their order within a batch; all senders of a batch are locked up front, in one fixed order, so
 * concurrent batches never deadlock on each other. When a batch fails, each webhook is retried on its own,
 * so one bad payload fails only itself (and the job that names it).
 */
export function createWebhookProcessor(deps: {
  db: Db;
  inboxes: InboxesRepo;
  inbound: WhatsAppInboundService;
  metrics: Metrics;
  maxBatch?: number;
  /** Webhooks per batch once deliveries have stopped (at least maxBatch). */
  catchUpBatch?: number;
}) {
  const maxBatch = deps.maxBatch ?? DEFAULT_MAX_BATCH;
  const catchUpBatch = Math.max(maxBatch, deps.catchUpBatch ?? CATCH_UP_BATCH);
  let newestId = 0;
  let lastArrival = 0;
  let waiting: Waiting[] = [];
  let inFlight = 0;
  const counted = (outcome: JobOutcome | 'failed', count = 1) =>
    deps.metrics.webhooksProcessed.inc({ provider: 'whatsapp', outcome }, count);

  /** Reads and routes the webhooks (outside the transaction: PGlite has one connection, which it holds). */
  async function route(ids: number[]): Promise<{ routed: Routed[]; failed: Map<number, unknown> }> {
    const raws = await rawWebhooksRepo.findMany(deps.db, ids);
    const failed = new Map<number, unknown>();
    const parsed = raws.flatMap((raw) => {
      try {
        const envelope = WebhookEnvelopeSchema.parse(parseJsonWithoutNul(raw.body));
        return [{ raw, events: extractEvents(envelope) }];
      } catch (error) {
        failed.set(raw.id, error);
        return [];
      }
    });
    const fallbackIds = [...new Set(parsed.flatMap(({ raw }) => (raw.inbox_id === null ? [] : [raw.inbox_id])))];
    const fallbacks = new Map(
      (await Promise.all(fallbackIds.map((id) => deps.inboxes.findById(id)))).flatMap((inbox) =>
        inbox ? [[inbox.id, inbox] as const] : [],
      ),
    );
    const byNumber = await deps.inbound.inboxesByPhoneNumberId(
      parsed.flatMap(({ events }) => events.flatMap((event) => event.metadata.phoneNumberId ?? [])),
    );
    const routed = parsed.map(({ raw, events }) => {
      const fallback = raw.inbox_id === null ? null : (fallbacks.get(raw.inbox_id) ?? null);
      return {
        rawWebhookId: raw.id,
        receivedAt: raw.received_at,
        events: events.map((event, index) => ({
          event,
          inbox: deps.inbound.inboxOf(event, byNumber, fallback),
          index,
        })),
      };
    });
    return { routed, failed };
  }

  async function processTogether(ids: number[]): Promise<Map<number, JobOutcome | { error: unknown }>> {
    const { routed, failed } = await route(ids);
    const routedEvents = routed.flatMap((webhook) => webhook.events);
    const senderKeys = routedEvents.flatMap(({ event, inbox }) => {
      const sender = inbox ? senderOf(event) : null;
      const key = inbox && sender ? senderLockKey(inbox.account_id, sender) : null;
      return key ? [key] : [];
    });
    const wamidsByInbox = new Map<number, string[]>();
    for (const { event, inbox } of routedEvents) {
      const wamid = event.kind === 'message' ? event.message.wamid : event.kind === 'echo' ? event.message.wamid : '';
      if (inbox && wamid) wamidsByInbox.set(inbox.id, [...(wamidsByInbox.get(inbox.id) ?? []), wamid]);
    }

    await inTransaction(deps.db, async (tx) => {
      // Everything here derives from raw webhooks already committed durably: a crash may lose the last
      // few milliseconds of it, and those webhooks are then processed again (ADR 0008).
      await sql`SET LOCAL synchronous_commit = off`.execute(tx.trx);
      await lockSenders(tx.trx, senderKeys);
      const storedWamids = new Set<string>();
      for (const [inboxId, wamids] of wamidsByInbox) {
        for (const wamid of await messagesRepo.storedSources(tx.trx, inboxId, wamids)) {
          storedWamids.add(storedWamidKey(inboxId, wamid));
        }
      }
      const outcomes = new Map<string | null, number[]>();
      const batch: BatchEvent[] = [];
      const agentAvailable = new Map<number, boolean>();
      for (const webhook of routed) {
        let unrouted = 0;
        for (const { event, inbox, index } of webhook.events) {
          if (!inbox) {
            unrouted++;
            continue;
          }
          const context = {
            rawWebhookId: webhook.rawWebhookId,
            eventKey: `${webhook.rawWebhookId}:${index}`,
            receivedAt: webhook.receivedAt,
            storedWamids,
            sendersLocked: true,
            agentAvailable,
          };
          batch.push({ inbox, event, context });
        }
        const error = unrouted > 0 ? `${unrouted} event(s) for a number no inbox owns` : null;
        outcomes.set(error, [...(outcomes.get(error) ?? []), webhook.rawWebhookId]);
      }
      await deps.inbound.applyMany(tx, batch, storedWamids);
      for (const [error, marked] of outcomes) await rawWebhooksRepo.markProcessed(tx.trx, marked, error);
    });

    const processed = new Set(routed.map((webhook) => webhook.rawWebhookId));
    return new Map<number, JobOutcome | { error: unknown }>(
      ids.map((id) => {
        if (failed.has(id)) return [id, { error: failed.get(id) }];
        // Gone (deleted with its inbox, or never there): nothing to do.
        return [id, processed.has(id) ? 'done' : 'skipped'];
      }),
    );
  }

  async function run(batch: Waiting[]): Promise<void> {
    try {
      const results = await processTogether(batch.map((entry) => entry.id));
      for (const entry of batch) {
        const result = results.get(entry.id) ?? 'skipped';
        counted(typeof result === 'string' ? result : 'failed');
        if (typeof result === 'string') entry.resolve(result);
        else entry.reject(result.error);
      }
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        counted('failed', batch.length);
        for (const entry of batch) entry.reject(error);
        return;
      }
      // One webhook the database (or the code) refuses must not fail the ones it happened to run with.
      for (const entry of batch) await run([entry]);
    }
  }

  function drain(): void {
    while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
      const size = performance.now() - lastArrival < ARRIVING_MS ? maxBatch : catchUpBatch;
      // In id order: the order Meta's deliveries were stored in, which is each sender's order.
      const batch = waiting.slice(0, size).sort((a, b) => a.id - b.id);
      waiting = waiting.slice(size);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        drain();
      });
    }
  }

  return {
    /** Resolves once the webhook's events are committed ('skipped' when the row is gone). */
    process(rawWebhookId: number): Promise<JobOutcome> {
      if (rawWebhookId > newestId) {
        newestId = rawWebhookId;
        lastArrival = performance.now();
      }
      return new Promise<JobOutcome>((resolve, reject) => {
        waiting.push({ id: rawWebhookId, resolve, reject });
        // Let the jobs started in this turn of the event loop join the batch.
        if (waiting.length === 1) setImmediate(drain);
      });
    },
  };
}
