import type { AuditRepo } from '../../accounts/audit.repo.js';
import { requireContact } from '../../crm/pipeline/references.js';
import type { Db } from '../../db/client.js';
import type { ConsentPurpose, ConsentStatus } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { Clock } from '../../shared/clock.js';
import { type Consents, consentsRepo } from './consents.repo.js';

export const CONSENT_PURPOSES = ['marketing', 'notifications'] as const satisfies readonly ConsentPurpose[];

export type ConsentChanges = Partial<Record<ConsentPurpose, ConsentStatus>>;

/** Who changes a consent by hand: an attendant in the app (`agent`) or an integration's token (`api`). */
export interface ConsentActor {
  accountId: number;
  userId: number;
  ip: string | null;
  source: 'agent' | 'api';
}

/** A person's consents as attendants and integrations see and change them (LGPD: when and how each was given). */
export function createConsentsService(deps: { db: Db; audit: AuditRepo; clock: Clock }) {
  const { db } = deps;

  return {
    async show(accountId: number, contactId: number): Promise<Consents> {
      await requireContact(db, accountId, contactId, 'id');
      return consentsRepo.get(db, accountId, contactId);
    },

    /** Records each decision given; the audit log keeps what changed (nothing when the status was already so). */
    update(actor: ConsentActor, contactId: number, changes: ConsentChanges): Promise<Consents> {
      return inTransaction(db, async (tx) => {
        await requireContact(tx.trx, actor.accountId, contactId, 'id');
        const before = await consentsRepo.get(tx.trx, actor.accountId, contactId);
        const changed: Partial<Record<ConsentPurpose, { before: string; after: ConsentStatus }>> = {};
        for (const purpose of CONSENT_PURPOSES) {
          const status = changes[purpose];
          if (!status) continue;
          const updated = await consentsRepo.set(tx.trx, {
            accountId: actor.accountId,
            contactId,
            purpose,
            status,
            source: actor.source,
            details: { user_id: actor.userId },
            at: deps.clock.now(),
          });
          if (updated) changed[purpose] = { before: before[purpose].status, after: status };
        }
        if (Object.keys(changed).length > 0) {
          await deps.audit.record(
            {
              action: 'contact.consents_updated',
              accountId: actor.accountId,
              actorUserId: actor.userId,
              ip: actor.ip,
              targetType: 'contact',
              targetId: contactId,
              details: { source: actor.source, changes: changed },
            },
            tx.trx,
          );
        }
        return consentsRepo.get(tx.trx, actor.accountId, contactId);
      });
    },
  };
}

export type ConsentsService = ReturnType<typeof createConsentsService>;
