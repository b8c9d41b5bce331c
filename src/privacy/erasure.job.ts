import { z } from 'zod';
import { webhookDeliveryErasure } from '../automation/webhooks/webhooks.repo.js';
import { rawWebhookErasure } from '../channels/whatsapp/raw-webhooks.repo.js';
import type { Db } from '../db/client.js';
import { defineJob } from '../jobs/job-definition.js';

/** Ids per job: a person has a handful (each number in both 9th-digit forms, BSUIDs, the E.164 phone). */
export const IDS_PER_ERASURE = 50;

export const ErasePersonDataSchema = z.object({
  accountId: z.number().int().positive(),
  /** wa_ids (both 9th-digit forms), BSUIDs and E.164 phones of the person whose data goes. */
  ids: z.array(z.string().min(1)).min(1).max(IDS_PER_ERASURE),
});

/**
 * What still holds a deleted contact's data outside their rows (queued by the contact's deletion, in its
 * transaction): the stored WhatsApp webhook bodies that name them (emptied; the row and its SHA-256 stay, so
 * a late redelivery is still a duplicate) and the settled outgoing webhook deliveries whose payload names
 * them (deleted from the log).
 */
export function createErasePersonDataJob(deps: { db: Db }) {
  return defineJob({
    name: 'privacy.erase_person_data',
    schema: ErasePersonDataSchema,
    timeoutMs: 10 * 60 * 1000,
    async handler({ accountId, ids }, context) {
      const rawWebhooks = await rawWebhookErasure.eraseMentioning(deps.db, accountId, ids);
      const webhookDeliveries = await webhookDeliveryErasure.deleteMentioning(deps.db, accountId, ids);
      context.logger.info({ accountId, rawWebhooks, webhookDeliveries }, 'Erased a deleted contact’s stored data');
      return rawWebhooks + webhookDeliveries > 0 ? 'done' : 'skipped';
    },
  });
}
