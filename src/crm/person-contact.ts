import { type Kysely, sql } from 'kysely';
import type { Contact, Database } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { contactChangesFrom } from '../inbox/contact-changes.js';
import { contactsRepo } from '../inbox/contacts.repo.js';
import type { EventBus } from '../realtime/event-bus.js';
import { AppError } from '../shared/errors.js';
import { normalizePhone } from '../shared/phone.js';
import { type NormalizedDocument, normalizeDocument } from './documents.js';

type Executor = Kysely<Database>;

/** What a client or provider form says about the person; the contact holds it (one person, many profiles). */
export interface PersonInput {
  name?: string | undefined;
  phone_number?: string | undefined;
  email?: string | null | undefined;
  /** CPF or CNPJ as typed; null clears it. */
  document?: string | null | undefined;
}

/** The person's fields as the CRM shows them (and the audit log compares them). */
export const personFields = (contact: Contact) => ({
  name: contact.name,
  phone_number: contact.phone_number,
  email: contact.email,
  document: contact.document,
  document_kind: contact.document_kind,
});

const lock = (tx: TxContext, key: string) =>
  sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx.trx);

function documentOf(input: PersonInput): NormalizedDocument | null | undefined {
  if (input.document === undefined || input.document === null) return input.document;
  if (input.document.trim() === '') return null;
  const normalized = normalizeDocument(input.document);
  if (!normalized) {
    throw new AppError(
      'unprocessable',
      `Documento inválido: ${input.document}. Informe um CPF (11 dígitos) ou CNPJ (14 caracteres) com os dígitos verificadores corretos.`,
      [{ field: 'document', message: 'CPF ou CNPJ inválido' }],
    );
  }
  return normalized;
}

function findByDocument(db: Executor, accountId: number, document: string) {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('document', '=', document)
    .executeTakeFirst();
}

// Documents are unique per account: writers of one document take turns.
const lockDocument = (tx: TxContext, accountId: number, document: NormalizedDocument) =>
  lock(tx, `contact-document:${accountId}:${document.document}`);

/** Locks the document and refuses one another contact already has. */
async function claimDocument(tx: TxContext, accountId: number, document: NormalizedDocument, self: Contact | null) {
  await lockDocument(tx, accountId, document);
  const other = await findByDocument(tx.trx, accountId, document.document);
  if (other && other.id !== self?.id) {
    throw new AppError(
      'unprocessable',
      `Já existe um contato com este documento: contato #${other.id} (${other.name || 'sem nome'}).`,
      [{ field: 'document', message: 'já cadastrado', contact_id: other.id }],
    );
  }
}

async function saveDocument(tx: TxContext, contact: Contact, document: NormalizedDocument | null | undefined) {
  if (document === undefined) return contact;
  return tx.trx
    .updateTable('contacts')
    .set({ document: document?.document ?? null, document_kind: document?.kind ?? null, updated_at: sql`now()` })
    .where('account_id', '=', contact.account_id)
    .where('id', '=', contact.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const contactInput = (input: PersonInput) => ({
  name: input.name,
  phone_number: input.phone_number,
  email: input.email,
});

function announce(tx: TxContext, events: EventBus, name: string, contact: Contact) {
  tx.afterCommit(() =>
    events.publish({
      accountId: contact.account_id,
      name,
      data: { id: contact.id, name: contact.name, email: contact.email, phone_number: contact.phone_number },
    }),
  );
}

/**
 * The contact a new client or provider profile goes on: an existing one with that phone (either
 * 9th-digit form), document or e-mail is linked and brought up to date, never duplicated; otherwise a
 * new contact. Values another contact holds are refused (422 naming the field).
 */
export async function linkPersonContact(
  tx: TxContext,
  events: EventBus,
  accountId: number,
  input: PersonInput,
): Promise<{ contact: Contact; before: Contact | null }> {
  // A blank e-mail or document on a new profile means "not given": it never clears the linked contact's.
  const document = documentOf(input) ?? undefined;
  const fields = { ...contactInput(input), email: input.email || undefined };
  if (document) await lockDocument(tx, accountId, document);
  const phone = input.phone_number ? normalizePhone(input.phone_number) : null;
  const email = input.email?.trim().toLowerCase() || null;
  const lookup = async () =>
    (phone ? await contactsRepo.findByPhoneKey(tx.trx, accountId, phone.key) : undefined) ??
    (document ? await findByDocument(tx.trx, accountId, document.document) : undefined) ??
    (email ? await contactsRepo.findByEmail(tx.trx, accountId, email) : undefined) ??
    null;

  let existing = await lookup();
  let changes: Awaited<ReturnType<typeof contactChangesFrom>>;
  try {
    changes = await contactChangesFrom(tx, accountId, fields, existing);
  } catch (error) {
    // The contact appeared between the look-up and the locks contactChangesFrom takes: look again, now locked.
    if (existing || !(error instanceof AppError) || error.code !== 'unprocessable') throw error;
    existing = await lookup();
    if (!existing) throw error;
    changes = await contactChangesFrom(tx, accountId, fields, existing);
  }
  if (document) await claimDocument(tx, accountId, document, existing);

  if (existing) {
    const updated = (await contactsRepo.update(tx.trx, accountId, existing.id, changes)) ?? existing;
    const contact = await saveDocument(tx, updated, document);
    announce(tx, events, 'contact.updated', contact);
    return { contact, before: existing };
  }
  const inserted = await contactsRepo.insert(tx.trx, {
    accountId,
    name: changes.name ?? '',
    nameSource: 'agent',
    phoneNumber: changes.phone_number ?? null,
    phoneKey: changes.phone_key ?? null,
    email: changes.email ?? null,
  });
  if (!inserted) throw new AppError('conflict', 'Outro contato com este telefone acabou de ser criado. Tente de novo.');
  const contact = await saveDocument(tx, inserted, document);
  announce(tx, events, 'contact.created', contact);
  return { contact, before: null };
}

/** Changes the person behind a profile (the contact, locked by the caller's row lock order). */
export async function updatePersonContact(
  tx: TxContext,
  events: EventBus,
  accountId: number,
  contactId: number,
  input: PersonInput,
): Promise<{ contact: Contact; before: Contact }> {
  const [before] = await contactsRepo.lockMany(tx.trx, accountId, [contactId]);
  if (!before) throw new AppError('not_found', 'Contato não encontrado.');
  const document = documentOf(input);
  // Same lock order as linkPersonContact (document, then phone and e-mail), so the two never deadlock.
  if (document) await lockDocument(tx, accountId, document);
  const changes = await contactChangesFrom(tx, accountId, contactInput(input), before);
  if (document) await claimDocument(tx, accountId, document, before);
  const touched = Object.keys(changes).length > 0 || document !== undefined;
  if (!touched) return { contact: before, before };
  const updated = (await contactsRepo.update(tx.trx, accountId, contactId, changes)) ?? before;
  const contact = await saveDocument(tx, updated, document);
  announce(tx, events, 'contact.updated', contact);
  return { contact, before };
}
