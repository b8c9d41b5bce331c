import { sql } from 'kysely';
import { z } from 'zod';
import type { Contact } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { AppError } from '../shared/errors.js';
import { normalizePhone } from '../shared/phone.js';
import { type ContactChanges, contactsRepo } from './contacts.repo.js';

/** What Chatwoot's API lets a person set on a contact. Blank strings clear a field. */
export interface ContactInput {
  name?: string | undefined;
  email?: string | null | undefined;
  phone_number?: string | null | undefined;
  identifier?: string | null | undefined;
  custom_attributes?: Record<string, unknown> | undefined;
  additional_attributes?: Record<string, unknown> | undefined;
}

/** `details` of a 422: which field, why, and anything that helps (e.g. the existing contact's id). */
export const fieldProblem = (name: string, message: string, extra: Record<string, unknown> = {}) => [
  { field: name, message, ...extra },
];

const blankToNull = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null);
const isEmail = (value: string) => z.email().safeParse(value).success;

function normalizedInput(input: ContactInput, self: Contact | null) {
  const name = input.name?.trim();
  if (name === '' && self) {
    throw new AppError('unprocessable', 'O nome não pode ficar vazio.', fieldProblem('name', 'vazio'));
  }
  const rawEmail = blankToNull(input.email);
  const email = rawEmail ? rawEmail.toLowerCase() : rawEmail;
  if (email && !isEmail(email)) {
    throw new AppError('unprocessable', `E-mail inválido: ${email}.`, fieldProblem('email', 'e-mail inválido'));
  }
  const rawPhone = blankToNull(input.phone_number);
  // undefined: leave as is; null: clear; otherwise the normalised number (null when invalid, refused below).
  const phone = typeof rawPhone === 'string' ? normalizePhone(rawPhone) : rawPhone;
  if (rawPhone && !phone) {
    throw new AppError(
      'unprocessable',
      `Telefone inválido: ${rawPhone}. Use o formato internacional, como +5511987654321.`,
      fieldProblem('phone_number', 'telefone inválido'),
    );
  }
  return { name: name || undefined, email, phone, identifier: blankToNull(input.identifier) };
}

/**
 * Turns the input into column changes: refuses invalid values and a phone (in either 9th-digit form),
 * e-mail or identifier that another contact of the account already has. A typed name is the agent's.
 */
export async function contactChangesFrom(
  tx: TxContext,
  accountId: number,
  input: ContactInput,
  self: Contact | null,
): Promise<ContactChanges> {
  const { name, email, phone, identifier } = normalizedInput(input, self);

  // Serialise with WhatsApp's contact resolution (same lock key for phones) and with other API writers.
  const lockKeys = [
    ...(phone ? [`contact:${accountId}:${phone.key}`] : []),
    ...(email ? [`contact-email:${accountId}:${email}`] : []),
    ...(identifier ? [`contact-identifier:${accountId}:${identifier}`] : []),
  ].sort();
  for (const key of lockKeys) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx.trx);

  const duplicates: Array<[string, string, Contact | undefined]> = [
    ['phone_number', 'telefone', phone ? await contactsRepo.findByPhoneKey(tx.trx, accountId, phone.key) : undefined],
    ['email', 'e-mail', email ? await contactsRepo.findByEmail(tx.trx, accountId, email) : undefined],
    [
      'identifier',
      'identificador',
      identifier ? await contactsRepo.findByIdentifier(tx.trx, accountId, identifier) : undefined,
    ],
  ];
  for (const [key, label, other] of duplicates) {
    if (other && other.id !== self?.id) {
      throw new AppError(
        'unprocessable',
        `Já existe um contato com este ${label}: contato #${other.id} (${other.name || 'sem nome'}).`,
        fieldProblem(key, 'já cadastrado', { contact_id: other.id }),
      );
    }
  }

  const changes: ContactChanges = {};
  if (name) Object.assign(changes, { name, name_source: 'agent' });
  if (email !== undefined) changes.email = email;
  if (phone !== undefined) Object.assign(changes, { phone_number: phone?.e164 ?? null, phone_key: phone?.key ?? null });
  if (identifier !== undefined) changes.identifier = identifier;
  // Chatwoot merges attributes on update (a key is removed by its own endpoint, not by omission).
  if (input.custom_attributes) {
    changes.custom_attributes = { ...(self?.custom_attributes ?? {}), ...input.custom_attributes };
  }
  if (input.additional_attributes) {
    changes.additional_attributes = { ...(self?.additional_attributes ?? {}), ...input.additional_attributes };
  }
  return changes;
}
