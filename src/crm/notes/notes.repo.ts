import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

type Executor = Kysely<Database>;

export interface NoteView {
  id: number;
  contact_id: number;
  content: string;
  created_at: Date;
  user_id: number | null;
  user_name: string | null;
  user_display_name: string | null;
  user_email: string | null;
}

function viewQuery(db: Executor, accountId: number, contactId: number) {
  return db
    .selectFrom('contact_notes')
    .leftJoin('users', 'users.id', 'contact_notes.user_id')
    .select([
      'contact_notes.id',
      'contact_notes.contact_id',
      'contact_notes.content',
      'contact_notes.created_at',
      'contact_notes.user_id',
      'users.name as user_name',
      'users.display_name as user_display_name',
      'users.email as user_email',
    ])
    .where('contact_notes.account_id', '=', accountId)
    .where('contact_notes.contact_id', '=', contactId);
}

/** Notes people wrote about a contact. */
export const notesRepo = {
  /** Newest first, as Chatwoot lists them; bounded so a long history never loads whole. */
  list(db: Executor, accountId: number, contactId: number, limit: number): Promise<NoteView[]> {
    return viewQuery(db, accountId, contactId)
      .orderBy('contact_notes.created_at', 'desc')
      .orderBy('contact_notes.id', 'desc')
      .limit(limit)
      .execute();
  },

  find(db: Executor, accountId: number, contactId: number, id: number): Promise<NoteView | undefined> {
    return viewQuery(db, accountId, contactId).where('contact_notes.id', '=', id).executeTakeFirst();
  },

  insert(db: Executor, values: { accountId: number; contactId: number; userId: number; content: string }) {
    return db
      .insertInto('contact_notes')
      .values({
        account_id: values.accountId,
        contact_id: values.contactId,
        user_id: values.userId,
        content: values.content,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  },

  async delete(db: Executor, accountId: number, contactId: number, id: number): Promise<void> {
    await db
      .deleteFrom('contact_notes')
      .where('account_id', '=', accountId)
      .where('contact_id', '=', contactId)
      .where('id', '=', id)
      .execute();
  },
};
