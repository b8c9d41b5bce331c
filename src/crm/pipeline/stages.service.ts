import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { CrmActor } from './actor.js';
import { ensureDefaultStages } from './default-stages.js';
import { changedFields } from './references.js';
import { type Stage, type StageValues, stagesRepo } from './stages.repo.js';

const STAGE_FIELDS = ['name', 'position', 'probability', 'is_won', 'is_lost'] as const;

function refuseWonAndLost(values: Partial<StageValues>) {
  if (values.is_won && values.is_lost) {
    throw new AppError('unprocessable', 'Uma etapa não pode ser de ganho e de perda ao mesmo tempo.', [
      { field: 'is_lost', message: 'incompatível com is_won' },
    ]);
  }
}

/** The account's pipeline stages: the kanban's columns. */
export function createStagesService(deps: { db: Db; audit: AuditRepo }) {
  const { db, audit } = deps;

  const record = (actor: CrmActor, action: string, stageId: number, details: Record<string, unknown>, trx: Db) =>
    audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'pipeline_stage',
        targetId: stageId,
        details,
      },
      trx,
    );

  return {
    /** The stages in order (an account that never had any gets the default set first). */
    async list(accountId: number): Promise<Stage[]> {
      await ensureDefaultStages(db, accountId);
      return stagesRepo.list(db, accountId);
    },

    async create(actor: CrmActor, input: Partial<StageValues> & { name: string }): Promise<Stage> {
      refuseWonAndLost(input);
      await ensureDefaultStages(db, actor.accountId);
      return inTransaction(db, async ({ trx }) => {
        const stage = await stagesRepo.insert(trx, actor.accountId, {
          name: input.name,
          position: input.position ?? (await stagesRepo.nextPosition(trx, actor.accountId)),
          probability: input.probability ?? 0,
          is_won: input.is_won ?? false,
          is_lost: input.is_lost ?? false,
        });
        await record(actor, 'pipeline_stage.created', stage.id, { after: stage }, trx);
        return stage;
      });
    },

    async update(actor: CrmActor, id: number, input: Partial<StageValues>): Promise<Stage> {
      return inTransaction(db, async ({ trx }) => {
        const before = await stagesRepo.lock(trx, actor.accountId, id);
        if (!before) throw notFound('Etapa');
        refuseWonAndLost({ is_won: input.is_won ?? before.is_won, is_lost: input.is_lost ?? before.is_lost });
        const after = (await stagesRepo.update(trx, actor.accountId, id, input)) ?? before;
        const changes = changedFields(before, after, STAGE_FIELDS);
        if (changes) await record(actor, 'pipeline_stage.updated', id, changes, trx);
        return after;
      });
    },

    /** Refused while deals are in the stage (move them first) and for the last stage of the pipeline. */
    async remove(actor: CrmActor, id: number): Promise<void> {
      await inTransaction(db, async ({ trx }) => {
        await stagesRepo.lockAccountPipeline(trx, actor.accountId);
        const stage = await stagesRepo.lock(trx, actor.accountId, id);
        if (!stage) throw notFound('Etapa');
        const deals = await stagesRepo.countDeals(trx, actor.accountId, id);
        if (deals > 0) {
          throw new AppError(
            'conflict',
            `A etapa "${stage.name}" tem ${deals} negócio(s). Mova-os para outra etapa antes de excluí-la.`,
            { deals_count: deals },
          );
        }
        if ((await stagesRepo.count(trx, actor.accountId)) <= 1) {
          throw new AppError('conflict', 'O funil precisa de ao menos uma etapa.');
        }
        await stagesRepo.delete(trx, actor.accountId, id);
        await record(actor, 'pipeline_stage.deleted', id, { before: stage }, trx);
      });
    },
  };
}

export type StagesService = ReturnType<typeof createStagesService>;
