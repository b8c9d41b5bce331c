import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, NotificationTemplatesTable } from '../../db/schema.js';
import { type NotificationTemplate, WhatsappVariantSchema } from './template-schemas.js';

type Executor = Kysely<Database>;

/** What a saved template holds besides its id and timestamps. */
export interface TemplateContent {
  name: string;
  category: NotificationTemplate['category'];
  whatsapp: NotificationTemplate['whatsapp'];
  text: string | null;
  sms: string | null;
}

/** A row as a template; a WhatsApp variant stored in a shape this version does not read counts as none. */
export function toTemplate(row: Selectable<NotificationTemplatesTable>): NotificationTemplate {
  const whatsapp = row.whatsapp ? WhatsappVariantSchema.safeParse(row.whatsapp) : null;
  return {
    id: row.id,
    account_id: row.account_id,
    name: row.name,
    category: row.category,
    whatsapp: whatsapp?.success ? whatsapp.data : null,
    text: row.text,
    sms: row.sms,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

const columns = (content: TemplateContent) => ({
  name: content.name,
  category: content.category,
  whatsapp: content.whatsapp ? JSON.stringify(content.whatsapp) : null,
  text: content.text,
  sms: content.sms,
});

/** Notification templates of an account (every query names the account). */
export const notificationTemplatesRepo = {
  async list(db: Executor, accountId: number): Promise<NotificationTemplate[]> {
    const rows = await db
      .selectFrom('notification_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .execute();
    return rows.map(toTemplate);
  },

  async find(db: Executor, accountId: number, id: number, lock = false): Promise<NotificationTemplate | undefined> {
    let query = db
      .selectFrom('notification_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toTemplate(row) : undefined;
  },

  async findByName(db: Executor, accountId: number, name: string) {
    return db
      .selectFrom('notification_templates')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .where(sql`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst();
  },

  async insert(db: Executor, accountId: number, content: TemplateContent): Promise<NotificationTemplate> {
    const row = await db
      .insertInto('notification_templates')
      .values({ account_id: accountId, ...columns(content) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplate(row);
  },

  async update(db: Executor, accountId: number, id: number, content: TemplateContent): Promise<NotificationTemplate> {
    const row = await db
      .updateTable('notification_templates')
      .set({ ...columns(content), updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplate(row);
  },

  async delete(db: Executor, accountId: number, id: number): Promise<void> {
    await db.deleteFrom('notification_templates').where('account_id', '=', accountId).where('id', '=', id).execute();
  },

  /** What still needs the template: rules, broadcasts, and notifications not sent yet. */
  async usage(db: Executor, accountId: number, id: number) {
    // One after another: this runs inside the delete's transaction (one connection).
    const rules = await db
      .selectFrom('notification_rules')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .where('template_id', '=', id)
      .orderBy('id')
      .execute();
    const broadcasts = await db
      .selectFrom('broadcasts')
      .select(['id', 'name'])
      .where('account_id', '=', accountId)
      .where('template_id', '=', id)
      .orderBy('id')
      .execute();
    const pending = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('account_id', '=', accountId)
      .where('template_id', '=', id)
      .where('status', 'in', ['scheduled', 'queued'])
      .executeTakeFirstOrThrow();
    return { rules, broadcasts, pendingNotifications: Number(pending.count) };
  },
};
