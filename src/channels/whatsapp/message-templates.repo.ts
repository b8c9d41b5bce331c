import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, MessageTemplatesTable } from '../../db/schema.js';

type Executor = Kysely<Database>;
export type MessageTemplate = Selectable<MessageTemplatesTable>;

/** A template as the Graph API listed it, ready to store. */
export interface SyncedTemplate {
  externalId: string | null;
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameterFormat: string | null;
  components: Array<Record<string, unknown>>;
}

const UPSERT_CHUNK = 500;

/** The WABA's templates as last synced from Meta, one set per inbox (every query names the inbox). */
export const messageTemplatesRepo = {
  async find(db: Executor, inboxId: number, name: string, language: string): Promise<MessageTemplate | undefined> {
    return db
      .selectFrom('message_templates')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('name', '=', name)
      .where('language', '=', language)
      .executeTakeFirst();
  },

  async list(db: Executor, accountId: number, inboxId: number): Promise<MessageTemplate[]> {
    return db
      .selectFrom('message_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('inbox_id', '=', inboxId)
      .orderBy('name')
      .orderBy('language')
      .execute();
  },

  /**
   * Makes the inbox's rows exactly `templates`: upserts each (unique on inbox, name, language), deletes
   * those Meta no longer lists, and stamps the inbox as synced. Call inside a transaction.
   */
  async replaceAll(
    trx: Executor,
    inbox: { id: number; account_id: number },
    templates: SyncedTemplate[],
  ): Promise<number> {
    // Serialises concurrent syncs of one inbox (daily job and an administrator's click).
    await trx.selectFrom('inboxes').select('id').where('id', '=', inbox.id).forUpdate().execute();
    const keptIds: number[] = [];
    for (let start = 0; start < templates.length; start += UPSERT_CHUNK) {
      const rows = templates.slice(start, start + UPSERT_CHUNK).map((template) => ({
        account_id: inbox.account_id,
        inbox_id: inbox.id,
        external_id: template.externalId,
        name: template.name,
        language: template.language,
        status: template.status,
        category: template.category,
        parameter_format: template.parameterFormat,
        components: JSON.stringify(template.components),
        synced_at: sql<Date>`now()`,
      }));
      const upserted = await trx
        .insertInto('message_templates')
        .values(rows)
        .onConflict((conflict) =>
          conflict.columns(['inbox_id', 'name', 'language']).doUpdateSet((eb) => ({
            external_id: eb.ref('excluded.external_id'),
            status: eb.ref('excluded.status'),
            category: eb.ref('excluded.category'),
            parameter_format: eb.ref('excluded.parameter_format'),
            components: eb.ref('excluded.components'),
            synced_at: sql<Date>`now()`,
            updated_at: sql<Date>`now()`,
          })),
        )
        .returning('id')
        .execute();
      keptIds.push(...upserted.map((row) => row.id));
    }
    let vanished = trx.deleteFrom('message_templates').where('inbox_id', '=', inbox.id);
    if (keptIds.length > 0) vanished = vanished.where('id', 'not in', keptIds);
    await vanished.execute();
    await trx
      .updateTable('inboxes')
      .set({ templates_synced_at: sql`now()`, templates_sync_error: null, updated_at: sql`now()` })
      .where('id', '=', inbox.id)
      .execute();
    return keptIds.length;
  },

  async recordSyncError(db: Executor, inboxId: number, reason: string): Promise<void> {
    await db
      .updateTable('inboxes')
      .set({ templates_sync_error: reason, updated_at: sql`now()` })
      .where('id', '=', inboxId)
      .execute();
  },
};
