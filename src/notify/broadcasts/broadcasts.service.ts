import type { Kysely } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { CrmActor } from '../../crm/pipeline/actor.js';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { normalizeLabels } from '../../inbox/label-titles.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { Notifier } from '../notifier.js';
import { type Broadcast, type BroadcastWithTemplate, broadcastsRepo } from './broadcasts.repo.js';

type Executor = Kysely<Database>;

/** More than this in one send looks like a mistake (or spam to Meta's quality rating): split it. */
export const MAX_BROADCAST_RECIPIENTS = 10_000;
/** Notifications scheduled per transaction while a broadcast runs. */
const BATCH_SIZE = 500;

export interface NewBroadcast {
  name: string;
  label: string;
  templateId: number;
  scheduledAt?: Date | undefined;
}

/**
 * A manager's marketing send to everyone with a label. Only contacts who opted in to marketing receive
 * it (the others are counted as excluded); one broadcast sends at a time per account, and each message
 * still waits for the number's send limit. It is `running` until its last notification has left.
 */
export function createBroadcastsService(deps: {
  db: Db;
  jobs: JobSystem;
  audit: AuditRepo;
  clock: Clock;
  notifier: Notifier;
  maxRecipients?: number;
}) {
  const { db } = deps;
  const maxRecipients = deps.maxRecipients ?? MAX_BROADCAST_RECIPIENTS;

  const tooMany = (allowed: number) =>
    new AppError(
      'unprocessable',
      `A etiqueta alcança ${allowed} contatos com autorização de marketing; o limite por transmissão é ${maxRecipients}. Divida o público em etiquetas menores.`,
      [{ field: 'label', message: `mais de ${maxRecipients} destinatários`, recipients: allowed }],
    );

  /** A running broadcast whose scheduling ended and whose notifications all left is done (checked when read). */
  async function settle<T extends Broadcast>(executor: Executor, broadcast: T): Promise<T> {
    if (broadcast.status !== 'running' || broadcast.recipients === null) return broadcast;
    if ((await broadcastsRepo.pendingCount(executor, broadcast.id)) > 0) return broadcast;
    const done = await broadcastsRepo.markDone(executor, broadcast.id, deps.clock.now());
    return done ? { ...broadcast, ...done } : broadcast;
  }

  async function otherRunning(executor: Executor, accountId: number, exceptId?: number) {
    const running = await broadcastsRepo.running(executor, accountId, exceptId);
    return running ? (await settle(executor, running)).status === 'running' : false;
  }

  async function view(broadcast: BroadcastWithTemplate) {
    const settled = await settle(db, broadcast);
    // Until it runs, the audience is an estimate of who would receive it now.
    const estimate =
      settled.status === 'scheduled' ? await broadcastsRepo.audienceSize(db, settled.account_id, settled.label) : null;
    return {
      broadcast: settled,
      recipients: estimate ? estimate.allowed : settled.recipients,
      excluded: estimate ? estimate.labelled - estimate.allowed : settled.excluded,
      counts: await broadcastsRepo.statusCounts(db, settled.id),
    };
  }

  async function record(tx: TxContext, actor: CrmActor, action: string, id: number, details: Record<string, unknown>) {
    await deps.audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'broadcast',
        targetId: id,
        details,
      },
      tx.trx,
    );
  }

  async function requireMarketingTemplate(tx: TxContext, accountId: number, templateId: number) {
    const template = await tx.trx
      .selectFrom('notification_templates')
      .select(['id', 'name', 'category'])
      .where('account_id', '=', accountId)
      .where('id', '=', templateId)
      .executeTakeFirst();
    if (!template) {
      throw new AppError('not_found', `Modelo de notificação não encontrado: template_id ${templateId}.`, [
        { field: 'template_id', message: 'não encontrado', id: templateId },
      ]);
    }
    if (template.category !== 'marketing') {
      throw new AppError(
        'unprocessable',
        `O modelo ${template.name} é de utilidade; uma transmissão só pode usar um modelo de marketing.`,
        [{ field: 'template_id', message: 'o modelo precisa ser da categoria marketing' }],
      );
    }
    return template;
  }

  /** Schedules the next batch of recipients; true when there is nothing left to schedule. */
  async function scheduleBatch(id: number, afterId: number): Promise<{ finished: boolean; lastId: number }> {
    return inTransaction(db, async (tx) => {
      const broadcast = await broadcastsRepo.lock(tx.trx, id);
      // Cancelled meanwhile: what was scheduled is cancelled with it, the rest is never scheduled.
      if (broadcast?.status !== 'running') return { finished: true, lastId: afterId };
      const ids = await broadcastsRepo.audienceBatch(
        tx.trx,
        broadcast.account_id,
        broadcast.label,
        afterId,
        BATCH_SIZE,
      );
      const now = deps.clock.now();
      for (const contactId of ids) {
        await deps.notifier.schedule(tx, broadcast.account_id, {
          key: `broadcast:${id}:contact:${contactId}`,
          kind: 'broadcast',
          contactId,
          dueAt: now,
          category: 'marketing',
          templateId: broadcast.template_id,
          broadcastId: id,
        });
      }
      if (ids.length === BATCH_SIZE) return { finished: false, lastId: ids.at(-1) ?? afterId };
      const recipients = await broadcastsRepo.notificationCount(tx.trx, id);
      await broadcastsRepo.update(tx.trx, id, { recipients });
      return { finished: true, lastId: afterId };
    });
  }

  async function show(accountId: number, id: number) {
    const broadcast = await broadcastsRepo.find(db, accountId, id);
    if (!broadcast) throw notFound('Transmissão');
    return view(broadcast);
  }

  return {
    show,

    async create(actor: CrmActor, input: NewBroadcast) {
      const [label] = normalizeLabels([input.label]);
      if (!label)
        throw new AppError('validation_failed', 'Informe a etiqueta.', [{ field: 'label', message: 'vazia' }]);
      const now = deps.clock.now();
      const scheduledAt = input.scheduledAt && input.scheduledAt > now ? input.scheduledAt : now;
      const startsNow = scheduledAt.getTime() === now.getTime();
      // One at a time per account: a later one simply waits its turn when its time comes.
      if (startsNow && (await otherRunning(db, actor.accountId))) {
        throw new AppError('conflict', 'Já há uma transmissão em andamento; aguarde terminar ou cancele-a.');
      }
      const created = await inTransaction(db, async (tx) => {
        const template = await requireMarketingTemplate(tx, actor.accountId, input.templateId);
        const { allowed } = await broadcastsRepo.audienceSize(tx.trx, actor.accountId, label);
        if (allowed > maxRecipients) throw tooMany(allowed);
        const broadcast = await broadcastsRepo.insert(tx.trx, {
          accountId: actor.accountId,
          name: input.name,
          label,
          templateId: template.id,
          scheduledAt,
          userId: actor.userId,
        });
        await deps.jobs.enqueue(
          'broadcast.run',
          { broadcastId: broadcast.id },
          { tx, key: `broadcast:${broadcast.id}`, runAt: scheduledAt, accountId: actor.accountId },
        );
        await record(tx, actor, 'broadcast.created', broadcast.id, {
          name: input.name,
          label,
          template_id: template.id,
          scheduled_at: scheduledAt.toISOString(),
        });
        return broadcast;
      });
      return show(actor.accountId, created.id);
    },

    async list(accountId: number, page: number, perPage: number) {
      const [rows, count] = await Promise.all([
        broadcastsRepo.list(db, accountId, { limit: perPage, offset: (page - 1) * perPage }),
        broadcastsRepo.count(db, accountId),
      ]);
      return { count, broadcasts: await Promise.all(rows.map(view)) };
    },

    /** Stops it: nothing more is scheduled and what has not left yet is cancelled. */
    async cancel(actor: CrmActor, id: number) {
      await inTransaction(db, async (tx) => {
        const broadcast = await broadcastsRepo.lock(tx.trx, id, actor.accountId);
        if (!broadcast) throw notFound('Transmissão');
        if (broadcast.status === 'done' || broadcast.status === 'cancelled') {
          throw new AppError(
            'conflict',
            broadcast.status === 'done' ? 'A transmissão já terminou.' : 'A transmissão já foi cancelada.',
          );
        }
        const now = deps.clock.now();
        await broadcastsRepo.update(tx.trx, id, { status: 'cancelled', finished_at: now, reason: 'Cancelada' });
        const cancelled = await broadcastsRepo.cancelScheduled(
          tx.trx,
          id,
          'broadcast_cancelled: transmissão cancelada',
        );
        await record(tx, actor, 'broadcast.cancelled', id, { notifications_cancelled: cancelled });
      });
      return show(actor.accountId, id);
    },

    /** The `broadcast.run` job: starts it when no other is sending, then schedules its recipients in batches. */
    async run(id: number): Promise<'done' | 'skipped' | 'wait'> {
      const started = await inTransaction(db, async (tx) => {
        const broadcast = await broadcastsRepo.lock(tx.trx, id);
        if (!broadcast || broadcast.status === 'done' || broadcast.status === 'cancelled') return 'skipped';
        // Already running: a retried job resumes scheduling (keys make repeats no-ops).
        if (broadcast.status === 'running') return 'running';
        if (await otherRunning(tx.trx, broadcast.account_id, id)) return 'wait';
        const { labelled, allowed } = await broadcastsRepo.audienceSize(tx.trx, broadcast.account_id, broadcast.label);
        const now = deps.clock.now();
        if (allowed > maxRecipients) {
          await broadcastsRepo.update(tx.trx, id, {
            status: 'cancelled',
            finished_at: now,
            excluded: labelled - allowed,
            reason: `too_many_recipients: ${allowed} contatos, acima do limite de ${maxRecipients}`,
          });
          return 'skipped';
        }
        await broadcastsRepo.update(tx.trx, id, { status: 'running', started_at: now, excluded: labelled - allowed });
        return 'running';
      }).catch((error: unknown) => {
        // Another broadcast of the account started in the same instant (the unique index decided).
        if (isUniqueViolation(error, 'broadcasts_running_key')) return 'wait' as const;
        throw error;
      });
      if (started !== 'running') return started;
      let afterId = 0;
      for (;;) {
        const batch = await scheduleBatch(id, afterId);
        if (batch.finished) return 'done';
        afterId = batch.lastId;
      }
    },
  };
}

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
