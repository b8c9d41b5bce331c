import { z } from 'zod';
import { InstantOut, iso } from '../pipeline/crm-schemas.js';
import type { Address, ClientRow } from './clients.repo.js';

export const ADDRESS_KEYS = ['street', 'number', 'district', 'city', 'state', 'zip'] as const;

const text = (field: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field}: obrigatório` : `${field} deve ser texto`) })
    .trim()
    .max(max, { error: `${field}: no máximo ${max} caracteres` });

/** Person fields shared by clients and providers; phone, e-mail and document are checked by the service (422). */
export const PersonFieldSchemas = {
  name: text('name', 200).min(1, { error: 'name: informe o nome' }),
  phone_number: text('phone_number', 40).min(1, { error: 'phone_number: informe o telefone' }),
  email: text('email', 320).nullish().meta({ description: 'Vazio ou null apaga' }),
  document: text('document', 40)
    .nullish()
    .meta({ description: 'CPF ou CNPJ (também o CNPJ alfanumérico), com ou sem pontuação; vazio ou null apaga' }),
  notes: text('notes', 5000),
};

export const AddressInSchema = z
  .strictObject(Object.fromEntries(ADDRESS_KEYS.map((key) => [key, text(`address.${key}`, 200).optional()])))
  .meta({ description: 'street, number, district, city, state, zip; numa alteração, só as chaves enviadas mudam' });

export const CreateClientSchema = z.strictObject({
  name: PersonFieldSchemas.name,
  phone_number: PersonFieldSchemas.phone_number,
  email: PersonFieldSchemas.email,
  document: PersonFieldSchemas.document,
  address: AddressInSchema.optional(),
  notes: PersonFieldSchemas.notes.optional(),
});
export type CreateClientInput = z.infer<typeof CreateClientSchema>;

export const UpdateClientSchema = CreateClientSchema.partial();
export type UpdateClientInput = z.infer<typeof UpdateClientSchema>;

/** Filled-in keys only: an empty string removes a key. */
export function mergeAddress(before: Address, changes: Record<string, string | undefined> | undefined): Address {
  const merged: Record<string, string> = { ...before };
  for (const key of ADDRESS_KEYS) {
    const value = changes?.[key];
    if (value === undefined) continue;
    if (value === '') delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export const DocumentKindSchema = z.enum(['cpf', 'cnpj']).nullable();

export const ClientSchema = z
  .object({
    id: z.number(),
    contact_id: z.number(),
    name: z.string(),
    phone_number: z.string().nullable(),
    email: z.string().nullable(),
    document: z.string().nullable().meta({ description: 'Só dígitos (e letras maiúsculas no CNPJ alfanumérico)' }),
    document_kind: DocumentKindSchema,
    address: z.object(Object.fromEntries(ADDRESS_KEYS.map((key) => [key, z.string().optional()]))),
    notes: z.string(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'Client' });
export type ClientView = z.infer<typeof ClientSchema>;

export const serializeClient = (row: ClientRow): ClientView => ({
  id: row.id,
  contact_id: row.contact_id,
  name: row.name,
  phone_number: row.phone_number,
  email: row.email,
  document: row.document,
  document_kind: row.document_kind,
  address: row.address as Address,
  notes: row.notes,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});
