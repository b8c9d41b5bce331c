import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Contact, Database, Inbox } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { AppError } from '../shared/errors.js';
import { fieldProblem } from './contact-changes.js';
import { contactsRepo } from './contacts.repo.js';

type Executor = Kysely<Database>;

/** Where a contact can be reached: the inbox and the id the channel knows the contact by. */
export interface ContactInboxView {
  source_id: string;
  inbox: Pick<Inbox, 'id' | 'name' | 'channel_type' | 'phone_number'>;
}
export interface ContactWithInboxes {
  contact: Contact;
  contactInboxes: ContactInboxView[];
}

/** Each contact with its contact inboxes, in one query. */
export async function withContactInboxes(
  db: Executor,
  accountId: number,
  contacts: Contact[],
): Promise<ContactWithInboxes[]> {
  const rows = await contactsRepo.contactInboxesOf(
    db,
    accountId,
    contacts.map((contact) => contact.id),
  );
  return contacts.map((contact) => ({
    contact,
    contactInboxes: rows
      .filter((row) => row.contact_id === contact.id)
      .map((row) => ({
        source_id: row.source_id,
        inbox: {
          id: row.inbox_id,
          name: row.inbox_name,
          channel_type: row.channel_type,
          phone_number: row.inbox_phone_number,
        },
      })),
  }));
}

export async function findAccountInbox(db: Executor, accountId: number, inboxId: number): Promise<Inbox> {
  const inbox = await db
    .selectFrom('inboxes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', inboxId)
    .executeTakeFirst();
  if (!inbox) {
    throw new AppError(
      'unprocessable',
      'Caixa de entrada não encontrada nesta conta.',
      fieldProblem('inbox_id', 'não encontrada'),
    );
  }
  return inbox;
}

/**
 * The contact inbox for (inbox, source id), created when missing. On WhatsApp the source id is the number
 * as digits (the contact's phone by default); elsewhere a random id, as Chatwoot does for API inboxes.
 * 422 when the source id already belongs to another contact.
 */
export async function attachContactInbox(
  tx: TxContext,
  contact: Contact,
  inbox: Inbox,
  requestedSourceId?: string,
): Promise<ContactInboxView> {
  let sourceId = requestedSourceId?.trim();
  if (inbox.channel_type === 'whatsapp_cloud') {
    sourceId ||= contact.phone_number?.replace(/\D/g, '');
    if (!sourceId) {
      throw new AppError(
        'unprocessable',
        'Para uma caixa de WhatsApp, o contato precisa de um telefone.',
        fieldProblem('phone_number', 'obrigatório para WhatsApp'),
      );
    }
    if (!/^\d{8,15}$/.test(sourceId)) {
      throw new AppError(
        'unprocessable',
        'No WhatsApp, o source_id é o número em dígitos (ex.: 5511987654321).',
        fieldProblem('source_id', 'inválido'),
      );
    }
  }
  sourceId ||= randomUUID();
  const row = await contactsRepo.ensureContactInbox(tx.trx, {
    accountId: contact.account_id,
    contactId: contact.id,
    inboxId: inbox.id,
    sourceId,
  });
  if (row.contact_id !== contact.id) {
    throw new AppError(
      'unprocessable',
      `Este source_id já pertence ao contato #${row.contact_id} nesta caixa de entrada.`,
      fieldProblem('source_id', 'já usado', { contact_id: row.contact_id }),
    );
  }
  return { source_id: row.source_id, inbox };
}

/** Inboxes that can reach the contact, with the source id a new conversation there would use (as Chatwoot). */
export async function contactableInboxes(db: Executor, view: ContactWithInboxes): Promise<ContactInboxView[]> {
  const inboxes = await db
    .selectFrom('inboxes')
    .selectAll()
    .where('account_id', '=', view.contact.account_id)
    .orderBy('id')
    .execute();
  return inboxes.flatMap((inbox) => {
    const known = view.contactInboxes.filter((row) => row.inbox.id === inbox.id).at(-1)?.source_id;
    const sourceId =
      inbox.channel_type === 'whatsapp_cloud'
        ? (known ?? view.contact.phone_number?.replace(/\D/g, ''))
        : (known ?? randomUUID());
    return sourceId ? [{ source_id: sourceId, inbox }] : [];
  });
}
