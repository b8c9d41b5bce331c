import type { Kysely } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { Database, DealStatus } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { type InboxScope, inScope } from '../../inbox/inbox-access.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { CrmActor } from '../pipeline/actor.js';
import { ensureDefaultStages } from '../pipeline/default-stages.js';
import {
  changedFields,
  missingReference,
  requireContact,
  requireConversation,
  requireEvent,
  requireMember,
} from '../pipeline/references.js';
import { type Stage, stagesRepo } from '../pipeline/stages.repo.js';
import { type DealFilter, type DealValues, type DealView, dealsRepo } from './deals.repo.js';

type Executor = Kysely<Database>;

export interface DealInput {
  title?: string | undefined;
  contact_id?: number | undefined;
  stage_id?: number | undefined;
  value_cents?: number | null | undefined;
  expected_close_on?: string | null | undefined;
  owner_id?: number | null | undefined;
  /** The conversation's display id. */
  conversation_id?: number | null | undefined;
  event_id?: number | null | undefined;
  lost_reason?: string | undefined;
}

const AUDITED = [
  'title',
  'contact_id',
  'stage_id',
  'value_cents',
  'expected_close_on',
  'owner_id',
  'conversation_id',
  'event_id',
  'status',
  'lost_reason',
  'closed_at',
] as const;

const lostReasonRequired = () =>
  new AppError('unprocessable', 'Informe o motivo da perda (lost_reason).', [
    { field: 'lost_reason', message: 'obrigatório ao mover para uma etapa de perda' },
  ]);

/**
 * Deals: opportunities that move through the pipeline until won or lost; every change is audited and
 * announced after commit (deal.created, deal.updated, deal.deleted) so open kanbans follow it live.
 */
export function createDealsService(deps: { db: Db; audit: AuditRepo; clock: Clock; events: EventBus }) {
  const { db, audit, clock } = deps;

  type Announced = Pick<DealView, 'id' | 'title' | 'stage_id' | 'status' | 'value_cents' | 'contact_id' | 'owner_id'>;
  const announce = (tx: TxContext, accountId: number, name: string, deal: Announced, previousStageId?: number) =>
    tx.afterCommit(() =>
      deps.events.publish({
        accountId,
        name,
        data: {
          id: deal.id,
          title: deal.title,
          stage_id: deal.stage_id,
          status: deal.status,
          value_cents: deal.value_cents,
          contact_id: deal.contact_id,
          owner_id: deal.owner_id,
          ...(previousStageId === undefined || previousStageId === deal.stage_id
            ? {}
            : { previous_stage_id: previousStageId }),
        },
      }),
    );

  const record = (actor: CrmActor, action: string, dealId: number, details: Record<string, unknown>, trx: Executor) =>
    audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'deal',
        targetId: dealId,
        details,
      },
      trx,
    );

  async function stageFor(trx: Executor, accountId: number, stageId: number | undefined): Promise<Stage> {
    if (stageId !== undefined) {
      const stage = await stagesRepo.findForDeal(trx, accountId, stageId);
      if (!stage) throw missingReference('stage_id', 'Etapa', stageId);
      return stage;
    }
    const [first] = await stagesRepo.list(trx, accountId);
    if (!first) throw new AppError('conflict', 'O funil não tem etapas.');
    return (await stagesRepo.findForDeal(trx, accountId, first.id)) ?? first;
  }

  /** What entering a stage means for the deal's status (won and lost stages close it). */
  function statusIn(
    stage: Stage,
    lostReason: string | null | undefined,
  ): Pick<DealValues, 'status' | 'closed_at' | 'lost_reason'> {
    if (stage.is_won) return { status: 'won', closed_at: clock.now(), lost_reason: null };
    if (stage.is_lost) {
      if (!lostReason) throw lostReasonRequired();
      return { status: 'lost', closed_at: clock.now(), lost_reason: lostReason };
    }
    return { status: 'open', closed_at: null, lost_reason: null };
  }

  /** Checks the ids the input refers to and turns the conversation's display id into its row id. */
  async function references(trx: Executor, actor: CrmActor, scope: InboxScope, input: DealInput) {
    const values: Partial<DealValues> = {};
    if (input.contact_id !== undefined)
      values.contact_id = (await requireContact(trx, actor.accountId, input.contact_id)).id;
    if (input.owner_id !== undefined) {
      values.owner_id =
        input.owner_id === null ? null : (await requireMember(trx, actor.accountId, input.owner_id, 'owner_id')).id;
    }
    if (input.conversation_id !== undefined) {
      if (input.conversation_id === null) values.conversation_id = null;
      else {
        const conversation = await requireConversation(trx, actor.accountId, input.conversation_id, 'conversation_id');
        // An agent links only conversations they can see; the others look like they do not exist.
        if (!inScope(scope, conversation.inbox_id))
          throw missingReference('conversation_id', 'Conversa', input.conversation_id);
        values.conversation_id = conversation.id;
      }
    }
    if (input.event_id !== undefined) {
      values.event_id = input.event_id === null ? null : (await requireEvent(trx, actor.accountId, input.event_id)).id;
    }
    if (input.title !== undefined) values.title = input.title;
    if (input.value_cents !== undefined) values.value_cents = input.value_cents;
    if (input.expected_close_on !== undefined) values.expected_close_on = input.expected_close_on;
    return values;
  }

  async function view(executor: Executor, accountId: number, id: number): Promise<DealView> {
    const deal = await dealsRepo.find(executor, accountId, id);
    if (!deal) throw notFound('Negócio');
    return deal;
  }

  /** Moves a locked deal to a closing stage (the first won/lost stage, if the pipeline has one) and sets its status. */
  async function close(actor: CrmActor, id: number, outcome: 'won' | 'lost', reason: string | null) {
    return inTransaction(db, async (tx) => {
      const { trx } = tx;
      const before = await dealsRepo.lock(trx, actor.accountId, id);
      if (!before) throw notFound('Negócio');
      const stages = await stagesRepo.list(trx, actor.accountId);
      const current = stages.find((stage) => stage.id === before.stage_id);
      const closing = (outcome === 'won' ? current?.is_won : current?.is_lost)
        ? current
        : stages.find((stage) => (outcome === 'won' ? stage.is_won : stage.is_lost));
      const status: DealStatus = outcome;
      const after: DealValues = {
        ...before,
        stage_id: closing?.id ?? before.stage_id,
        status,
        lost_reason: reason,
        closed_at: before.status === status ? before.closed_at : clock.now(),
      };
      await dealsRepo.update(trx, actor.accountId, id, after);
      if (after.stage_id !== before.stage_id) {
        await dealsRepo.recordStageChange(trx, {
          accountId: actor.accountId,
          dealId: id,
          fromStageId: before.stage_id,
          toStageId: after.stage_id,
          userId: actor.userId,
        });
      }
      const changes = changedFields(before, after, AUDITED);
      const deal = await view(trx, actor.accountId, id);
      if (changes) {
        await record(actor, `deal.${outcome}`, id, changes, trx);
        announce(tx, actor.accountId, 'deal.updated', deal, before.stage_id);
      }
      return deal;
    });
  }

  return {
    list: async (accountId: number, filter: DealFilter, page: number, perPage: number) =>
      dealsRepo.page(db, accountId, filter, page, perPage),

    show: (accountId: number, id: number) => view(db, accountId, id),

    /** The kanban: every stage in order with its totals and its most recent deals. */
    async board(accountId: number, filter: DealFilter, perStage: number) {
      await ensureDefaultStages(db, accountId);
      const [stages, totals, deals] = await Promise.all([
        stagesRepo.list(db, accountId),
        dealsRepo.totalsByStage(db, accountId, filter),
        dealsRepo.boardDeals(db, accountId, filter, perStage),
      ]);
      return stages.map((stage) => {
        const total = totals.find((row) => row.stage_id === stage.id);
        return {
          stage,
          count: Number(total?.count ?? 0),
          valueCents: Number(total?.value_cents ?? 0),
          deals: deals.filter((deal) => deal.stage_id === stage.id),
        };
      });
    },

    async create(actor: CrmActor, scope: InboxScope, input: DealInput & { title: string; contact_id: number }) {
      if (input.stage_id === undefined) await ensureDefaultStages(db, actor.accountId);
      return inTransaction(db, async (tx) => {
        const { trx } = tx;
        const refs = await references(trx, actor, scope, input);
        const stage = await stageFor(trx, actor.accountId, input.stage_id);
        const values: DealValues = {
          title: input.title,
          contact_id: input.contact_id,
          stage_id: stage.id,
          value_cents: refs.value_cents ?? null,
          expected_close_on: refs.expected_close_on ?? null,
          // Whoever creates a deal owns it unless they name someone else.
          owner_id: refs.owner_id === undefined ? actor.userId : refs.owner_id,
          conversation_id: refs.conversation_id ?? null,
          event_id: refs.event_id ?? null,
          ...statusIn(stage, input.lost_reason),
        };
        const { id } = await dealsRepo.insert(trx, actor.accountId, values);
        // The entry into the first stage, so conversion reports count every deal.
        await dealsRepo.recordStageChange(trx, {
          accountId: actor.accountId,
          dealId: id,
          fromStageId: null,
          toStageId: stage.id,
          userId: actor.userId,
        });
        await record(actor, 'deal.created', id, { after: values }, trx);
        const deal = await view(trx, actor.accountId, id);
        announce(tx, actor.accountId, 'deal.created', deal);
        return deal;
      });
    },

    /** Edits the deal; a new stage_id moves it (recorded), and won/lost stages set its status. */
    async update(actor: CrmActor, scope: InboxScope, id: number, input: DealInput) {
      return inTransaction(db, async (tx) => {
        const { trx } = tx;
        const before = await dealsRepo.lock(trx, actor.accountId, id);
        if (!before) throw notFound('Negócio');
        const after: DealValues = { ...before, ...(await references(trx, actor, scope, input)) };
        if (input.stage_id !== undefined && input.stage_id !== before.stage_id) {
          const stage = await stageFor(trx, actor.accountId, input.stage_id);
          Object.assign(after, { stage_id: stage.id }, statusIn(stage, input.lost_reason));
          await dealsRepo.recordStageChange(trx, {
            accountId: actor.accountId,
            dealId: id,
            fromStageId: before.stage_id,
            toStageId: stage.id,
            userId: actor.userId,
          });
        } else if (input.lost_reason !== undefined && before.status === 'lost') {
          after.lost_reason = input.lost_reason;
        }
        const changes = changedFields(before, after, AUDITED);
        if (changes) {
          await dealsRepo.update(trx, actor.accountId, id, after);
          await record(actor, 'deal.updated', id, changes, trx);
        }
        const deal = await view(trx, actor.accountId, id);
        if (changes) announce(tx, actor.accountId, 'deal.updated', deal, before.stage_id);
        return deal;
      });
    },

    won: (actor: CrmActor, id: number) => close(actor, id, 'won', null),

    lost(actor: CrmActor, id: number, reason: string | undefined) {
      const trimmed = reason?.trim();
      if (!trimmed) {
        throw new AppError('unprocessable', 'Informe o motivo da perda (reason).', [
          { field: 'reason', message: 'obrigatório' },
        ]);
      }
      return close(actor, id, 'lost', trimmed);
    },

    async remove(actor: CrmActor, id: number): Promise<void> {
      await inTransaction(db, async (tx) => {
        const { trx } = tx;
        const before = await dealsRepo.lock(trx, actor.accountId, id);
        if (!before) throw notFound('Negócio');
        await dealsRepo.delete(trx, actor.accountId, id);
        await record(actor, 'deal.deleted', id, { before }, trx);
        announce(tx, actor.accountId, 'deal.deleted', before);
      });
    },

    stageChanges: async (accountId: number, id: number) => {
      await view(db, accountId, id);
      return dealsRepo.stageChanges(db, accountId, id);
    },
  };
}

export type DealsService = ReturnType<typeof createDealsService>;
