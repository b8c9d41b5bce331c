import { z } from 'zod';
import { DocumentKindSchema, PersonFieldSchemas } from '../clients/client-schemas.js';
import { booleanQuery, InstantOut, idQuery, instantIn, iso, isoOrNull, pageQuery } from '../pipeline/crm-schemas.js';
import type { AssignmentCounts, ProviderRow, UpcomingAssignment } from './providers.repo.js';

const ServiceRefSchema = z.union([
  z.string().trim().min(1, { error: 'services: nome vazio' }).max(100),
  z.number().int().positive(),
]);

export const CreateProviderSchema = z.strictObject({
  name: PersonFieldSchemas.name,
  phone_number: PersonFieldSchemas.phone_number,
  email: PersonFieldSchemas.email,
  document: PersonFieldSchemas.document,
  services: z
    .array(ServiceRefSchema, { error: 'services deve ser uma lista de nomes ou ids de tipos de serviço' })
    .max(50)
    .optional()
    .meta({ description: 'Nomes ("DJ") ou ids dos tipos de serviço; desconhecido: 422 nomeando-o. Padrão: nenhum' }),
  regions: z
    .array(z.string().trim().min(1, { error: 'regions: região vazia' }).max(100), {
      error: 'regions deve ser uma lista de textos',
    })
    .max(100)
    .optional()
    .meta({ description: 'Cidades ou regiões atendidas, ex.: ["São Paulo", "ABC"]. Padrão: nenhuma' }),
  active: z
    .boolean({ error: 'active deve ser true ou false (na planilha: sim ou não)' })
    .optional()
    .meta({ description: 'Padrão: true' }),
  notes: PersonFieldSchemas.notes.optional(),
});
export type CreateProviderInput = z.infer<typeof CreateProviderSchema>;

export const UpdateProviderSchema = CreateProviderSchema.partial();
export type UpdateProviderInput = z.infer<typeof UpdateProviderSchema>;

export const ProviderListQuerySchema = z
  .strictObject({
    service: z.string().trim().min(1).max(100).optional().meta({ description: 'Nome ou id do tipo de serviço' }),
    region: z.string().trim().min(1).max(100).optional(),
    active: booleanQuery('active').optional(),
    available_from: instantIn('available_from').optional(),
    available_to: instantIn('available_to').optional(),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      .meta({ description: 'Nome, telefone (com ou sem o 9), e-mail ou CPF/CNPJ' }),
    contact_id: idQuery('contact_id')
      .optional()
      .meta({ description: 'Só o prestador desse contato (0 ou 1 resultado)' }),
    page: pageQuery,
  })
  .superRefine((query, context) => {
    const from = query.available_from;
    const to = query.available_to;
    if ((from === undefined) !== (to === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [from === undefined ? 'available_from' : 'available_to'],
        message: 'informe available_from e available_to juntos',
      });
    } else if (from && to && to <= from) {
      context.addIssue({
        code: 'custom',
        path: ['available_to'],
        message: 'available_to deve ser depois de available_from',
      });
    }
  });
export type ProviderListQuery = z.infer<typeof ProviderListQuerySchema>;

const ServiceRefOut = z.object({ id: z.number(), name: z.string() });

export const ProviderSchema = z
  .object({
    id: z.number(),
    contact_id: z.number(),
    name: z.string(),
    phone_number: z.string().nullable(),
    email: z.string().nullable(),
    document: z.string().nullable(),
    document_kind: DocumentKindSchema,
    services: z.array(ServiceRefOut),
    regions: z.array(z.string()),
    active: z.boolean(),
    rating: z.number().nullable().meta({ description: 'Média das avaliações (1 a 5); null até a primeira' }),
    notes: z.string(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'Provider' });
export type ProviderView = z.infer<typeof ProviderSchema>;

const STATUSES = ['assigned', 'offered', 'accepted', 'declined', 'expired', 'withdrawn', 'cancelled'] as const;

export const ProviderDetailSchema = ProviderSchema.extend({
  upcoming_assignments: z.array(
    z.object({
      id: z.number(),
      event_id: z.number(),
      event_title: z.string(),
      service: ServiceRefOut,
      status: z.enum(STATUSES),
      starts_at: InstantOut,
      ends_at: InstantOut,
      expires_at: InstantOut.nullable(),
    }),
  ),
  assignment_counts: z
    .object(
      Object.fromEntries(STATUSES.map((status) => [status, z.number()])) as Record<
        (typeof STATUSES)[number],
        z.ZodNumber
      >,
    )
    .meta({ description: 'Quantas escalas o prestador teve em cada situação (histórico de aceites e recusas)' }),
  acceptance_rate: z
    .number()
    .nullable()
    .meta({ description: 'Aceitas ÷ (aceitas + recusadas + expiradas), de 0 a 1; null sem convites respondidos' }),
}).meta({ id: 'ProviderDetail' });

export const serializeProvider = (row: ProviderRow, services: Array<{ id: number; name: string }>): ProviderView => ({
  id: row.id,
  contact_id: row.contact_id,
  name: row.name,
  phone_number: row.phone_number,
  email: row.email,
  document: row.document,
  document_kind: row.document_kind,
  services,
  regions: row.regions,
  active: row.active,
  rating: row.rating === null ? null : Number(row.rating),
  notes: row.notes,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

export function serializeDetail(view: ProviderView, upcoming: UpcomingAssignment[], counts: AssignmentCounts) {
  const answered = counts.accepted + counts.declined + counts.expired;
  return {
    ...view,
    upcoming_assignments: upcoming.map((assignment) => ({
      id: assignment.id,
      event_id: assignment.event_id,
      event_title: assignment.event_title,
      service: { id: assignment.service_type_id, name: assignment.service_name },
      status: assignment.status,
      starts_at: iso(assignment.starts_at),
      ends_at: iso(assignment.ends_at),
      expires_at: isoOrNull(assignment.expires_at),
    })),
    assignment_counts: counts,
    acceptance_rate: answered === 0 ? null : Math.round((counts.accepted / answered) * 1000) / 1000,
  };
}
