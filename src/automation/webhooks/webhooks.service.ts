import type { Selectable } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { JobSystem } from '../../jobs/job-system.js';
import { randomToken, type SecretBox } from '../../shared/crypto.js';
import { AppError, notFound } from '../../shared/errors.js';
import { deliveryJobKey } from './webhook-dispatcher.js';
import { CHATWOOT_WEBHOOK_EVENTS, WEBHOOK_EVENTS } from './webhook-events.js';
import { webhooksRepo } from './webhooks.repo.js';

type Webhook = Selectable<WebhooksTable>;
type Delivery = Selectable<WebhookDeliveriesTable>;

export interface WebhookInput {
  url?: string | undefined;
  subscriptions?: string[] | undefined;
  name?: string | null | undefined;
  inbox_id?: number | null | undefined;
}

export interface Actor {
  accountId: number;
  userId: number;
  ip: string;
}

// Chatwoot's default when a webhook is created without subscriptions: every event it can send. Santana's
// own events are opt-in, so a Chatwoot receiver set up this way gets only what it knows.
const DEFAULT_SUBSCRIPTIONS = CHATWOOT_WEBHOOK_EVENTS.filter((event) => !event.startsWith('conversation_typing'));
const URL_LIMIT = 2048;

function checkUrl(url: string): string {
  const trimmed = url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(trimmed);
  } catch {
    parsed = null;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || trimmed.length > URL_LIMIT) {
    throw new AppError('unprocessable', 'A URL do webhook deve ser um endereço http:// ou https:// válido.', [
      { field: 'url', message: 'URL http(s) inválida' },
    ]);
  }
  return trimmed;
}

function checkSubscriptions(subscriptions: string[]): string[] {
  const unknown = subscriptions.filter((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
  if (unknown.length > 0) {
    throw new AppError('unprocessable', `Evento(s) desconhecido(s): ${unknown.join(', ')}.`, [
      { field: 'subscriptions', message: `use: ${WEBHOOK_EVENTS.join(', ')}` },
    ]);
  }
  if (subscriptions.length === 0) {
    throw new AppError('unprocessable', 'Escolha ao menos um evento para o webhook.', [
      { field: 'subscriptions', message: 'vazio' },
    ]);
  }
  return [...new Set(subscriptions)];
}

/** The host only: a webhook URL often carries a token in its path, and the audit log is not for secrets. */
const hostOf = (url: string) => new URL(url).host;

/** Account webhooks (Chatwoot's): administrators manage them and see their delivery log. */
export function createWebhooksService(deps: {
  db: Db;
  box: SecretBox;
  jobs: JobSystem;
  audit: AuditRepo;
  /** Called after a webhook of the account changed (the dispatcher drops what it cached). */
  onChanged?: (accountId: number) => void;
}) {
  const { db } = deps;

  async function inboxNames(accountId: number): Promise<Map<number, string>> {
    const rows = await db.selectFrom('inboxes').select(['id', 'name']).where('account_id', '=', accountId).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async function checkInbox(accountId: number, inboxId: number | null | undefined) {
    if (inboxId === null || inboxId === undefined) return;
    const inbox = await db
      .selectFrom('inboxes')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', inboxId)
      .executeTakeFirst();
    if (!inbox)
      throw new AppError('unprocessable', 'Caixa de entrada não encontrada nesta conta.', [
        { field: 'inbox_id', message: 'desconhecida' },
      ]);
  }

  async function checkUrlFree(accountId: number, url: string, exceptId?: number) {
    if (await webhooksRepo.urlTaken(db, accountId, url, exceptId)) {
      throw new AppError('unprocessable', 'Já existe um webhook com esta URL nesta conta.', [
        { field: 'url', message: 'já cadastrada' },
      ]);
    }
  }

  function view(webhook: Webhook, names: Map<number, string>) {
    return {
      id: webhook.id,
      account_id: webhook.account_id,
      name: webhook.name,
      url: webhook.url,
      subscriptions: webhook.subscriptions,
      inbox_id: webhook.inbox_id,
      inbox: webhook.inbox_id ? { id: webhook.inbox_id, name: names.get(webhook.inbox_id) ?? '' } : null,
      // Shown to administrators (as Chatwoot does) so a receiver can verify X-Chatwoot-Signature.
      secret: deps.box.decrypt(webhook.secret),
    };
  }

  async function load(accountId: number, id: number) {
    const webhook = await webhooksRepo.find(db, accountId, id);
    if (!webhook) throw notFound('Webhook');
    return webhook;
  }

  return {
    async list(accountId: number) {
      const [webhooks, names] = await Promise.all([webhooksRepo.list(db, accountId), inboxNames(accountId)]);
      return webhooks.map((webhook) => view(webhook, names));
    },

    async create(actor: Actor, input: WebhookInput) {
      const url = checkUrl(input.url ?? '');
      const subscriptions = checkSubscriptions(input.subscriptions ?? DEFAULT_SUBSCRIPTIONS);
      await checkInbox(actor.accountId, input.inbox_id);
      await checkUrlFree(actor.accountId, url);
      const webhook = await inTransaction(db, async (tx) => {
        const created = await webhooksRepo.insert(tx.trx, {
          accountId: actor.accountId,
          inboxId: input.inbox_id ?? null,
          name: input.name?.trim() ?? '',
          url,
          subscriptions,
          sealedSecret: deps.box.encrypt(randomToken('', 24)),
        });
        await deps.audit.record(
          {
            action: 'webhook.created',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'webhook',
            targetId: created.id,
            ip: actor.ip,
            details: { host: hostOf(url), subscriptions, inbox_id: created.inbox_id },
          },
          tx.trx,
        );
        return created;
      });
      deps.onChanged?.(actor.accountId);
      return view(webhook, await inboxNames(actor.accountId));
    },

    async update(actor: Actor, id: number, input: WebhookInput) {
      await load(actor.accountId, id);
      const url = input.url === undefined ? undefined : checkUrl(input.url);
      const subscriptions = input.subscriptions === undefined ? undefined : checkSubscriptions(input.subscriptions);
      await checkInbox(actor.accountId, input.inbox_id);
      if (url !== undefined) await checkUrlFree(actor.accountId, url, id);
      const updated = await inTransaction(db, async (tx) => {
        const changed = await webhooksRepo.update(tx.trx, actor.accountId, id, {
          url,
          subscriptions,
          inboxId: input.inbox_id,
          name: input.name === undefined ? undefined : (input.name?.trim() ?? ''),
        });
        if (!changed) throw notFound('Webhook');
        await deps.audit.record(
          {
            action: 'webhook.updated',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'webhook',
            targetId: id,
            ip: actor.ip,
            details: { fields: Object.keys(input).filter((key) => input[key as keyof WebhookInput] !== undefined) },
          },
          tx.trx,
        );
        return changed;
      });
      deps.onChanged?.(actor.accountId);
      return view(updated, await inboxNames(actor.accountId));
    },

    async remove(actor: Actor, id: number) {
      await inTransaction(db, async (tx) => {
        if (!(await webhooksRepo.remove(tx.trx, actor.accountId, id))) throw notFound('Webhook');
        await deps.audit.record(
          {
            action: 'webhook.deleted',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'webhook',
            targetId: id,
            ip: actor.ip,
          },
          tx.trx,
        );
      });
      deps.onChanged?.(actor.accountId);
    },

    async deliveries(accountId: number, webhookId: number, page: number) {
      await load(accountId, webhookId);
      return (await webhooksRepo.listDeliveries(db, accountId, webhookId, page)).map(deliveryView);
    },

    /** A failed delivery sent again, with the same X-Chatwoot-Delivery so the receiver can dedupe. */
    async redeliver(accountId: number, webhookId: number, deliveryId: string) {
      await load(accountId, webhookId);
      const delivery = await webhooksRepo.findDelivery(db, accountId, webhookId, deliveryId);
      if (!delivery) throw notFound('Entrega');
      const reopened = await inTransaction(db, async (tx) => {
        const row = await webhooksRepo.reopenFailed(tx.trx, delivery.id);
        if (!row) return undefined;
        await deps.jobs.enqueue(
          'webhooks.deliver',
          { deliveryId: row.id },
          { tx, key: deliveryJobKey(row.id, row.attempts), accountId },
        );
        return row;
      });
      if (!reopened) {
        throw new AppError(
          'conflict',
          delivery.status === 'pending'
            ? 'Esta entrega ainda está em andamento.'
            : 'Esta entrega já foi concluída; só entregas com falha podem ser reenviadas.',
        );
      }
      return deliveryView(reopened);
    },
  };
}

export function deliveryView(delivery: Delivery) {
  return {
    id: delivery.id,
    delivery_id: delivery.delivery_id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    response_status: delivery.response_status,
    response_body: delivery.response_body,
    error: delivery.error,
    created_at: delivery.created_at.toISOString(),
    last_attempt_at: delivery.last_attempt_at?.toISOString() ?? null,
    delivered_at: delivery.delivered_at?.toISOString() ?? null,
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
