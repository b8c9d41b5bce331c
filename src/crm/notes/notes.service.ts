import type { Db } from '../../db/client.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { CrmActor } from '../pipeline/actor.js';
import { requireContact } from '../pipeline/references.js';
import { type NoteView, notesRepo } from './notes.repo.js';

const NOTES_LIMIT = 200;

/** Notes on a contact (Chatwoot's /contacts/:id/notes); they also show on the contact's timeline. */
export function createNotesService(deps: { db: Db }) {
  const { db } = deps;

  async function existing(accountId: number, contactId: number, id: number): Promise<NoteView> {
    const note = await notesRepo.find(db, accountId, contactId, id);
    if (!note) throw notFound('Nota');
    return note;
  }

  return {
    async list(accountId: number, contactId: number): Promise<NoteView[]> {
      await requireContact(db, accountId, contactId, 'id');
      return notesRepo.list(db, accountId, contactId, NOTES_LIMIT);
    },

    async show(accountId: number, contactId: number, id: number): Promise<NoteView> {
      await requireContact(db, accountId, contactId, 'id');
      return existing(accountId, contactId, id);
    },

    async create(actor: CrmActor, contactId: number, content: string): Promise<NoteView> {
      await requireContact(db, actor.accountId, contactId, 'id');
      const { id } = await notesRepo.insert(db, {
        accountId: actor.accountId,
        contactId,
        userId: actor.userId,
        content,
      });
      return existing(actor.accountId, contactId, id);
    },

    /** The author or an administrator. */
    async remove(actor: CrmActor, contactId: number, id: number): Promise<void> {
      const note = await existing(actor.accountId, contactId, id);
      if (actor.role !== 'administrator' && note.user_id !== actor.userId) {
        throw new AppError('forbidden', 'Somente quem escreveu a nota ou administradores podem excluí-la.');
      }
      await notesRepo.delete(db, actor.accountId, contactId, id);
    },
  };
}

export type NotesService = ReturnType<typeof createNotesService>;
