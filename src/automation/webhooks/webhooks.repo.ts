import { type Kysely, sql } from 'kysely';
import type { Database, WebhookDeliveryStatus } from '../../db/schema.js';
import { mentionsAnyOf } from '../../db/sql-arrays.js';

type Executor = Kysely<Database>;

export const DELIVERIES_PER_PAGE = 25;
/** What of the receiver's answer is kept on the delivery row (enough to see an error page's gist). */
export const RESPONSE_EXCERPT_CHARS = 500;

export interface NewWebhook {
  accountId: number;
  inboxId: number | null;
  name: string;
  url: string;
  subscriptions: string[];
  sealedSecret: string;
}

export interface WebhookChanges {
  inboxId?: number | null;
  name?: string;
  url?: string;
  subscriptions?: string[];
}

export interface NewDelivery {
  accountId: number;
  webhookId: number;
  event: string;
  dedupeKey: string;
  deliveryId: string;
  payload: string;
}

export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

// Arrays go in as one text[] literal, which node-postgres and PGlite both bind the same way.
const textArray = (values: string[]) => sql<string[]>`${values}::text[]`;

export const webhooksRepo = {
  list(db: Executor, accountId: number) {
    return db.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  },

  find(db: Executor, accountId: number, id: number) {
    return db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  async urlTaken(db: Executor, accountId: number, url: string, exceptId?: number): Promise<boolean> {
    let query = db.selectFrom('webhooks').select('id').where('account_id', '=', accountId).where('url', '=', url);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    return (await query.executeTakeFirst()) !== undefined;
  },

  insert(db: Executor, values: NewWebhook) {
    return db
      .insertInto('webhooks')
      .values({
        account_id: values.accountId,
        inbox_id: values.inboxId,
        name: values.name,
        url: values.url,
        subscriptions: textArray(values.subscriptions),
        secret: values.sealedSecret,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  update(db: Executor, accountId: number, id: number, changes: WebhookChanges) {
    return db
      .updateTable('webhooks')
      .set({
        ...(changes.inboxId !== undefined ? { inbox_id: changes.inboxId } : {}),
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.subscriptions !== undefined ? { subscriptions: textArray(changes.subscriptions) } : {}),
        updated_at: sql`now()`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  async remove(db: Executor, accountId: number, id: number): Promise<boolean> {
    const deleted = await db
      .deleteFrom('webhooks')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  },

  /** The account's webhooks subscribed to a Chatwoot event name. */
  /** Every webhook of an account with what it subscribes to (the dispatcher caches this briefly). */
  subscriptionsOf(db: Executor, accountId: number) {
    return db
      .selectFrom('webhooks')
      .select(['id', 'inbox_id', 'subscriptions'])
      .where('account_id', '=', accountId)
      .execute();
  },

  subscribedTo(db: Executor, accountId: number, event: string) {
    return db
      .selectFrom('webhooks')
      .select(['id', 'inbox_id'])
      .where('account_id', '=', accountId)
      .where(sql<boolean>`${event} = ANY(subscriptions)`)
      .execute();
  },

  /** Inserts deliveries; one already recorded for the same webhook and dedupe key is skipped. */
  insertDeliveries(db: Executor, rows: NewDelivery[]) {
    if (rows.length === 0) return Promise.resolve([]);
    return db
      .insertInto('webhook_deliveries')
      .values(
        rows.map((row) => ({
          account_id: row.accountId,
          webhook_id: row.webhookId,
          event: row.event,
          dedupe_key: row.dedupeKey,
          delivery_id: row.deliveryId,
          payload: row.payload,
        })),
      )
      .onConflict((conflict) => conflict.columns(['webhook_id', 'dedupe_key']).doNothing())
      .returning(['id', 'account_id', 'webhook_id'])
      .execute();
  },

  listDeliveries(db: Executor, accountId: number, webhookId: number, page: number) {
    return db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .orderBy('id', 'desc')
      .limit(DELIVERIES_PER_PAGE)
      .offset((page - 1) * DELIVERIES_PER_PAGE)
      .execute();
  },

  findDelivery(db: Executor, accountId: number, webhookId: number, deliveryId: string) {
    return db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirst();
  },

  /** A failed delivery back to pending (for a redelivery); undefined when it is not failed. */
  reopenFailed(db: Executor, id: number) {
    return db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', error: null })
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .returningAll()
      .executeTakeFirst();
  },

  /** A pending delivery with where and how to send it (by row id: jobs start from our own rows). */
  pendingWithTarget(db: Executor, id: number) {
    return db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select([
        'webhook_deliveries.id',
        'webhook_deliveries.delivery_id',
        'webhook_deliveries.event',
        'webhook_deliveries.payload',
        'webhooks.url',
        'webhooks.secret',
      ])
      .where('webhook_deliveries.id', '=', id)
      .where('webhook_deliveries.status', '=', 'pending')
      .executeTakeFirst();
  },

  /** Records one attempt; a delivery that stopped being pending meanwhile is left alone. */
  async recordAttempt(db: Executor, id: number, outcome: AttemptOutcome): Promise<void> {
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        attempts: sql`attempts + 1`,
        response_status: outcome.responseStatus,
        response_body: outcome.responseBody?.slice(0, RESPONSE_EXCERPT_CHARS) ?? null,
        error: outcome.error,
        last_attempt_at: sql`now()`,
        delivered_at: outcome.status === 'delivered' ? sql`now()` : null,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  },
};

/** What privacy erasure and retention remove of the delivery log (settled rows only: pending ones still go out). */
export const webhookDeliveryErasure = {
  /** The account's settled deliveries whose payload names one of `needles` as a JSON string. */
  async deleteMentioning(db: Executor, accountId: number, needles: string[]): Promise<number> {
    if (needles.length === 0) return 0;
    const result = await db
      .deleteFrom('webhook_deliveries')
      .where('account_id', '=', accountId)
      .where('status', 'in', ['delivered', 'failed'])
      .where(mentionsAnyOf('payload', needles))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },

  /** Up to `limit` settled deliveries created before `before`, oldest first. */
  async pruneBefore(db: Executor, before: Date, limit: number): Promise<number> {
    const result = await db
      .deleteFrom('webhook_deliveries')
      .where(
        'id',
        'in',
        db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('created_at', '<', before)
          .where('status', 'in', ['delivered', 'failed'])
          .orderBy('id')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
