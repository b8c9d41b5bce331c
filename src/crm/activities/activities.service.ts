import type { Kysely } from 'kysely';
import type { Db } from '../../db/client.js';
import type { ActivityKind, Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { CrmActor } from '../pipeline/actor.js';
import { requireContact, requireDeal, requireEvent, requireMember } from '../pipeline/references.js';
import { type ActivityFilter, type ActivityValues, activitiesRepo } from './activities.repo.js';

export interface ActivityInput {
  kind?: ActivityKind | undefined;
  title?: string | undefined;
  notes?: string | undefined;
  due_at?: Date | null | undefined;
  assignee_id?: number | null | undefined;
  contact_id?: number | null | undefined;
  deal_id?: number | null | undefined;
  event_id?: number | null | undefined;
  done?: boolean | undefined;
}

/** The team's to-dos, linked to a contact, a deal or an event ("minhas tarefas" is assignee_id=me). */
export function createActivitiesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** The input as column values, with every id it names checked against the account. */
  async function valuesOf(trx: Kysely<Database>, accountId: number, input: ActivityInput) {
    const values: Partial<ActivityValues> = {};
    if (input.kind !== undefined) values.kind = input.kind;
    if (input.title !== undefined) values.title = input.title;
    if (input.notes !== undefined) values.notes = input.notes;
    if (input.due_at !== undefined) values.due_at = input.due_at;
    if (input.assignee_id != null) await requireMember(trx, accountId, input.assignee_id, 'assignee_id');
    if (input.assignee_id !== undefined) values.assignee_id = input.assignee_id;
    if (input.contact_id != null) await requireContact(trx, accountId, input.contact_id);
    if (input.contact_id !== undefined) values.contact_id = input.contact_id;
    if (input.deal_id != null) {
      const deal = await requireDeal(trx, accountId, input.deal_id);
      // An activity about a deal is also about the deal's contact (it shows on that person's timeline).
      if (input.contact_id === undefined) values.contact_id = deal.contact_id;
    }
    if (input.deal_id !== undefined) values.deal_id = input.deal_id;
    if (input.event_id != null) await requireEvent(trx, accountId, input.event_id);
    if (input.event_id !== undefined) values.event_id = input.event_id;
    return values;
  }

  async function view(executor: Kysely<Database>, accountId: number, id: number) {
    const activity = await activitiesRepo.find(executor, accountId, id);
    if (!activity) throw notFound('Atividade');
    return activity;
  }

  return {
    list: (accountId: number, filter: ActivityFilter, page: number, perPage: number) =>
      activitiesRepo.page(db, accountId, filter, page, perPage),

    show: (accountId: number, id: number) => view(db, accountId, id),

    async create(actor: CrmActor, input: ActivityInput & { kind: ActivityKind; title: string }) {
      return inTransaction(db, async ({ trx }) => {
        const values = await valuesOf(trx, actor.accountId, input);
        const { id } = await activitiesRepo.insert(trx, actor.accountId, {
          kind: input.kind,
          title: input.title,
          notes: values.notes ?? '',
          due_at: values.due_at ?? null,
          done_at: input.done ? clock.now() : null,
          // Without an assignee the activity is the creator's own task.
          assignee_id: values.assignee_id === undefined ? actor.userId : values.assignee_id,
          contact_id: values.contact_id ?? null,
          deal_id: values.deal_id ?? null,
          event_id: values.event_id ?? null,
          created_by: actor.userId,
        });
        return view(trx, actor.accountId, id);
      });
    },

    /** Edits the activity; `done: true` marks it done now (once), `done: false` reopens it. */
    async update(actor: CrmActor, id: number, input: ActivityInput) {
      return inTransaction(db, async ({ trx }) => {
        const current = await activitiesRepo.lock(trx, actor.accountId, id);
        if (!current) throw notFound('Atividade');
        const values = await valuesOf(trx, actor.accountId, input);
        if (input.done === true && current.done_at === null) values.done_at = clock.now();
        if (input.done === false) values.done_at = null;
        if (Object.keys(values).length > 0) await activitiesRepo.update(trx, actor.accountId, id, values);
        return view(trx, actor.accountId, id);
      });
    },

    /** Administrators, the creator or the assignee may delete an activity. */
    async remove(actor: CrmActor, id: number): Promise<void> {
      await inTransaction(db, async ({ trx }) => {
        const current = await activitiesRepo.lock(trx, actor.accountId, id);
        if (!current) throw notFound('Atividade');
        const own = current.created_by === actor.userId || current.assignee_id === actor.userId;
        if (actor.role !== 'administrator' && !own) {
          throw new AppError(
            'forbidden',
            'Somente administradores, quem criou ou o responsável podem excluir a atividade.',
          );
        }
        await activitiesRepo.delete(trx, actor.accountId, id);
      });
    },
  };
}

export type ActivitiesService = ReturnType<typeof createActivitiesService>;
